package discord

import (
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// TestQueueWaitIsBounded: a question that waits too long for a free slot
// is told so (privately) instead of waiting past the life of its
// interaction token, and the answer in progress is not disturbed.
func TestQueueWaitIsBounded(t *testing.T) {
	t.Parallel()
	eng, started, release := slowEngine("Erste")
	srv := discordtest.New(t)
	r := startRig(t, srv, Config{MaxConcurrent: 1}, eng, func(b *Bot) { b.queueWait = 50 * time.Millisecond })
	r.wait("ready", func() bool { ok, _ := r.bot.Ready(); return ok })
	first := r.ask("Erste", "1")
	if q := <-started; q != "Erste" {
		t.Fatalf("started %q", q)
	}
	second := r.ask("Zweite", "2")
	if got := r.private(second); got != tooBusyText {
		t.Errorf("the waiting question got %q, want the too-busy note", got)
	}
	r.wait("the metric", func() bool {
		for _, q := range r.metrics.snapshot().questions {
			if q == "ask/"+outcomeBusy {
				return true
			}
		}
		return false
	})
	close(release)
	r.final(first, "Antwort auf Erste")
	select {
	case q := <-started:
		t.Errorf("the engine was asked %q after the question was given up", q)
	default:
	}
}
