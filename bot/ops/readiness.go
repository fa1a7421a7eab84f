package ops

import (
	"strings"
	"sync"
)

// Readiness tracks named conditions (say "index" and "gateway") that must
// all hold before the process takes traffic. Its Check method fits
// NewServer's ready argument. It is safe for concurrent use.
type Readiness struct {
	mu     sync.Mutex
	order  []string
	why    map[string]string                // empty reason: the condition holds
	probes map[string]func() (bool, string) // conditions asked at Check time
}

// NewReadiness returns a Readiness whose conditions all start out unmet
// ("<name>: not ready yet").
func NewReadiness(names ...string) *Readiness {
	r := &Readiness{why: map[string]string{}, probes: map[string]func() (bool, string){}}
	for _, n := range names {
		r.add(n, "not ready yet")
	}
	return r
}

func (r *Readiness) add(name, why string) {
	if _, ok := r.why[name]; !ok {
		r.order = append(r.order, name)
	}
	r.why[name] = why
	delete(r.probes, name)
}

// Track makes a condition follow f, asked on every Check: for a part that
// already knows its own state, such as the Discord adapter's Ready.
func (r *Readiness) Track(name string, f func() (bool, string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.add(name, "")
	r.probes[name] = f
}

// OK marks a condition as met.
func (r *Readiness) OK(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.add(name, "")
}

// Check reports whether every condition holds and, if not, why not: one
// "name: reason" per unmet condition, in the order they were first named.
func (r *Readiness) Check() (bool, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var unmet []string
	for _, n := range r.order {
		w := r.why[n]
		if f := r.probes[n]; f != nil {
			if ok, why := f(); !ok {
				w = why
				if w == "" {
					w = "not ready"
				}
			}
		}
		if w != "" {
			unmet = append(unmet, n+": "+w)
		}
	}
	return len(unmet) == 0, strings.Join(unmet, "; ")
}
