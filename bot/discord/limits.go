package discord

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits is how many questions one user may ask: an allowance of Burst
// questions that refills at PerMinute. A user may ask Burst questions in
// quick succession (/ask, then /quote, then a follow-up), then one each
// time the allowance has refilled by one.
type Limits struct {
	// PerMinute is how fast the allowance refills, in questions per
	// minute (0: no limit).
	PerMinute float64
	// Burst is the allowance when full (at least 1).
	Burst int
}

func (l Limits) on() bool { return l.PerMinute > 0 }

func (l Limits) limiter() *rate.Limiter {
	if !l.on() {
		return nil
	}
	return rate.NewLimiter(rate.Limit(l.PerMinute/60), max(l.Burst, 1))
}

// maxLimitedUsers bounds how many users' allowances are remembered.
const maxLimitedUsers = 10000

// sweepEvery is how often users whose allowance is full again are
// forgotten (when a new user comes).
const sweepEvery = time.Minute

// userLimits keeps a token bucket per user: one for every question, one
// for questions a language model answers, which cost money or GPU time. A
// user whose buckets are full again is the same as one never seen, so
// forgetting them changes nothing; that keeps the map to the users active
// lately, and a hard cap bounds it even then.
type userLimits struct {
	all, model Limits
	now        func() time.Time // time.Now; tests inject a clock
	max        int

	mu    sync.Mutex
	users map[string]*buckets
	swept time.Time
}

type buckets struct {
	all, model *rate.Limiter // nil: no limit
}

func newUserLimits(all, model Limits) *userLimits {
	return &userLimits{all: all, model: model, now: time.Now, max: maxLimitedUsers, users: map[string]*buckets{}}
}

// take takes one question from the user's allowance and returns 0, or
// returns how long until they may ask (nothing is taken then). costly
// marks a question a language model answers.
func (l *userLimits) take(user string, costly bool) time.Duration {
	if !l.all.on() && (!costly || !l.model.on()) {
		return 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.users[user]
	if u == nil {
		if len(l.users) >= l.max || now.Sub(l.swept) >= sweepEvery {
			l.sweep(now)
		}
		u = &buckets{all: l.all.limiter(), model: l.model.limiter()}
		l.users[user] = u
	}
	lims := []*rate.Limiter{u.all}
	if costly {
		lims = append(lims, u.model)
	}
	// Nothing is taken unless every bucket has a question left: a refused
	// model question must not cost the user a plain one.
	if wait := waitFor(lims, now); wait > 0 {
		return wait
	}
	for _, lim := range lims {
		if lim != nil {
			lim.AllowN(now, 1)
		}
	}
	return 0
}

// waitFor returns how long until every limiter in lims (nil: no limit)
// has a whole token.
func waitFor(lims []*rate.Limiter, now time.Time) time.Duration {
	var wait time.Duration
	for _, lim := range lims {
		if lim == nil {
			continue
		}
		if t := lim.TokensAt(now); t < 1 {
			wait = max(wait, time.Duration((1-t)/float64(lim.Limit())*float64(time.Second)))
		}
	}
	return wait
}

// sweep forgets the users whose allowance is full again. If the cap is
// still reached (that many users active at once), it forgets users until a
// tenth of the room is free: they get their full allowance back, which is
// lenient, never strict.
func (l *userLimits) sweep(now time.Time) {
	l.swept = now
	for id, u := range l.users {
		if full(u.all, now) && full(u.model, now) {
			delete(l.users, id)
		}
	}
	for id := range l.users {
		if len(l.users) < l.max-l.max/10 {
			break
		}
		delete(l.users, id)
	}
}

func full(lim *rate.Limiter, now time.Time) bool {
	return lim == nil || lim.TokensAt(now) >= float64(lim.Burst())
}

// size is how many users are remembered (for tests).
func (l *userLimits) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.users)
}
