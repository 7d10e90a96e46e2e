// Package jobs runs the scheme's daily batch work (policy expiry, renewal reminders) inside the
// server: once a day at 00:30 in the scheme's time zone, catching up at start-up, under a lease
// so that only one of several server processes runs each job.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// Job is one daily task; Run does the work for the business day today.
type Job struct {
	Name string
	Run  func(ctx context.Context, db *store.DB, today imis.Date) (string, error)
}

// Scheduler runs jobs daily.
type Scheduler struct {
	DB     *store.DB
	Log    *slog.Logger
	Jobs   []Job
	holder string
}

// leaseTTL bounds how long a crashed holder blocks a job.
const leaseTTL = 30 * time.Minute

// RunDue runs every job whose last completed day is before today (the start-up catch-up and
// each daily tick).
func (s *Scheduler) RunDue(ctx context.Context) {
	if s.holder == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		s.holder = hex.EncodeToString(b)
	}
	today := s.DB.Today()
	for _, j := range s.Jobs {
		last, err := s.DB.LastRun(ctx, j.Name)
		if err != nil {
			s.Log.Error("job status", "job", j.Name, "err", err)
			continue
		}
		if !last.IsZero() && !last.Before(today) {
			continue
		}
		if err := s.RunNow(ctx, j, today); err != nil {
			s.Log.Error("job failed", "job", j.Name, "err", err)
		}
	}
}

// RunNow runs one job for today if this process gets its lease.
func (s *Scheduler) RunNow(ctx context.Context, j Job, today imis.Date) error {
	ok, err := s.DB.AcquireLease(ctx, j.Name, s.holder, leaseTTL, today)
	if err != nil || !ok {
		return err
	}
	summary, err := j.Run(imis.SystemContext(ctx), s.DB, today)
	if err != nil {
		return err
	}
	s.Log.Info("job done", "job", j.Name, "day", today.String(), "result", summary)
	return s.DB.ReleaseLease(ctx, j.Name, s.holder, today)
}

// Loop runs due jobs now and then every day at 00:30 scheme time until ctx ends.
func (s *Scheduler) Loop(ctx context.Context) {
	s.RunDue(ctx)
	for {
		now := s.DB.Now().In(s.DB.Zone)
		next := time.Date(now.Year(), now.Month(), now.Day(), 0, 30, 0, 0, s.DB.Zone)
		if !next.After(now) {
			next = next.AddDate(0, 0, 1)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(next.Sub(now)):
			s.RunDue(ctx)
		}
	}
}
