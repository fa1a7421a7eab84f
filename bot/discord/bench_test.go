package discord

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// BenchmarkDeferral measures the time from dispatching INTERACTION_CREATE
// to the deferral callback arriving at the fake Discord (the 3-second limit
// Discord sets). It reports the 50th and 99th percentiles; the target is a
// p99 under 100 ms.
func BenchmarkDeferral(b *testing.B) {
	release := make(chan struct{})
	eng := &fakeEngine{ask: func(ctx context.Context, r bot.Request) (bot.Answer, error) {
		<-release // keep the answer out of the measurement
		return citing("x [1]."), nil
	}}
	r := newRig(b, Config{MaxConcurrent: 256}, eng, discordtest.WithoutSpecValidation())
	defer close(release)
	lat := make([]time.Duration, 0, b.N)
	ctx := ctxT(b)
	seen := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		ref := r.srv.SendInteraction(discordtest.Interaction{Name: "ask",
			Options: []discordtest.CommandOption{discordtest.Str("question", fmt.Sprintf("Frage %d", i))}})
		var at time.Time
		err := r.srv.Wait(ctx, func() bool {
			reqs := r.srv.Requests()
			for _, req := range reqs[seen:] {
				if strings.HasSuffix(req.Path, "/"+ref.Token+"/callback") {
					at = req.Time
					return true
				}
			}
			return false
		})
		if err != nil {
			b.Fatal(err)
		}
		seen = len(r.srv.Requests()) - 1
		lat = append(lat, at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// TestManyConcurrentAsks sends 200 /ask at once with a small concurrency
// cap: every one is answered, and once the bot has shut down no goroutine
// of it is left. It is not parallel: goleak looks at the whole process.
func TestManyConcurrentAsks(t *testing.T) {
	srv := discordtest.New(t, discordtest.WithoutSpecValidation())
	baseline := goleak.IgnoreCurrent()
	before := runtime.NumGoroutine()
	eng := &fakeEngine{ask: func(_ context.Context, r bot.Request) (bot.Answer, error) {
		r.OnText("Teil")
		return citing("Antwort auf " + r.Question + " [1]."), nil
	}}
	r := startRig(t, srv, Config{MaxConcurrent: 8}, eng)
	r.wait("ready", func() bool { ok, _ := r.bot.Ready(); return ok })
	const n = 200
	refs := make([]discordtest.InteractionRef, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			refs[i] = r.srv.SendInteraction(discordtest.Interaction{Name: "ask",
				Options: []discordtest.CommandOption{discordtest.Str("question", fmt.Sprintf("Frage %d", i))}})
		}()
	}
	wg.Wait()
	r.wait("all answers", func() bool {
		for i, ref := range refs {
			m := r.srv.Original(ref.Token)
			if m == nil || !strings.Contains(m.Content, fmt.Sprintf("Antwort auf Frage %d [1].", i)) || len(buttons(m)) != 2 {
				return false
			}
		}
		return true
	})
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	srvGoroutines := runtime.NumGoroutine()
	// goleak retries for about half a second; goroutines on their way out
	// (connections closing, discordgo's last event handlers) may need more
	// on a loaded machine. A real leak still fails, after ten seconds.
	err := goleak.Find(baseline)
	for deadline := time.Now().Add(10 * time.Second); err != nil && time.Now().Before(deadline); {
		err = goleak.Find(baseline)
	}
	if err != nil {
		t.Errorf("goroutines left after shutdown: %v", err)
	}
	t.Logf("goroutines: %d before the bot, %d right after Run returned (goleak then waited for those ending)", before, srvGoroutines)
	if q := r.metrics.snapshot().questions; len(q) != n {
		t.Errorf("%d questions counted, want %d", len(q), n)
	}
}
