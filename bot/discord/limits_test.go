package discord

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The limits serve uses by default (cmd/leviathan checks that its settings'
// defaults are these).
var (
	defaultQuestions      = Limits{PerMinute: 6, Burst: 5}
	defaultModelQuestions = Limits{PerMinute: 2, Burst: 3}
)

// limitedRig is a bot with the default limits, on a clock the test moves.
func limitedRig(t *testing.T, llm bool) (*rig, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	srv := discordtest.New(t)
	r := startRig(t, srv, Config{Questions: defaultQuestions, ModelQuestions: defaultModelQuestions, LLM: llm},
		nil, func(b *Bot) { b.limits.now = clock.now })
	r.wait("ready", func() bool { ok, _ := r.bot.Ready(); return ok })
	return r, clock
}

func (r *rig) quote(topic, user string) discordtest.InteractionRef {
	return r.srv.SendInteraction(discordtest.Interaction{Name: "quote", User: &discordgo.User{ID: user, Username: "u" + user},
		Options: []discordtest.CommandOption{discordtest.Str("topic", topic)}})
}

// Normal use is never refused: /ask, then /quote, then a follow-up mention,
// all within three seconds.
func TestNormalUseIsNotRefused(t *testing.T) {
	t.Parallel()
	for _, llm := range []bool{false, true} {
		t.Run(fmt.Sprintf("llm=%v", llm), func(t *testing.T) {
			r, clock := limitedRig(t, llm)
			r.final(r.ask("Was ist DOGE?", "7"), "Was ist DOGE?")
			clock.add(time.Second)
			r.final(r.quote("¶4", "7"), "Zwei Dekrete")
			clock.add(2 * time.Second)
			r.srv.SendMessageCreate(discordtest.Message{Content: "<@" + discordtest.BotID + "> Und was heißt das?",
				Author: &discordgo.User{ID: "7", Username: "u7"}})
			r.wait("the mention's answer", func() bool {
				for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
					if strings.Contains(m.Content, "Und was heißt das?") && m.Author.ID == discordtest.BotID {
						return true
					}
				}
				return false
			})
			for _, q := range r.metrics.snapshot().questions {
				if strings.HasSuffix(q, "/cooldown") {
					t.Errorf("refused: %v", r.metrics.snapshot().questions)
				}
			}
		})
	}
}

// A burst beyond the allowance is refused with the time to wait, which is
// right: asking again then is answered. Other users are not affected.
func TestBurstBeyondAllowanceIsRefused(t *testing.T) {
	t.Parallel()
	r, clock := limitedRig(t, false)
	for i := range defaultQuestions.Burst {
		r.final(r.ask(fmt.Sprintf("Frage %d", i), "7"), fmt.Sprintf("Frage %d", i))
	}
	// 6 a minute: one more question every 10 s.
	if got := r.ephemeral(r.ask("Eine zu viel", "7")); !strings.Contains(got, "in 10 Sekunden") {
		t.Errorf("refusal = %q, want the wait (10 s)", got)
	}
	r.final(r.ask("Andere Person", "8"), "Andere Person")
	clock.add(4 * time.Second)
	if got := r.ephemeral(r.ask("Immer noch zu früh", "7")); !strings.Contains(got, "in 6 Sekunden") {
		t.Errorf("refusal = %q, want the wait (6 s)", got)
	}
	clock.add(6 * time.Second)
	r.final(r.ask("Jetzt wieder", "7"), "Jetzt wieder")
}

// Questions a model answers have an allowance of their own; quotes do not
// take from it.
func TestModelQuestionsHaveAStricterLimit(t *testing.T) {
	t.Parallel()
	r, _ := limitedRig(t, true)
	for i := range defaultModelQuestions.Burst {
		r.final(r.ask(fmt.Sprintf("Frage %d", i), "7"), fmt.Sprintf("Frage %d", i))
	}
	// 2 a minute: one more every 30 s.
	if got := r.ephemeral(r.ask("Eine zu viel", "7")); !strings.Contains(got, "in 30 Sekunden") {
		t.Errorf("refusal = %q, want the wait (30 s)", got)
	}
	r.final(r.quote("¶4", "7"), "Zwei Dekrete")
}

// Many distinct users do not grow the map without bound: users whose
// allowance is full again are forgotten, and a cap holds even when all are
// active.
func TestUserLimitsAreBounded(t *testing.T) {
	clock := newFakeClock()
	l := newUserLimits(defaultQuestions, defaultModelQuestions)
	l.now, l.max = clock.now, 100
	for i := range 5000 {
		if wait := l.take(fmt.Sprint(i), true); wait != 0 {
			t.Fatalf("user %d refused a first question (wait %v)", i, wait)
		}
		if n := l.size(); n > l.max {
			t.Fatalf("%d users remembered after %d, want at most %d", n, i+1, l.max)
		}
	}
	// An hour later, everyone's allowance is full: the next new user
	// sweeps them all away.
	clock.add(time.Hour)
	l.take("new", false)
	if n := l.size(); n != 1 {
		t.Errorf("%d users remembered after they went idle, want 1", n)
	}
	// A user still waiting is remembered: forgetting them would reset
	// their allowance.
	for range defaultQuestions.Burst {
		l.take("busy", false)
	}
	clock.add(time.Second)
	l.mu.Lock()
	l.sweep(clock.now())
	l.mu.Unlock()
	if wait := l.take("busy", false); wait == 0 {
		t.Errorf("a user who used their allowance got it back by a sweep")
	}
}

func TestNoLimits(t *testing.T) {
	l := newUserLimits(Limits{}, Limits{})
	for range 100 {
		if wait := l.take("7", true); wait != 0 {
			t.Fatalf("refused without limits: %v", wait)
		}
	}
	if n := l.size(); n != 0 {
		t.Errorf("%d users remembered without limits", n)
	}
}

// A refused model question costs the user nothing.
func TestRefusalTakesNothing(t *testing.T) {
	l := newUserLimits(Limits{PerMinute: 6, Burst: 5}, Limits{PerMinute: 2, Burst: 1})
	clock := newFakeClock()
	l.now = clock.now
	if wait := l.take("7", true); wait != 0 {
		t.Fatalf("first model question refused: %v", wait)
	}
	if wait := l.take("7", true); wait != 30*time.Second {
		t.Errorf("second model question: wait %v, want 30s", wait)
	}
	for i := range 4 {
		if wait := l.take("7", false); wait != 0 {
			t.Fatalf("plain question %d refused (wait %v): the refusal took from the allowance", i+2, wait)
		}
	}
	if wait := l.take("7", false); wait == 0 {
		t.Errorf("a sixth question within the burst was allowed")
	}
}
