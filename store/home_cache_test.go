package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedCount is a count that reports when it starts and ends only when released, so that a test
// can look at the callers while it runs.
type gatedCount struct {
	calls   atomic.Int32
	started chan struct{}
	release chan error
}

func newGatedCount() *gatedCount {
	return &gatedCount{started: make(chan struct{}, 10), release: make(chan error)}
}

func (g *gatedCount) count(context.Context) (int, error) {
	n := g.calls.Add(1)
	g.started <- struct{}{}
	if err := <-g.release; err != nil {
		return 0, err
	}
	return int(n), nil
}

// awaitRecount waits for the count in flight, if one runs.
func (c *recounted[T]) awaitRecount() {
	c.mu.Lock()
	running := c.running
	c.mu.Unlock()
	if running != nil {
		<-running
	}
}

// getAll calls get from n goroutines at once and returns what each got.
func getAll(c *recounted[int], n int, now time.Time, count func(context.Context) (int, error)) ([]int, []error) {
	values, errs := make([]int, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { values[i], errs[i] = c.get(context.Background(), now, count) })
	}
	wg.Wait()
	return values, errs
}

// TestRecountedCountsOnceAMinute: the first callers wait for one count together; later callers
// get the value at once, and the first one after a minute starts one recount that the others
// share while they keep the old value.
func TestRecountedCountsOnceAMinute(t *testing.T) {
	var c recounted[int]
	g := newGatedCount()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	done := make(chan struct{})
	var values []int
	var errs []error
	go func() {
		values, errs = getAll(&c, 20, t0, g.count)
		close(done)
	}()
	<-g.started
	g.release <- nil
	<-done
	for i := range values {
		if values[i] != 1 || errs[i] != nil {
			t.Fatalf("first callers got %v %v, want 1 from one count", values[i], errs[i])
		}
	}

	if values, _ := getAll(&c, 20, t0.Add(TotalsMaxAge-time.Second), g.count); values[0] != 1 || g.calls.Load() != 1 {
		t.Fatalf("within the minute: %d counts, value %d", g.calls.Load(), values[0])
	}

	// After the minute every caller gets the old value at once while one recount runs.
	values, _ = getAll(&c, 20, t0.Add(TotalsMaxAge), g.count)
	<-g.started
	for _, v := range values {
		if v != 1 {
			t.Fatalf("during the recount a caller got %d, want the old value", v)
		}
	}
	if n := g.calls.Load(); n != 2 {
		t.Fatalf("%d counts, want one recount", n)
	}
	g.release <- nil
	c.awaitRecount()
	if v, err := c.get(context.Background(), t0.Add(TotalsMaxAge+time.Second), g.count); v != 2 || err != nil || g.calls.Load() != 2 {
		t.Fatalf("after the recount: %d %v, %d counts", v, err, g.calls.Load())
	}
}

// TestRecountedAfterAFailure: a failed first count is the callers' error and the next caller
// counts again; a failed recount keeps the old value until the next minute.
func TestRecountedAfterAFailure(t *testing.T) {
	var c recounted[int]
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	broken := errors.New("database gone")
	fail := func(context.Context) (int, error) { return 0, broken }
	if _, err := c.get(context.Background(), t0, fail); !errors.Is(err, broken) {
		t.Fatalf("first count failed with %v", err)
	}
	if v, err := c.get(context.Background(), t0, func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Fatalf("after a failed first count: %d %v", v, err)
	}
	later := t0.Add(TotalsMaxAge)
	if v, err := c.get(context.Background(), later, fail); v != 7 || err != nil {
		t.Fatalf("a failing recount: %d %v", v, err)
	}
	c.awaitRecount()
	calls := 0
	if v, err := c.get(context.Background(), later.Add(time.Second), func(context.Context) (int, error) { calls++; return 8, nil }); v != 7 || err != nil || calls != 0 {
		t.Fatalf("right after a failed recount: %d %v, %d counts", v, err, calls)
	}
}
