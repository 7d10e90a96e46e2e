package auth

import (
	"sync"
	"time"
)

// RateLimiter allows a number of events per key (a client address) in a sliding minute, to slow
// password guessing at the login endpoints.
type RateLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	events map[string][]time.Time
}

// NewRateLimiter allows limit events per key within window.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	return &RateLimiter{limit: limit, window: window, events: map[string][]time.Time{}}
}

// Allow records an event for key at now and reports whether it is within the limit; when it is
// not, it also returns how long until the next event would be allowed.
func (l *RateLimiter) Allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cutoff := now.Add(-l.window)
	kept := l.events[key][:0]
	for _, t := range l.events[key] {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	if len(kept) >= l.limit {
		l.events[key] = kept
		return false, kept[0].Sub(cutoff)
	}
	l.events[key] = append(kept, now)
	if len(l.events) > 100000 {
		l.forgetIdle(cutoff)
	}
	return true, 0
}

// forgetIdle drops keys with no recent events so the map cannot grow without bound.
func (l *RateLimiter) forgetIdle(cutoff time.Time) {
	for k, ts := range l.events {
		if len(ts) == 0 || !ts[len(ts)-1].After(cutoff) {
			delete(l.events, k)
		}
	}
}
