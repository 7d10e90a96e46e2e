package heapfloor

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
)

func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// residentBytes reads the process's resident set from /proc.
func residentBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(b))[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

func TestReserveRaisesTheHeapGoalWithoutMemory(t *testing.T) {
	const size = 256 << 20
	runtime.GC()
	before, rss := heapGoal(), residentBytes(t)
	floor := Reserve(func(string) string { return "" }, size)
	runtime.GC()
	if goal := heapGoal(); goal < before+size {
		t.Errorf("heap goal %d, want at least %d", goal, before+size)
	}
	if grown := residentBytes(t) - rss; grown > size/8 {
		t.Errorf("resident memory grew by %d bytes for a floor of %d", grown, size)
	}
	runtime.KeepAlive(floor)
}

func TestReserveLeavesTheOperatorsSettings(t *testing.T) {
	for _, key := range []string{"GOGC", "GOMEMLIMIT"} {
		env := func(k string) string {
			if k == key {
				return "200"
			}
			return ""
		}
		if b := Reserve(env, DefaultSize); b != nil {
			t.Errorf("%s set: got a floor of %d bytes", key, len(b))
		}
	}
}
