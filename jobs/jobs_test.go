package jobs

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// countingJob records each run in the settings table, so the test sees what the database saw.
var countingJob = Job{Name: "count", Run: func(ctx context.Context, db *store.DB, today imis.Date) (string, error) {
	v, err := db.Setting(ctx, "runs")
	if err != nil {
		return "", err
	}
	n, _ := strconv.Atoi(v)
	return "ok", db.SetSetting(ctx, "runs", strconv.Itoa(n+1))
}}

func runs(t *testing.T, db *store.DB) int {
	v, err := db.Setting(context.Background(), "runs")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(v)
	return n
}

func TestDailyJobRunsOncePerDayAcrossProcesses(t *testing.T) {
	db := testdb.Open(t)
	clock := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	db.Zone = time.UTC
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := &Scheduler{DB: db, Log: log, Jobs: []Job{countingJob}}
	b := &Scheduler{DB: db, Log: log, Jobs: []Job{countingJob}}
	var wg sync.WaitGroup
	for _, s := range []*Scheduler{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); s.RunDue(context.Background()) }()
	}
	wg.Wait()
	if n := runs(t, db); n != 1 {
		t.Fatalf("two processes ran the job %d times on the first day", n)
	}
	a.RunDue(context.Background())
	if n := runs(t, db); n != 1 {
		t.Fatalf("the job ran again the same day: %d", n)
	}
	mu.Lock()
	clock = clock.Add(24 * time.Hour)
	mu.Unlock()
	b.RunDue(context.Background())
	if n := runs(t, db); n != 2 {
		t.Fatalf("the job did not run the next day: %d", n)
	}
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	day := imis.NewDate(2026, 6, 1)
	if ok, err := db.AcquireLease(ctx, "x", "crashed", time.Minute, day); !ok || err != nil {
		t.Fatalf("first lease: %v %v", ok, err)
	}
	if ok, _ := db.AcquireLease(ctx, "x", "other", time.Minute, day); ok {
		t.Fatal("a held lease was taken")
	}
	later := time.Now().Add(2 * time.Minute)
	db.Now = func() time.Time { return later }
	if ok, err := db.AcquireLease(ctx, "x", "other", time.Minute, day); !ok || err != nil {
		t.Fatalf("an expired lease was not taken over: %v %v", ok, err)
	}
	if err := db.ReleaseLease(ctx, "x", "other", day); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.AcquireLease(ctx, "x", "third", time.Minute, day); ok {
		t.Fatal("a job completed for the day was leased again for that day")
	}
}
