package auth

import (
	"slices"
	"sync"
	"time"
)

// RateLimiter allows a number of events per key (a client address, a login name) in a sliding
// window, to slow password guessing at the login endpoints. An event can be refunded, so that
// only failed logins use up the budget.
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

// Allow records an event at now under every key when each of them is within the limit, and
// reports whether it did; when one is not, it records nothing and returns how long until every
// key would allow the event. Recording before the outcome is known keeps attempts in flight
// within the budget too.
func (l *RateLimiter) Allow(now time.Time, keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cutoff := now.Add(-l.window)
	var wait time.Duration
	for _, key := range keys {
		if kept := l.recent(key, cutoff); len(kept) >= l.limit {
			wait = max(wait, kept[len(kept)-l.limit].Sub(cutoff))
		}
	}
	if wait > 0 {
		return false, wait
	}
	for _, key := range keys {
		l.events[key] = append(l.events[key], now)
	}
	if len(l.events) > 100000 {
		l.forgetIdle(cutoff)
	}
	return true, 0
}

// Refund removes one event that Allow recorded at that time under every key.
func (l *RateLimiter) Refund(at time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range keys {
		ts := l.events[key]
		if i := slices.IndexFunc(ts, at.Equal); i >= 0 {
			l.events[key] = slices.Delete(ts, i, i+1)
		}
	}
}

// recent drops the key's events older than cutoff and returns those left.
func (l *RateLimiter) recent(key string, cutoff time.Time) []time.Time {
	kept := l.events[key][:0]
	for _, t := range l.events[key] {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	l.events[key] = kept
	return kept
}

// forgetIdle drops keys with no recent events so the map cannot grow without bound.
func (l *RateLimiter) forgetIdle(cutoff time.Time) {
	for k, ts := range l.events {
		if len(ts) == 0 || !ts[len(ts)-1].After(cutoff) {
			delete(l.events, k)
		}
	}
}
