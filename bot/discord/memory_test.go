package discord

import (
	"context"
	"log/slog"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// heapRig is a bot against a fake Discord that keeps nothing per answer
// on the test's side: no log, no metrics record, and the fake forgets what
// it saw after every batch. What the heap keeps is then the bot's. clock
// is the bot's clock for its rate-limit buckets.
func heapRig(tb testing.TB, clock *fakeClock) *rig {
	tb.Helper()
	// A loaded machine (a profile being taken) may defer later than the 3 s
	// Discord allows; what is measured here is memory, not latency.
	srv := discordtest.New(tb, discordtest.WithoutSpecValidation(), discordtest.WithResponseDeadline(time.Minute))
	r := startRig(tb, srv, Config{MaxConcurrent: 16}, nil, func(b *Bot) {
		b.log = slog.New(slog.DiscardHandler)
		bridgeLogs(b.log)
		b.metrics = nopMetrics{}
		b.buckets.now = clock.now
	})
	r.wait("ready", func() bool { ok, _ := r.bot.Ready(); return ok })
	return r
}

// answerMany has n /ask answered, in batches of concurrent questions, each
// batch `every` after the one before on clock (to the bot, a batch of 50
// every 15 minutes is a busy day).
func (r *rig) answerMany(n int, clock *fakeClock, every time.Duration) {
	r.t.Helper()
	const batch = 50
	for done := 0; done < n; done += batch {
		clock.add(every)
		k := min(batch, n-done)
		refs := make([]discordtest.InteractionRef, k)
		for i := range refs {
			refs[i] = r.srv.SendInteraction(discordtest.Interaction{Name: "ask",
				Options: []discordtest.CommandOption{discordtest.Str("question", "Frage "+strconv.Itoa(done+i))}})
		}
		// Not r.wait: its context's cleanup would stay with the test, per
		// batch, and be measured.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := r.srv.Wait(ctx, func() bool {
			for _, ref := range refs {
				m := r.srv.Original(ref.Token)
				if m == nil || len(m.Components) == 0 && !strings.Contains(m.Content, "Entschuldigung") {
					return false
				}
			}
			return true
		})
		cancel()
		if err != nil {
			r.t.Fatalf("waiting for a batch of answers: %v", err)
		}
		for _, ref := range refs {
			if m := r.srv.Original(ref.Token); len(m.Components) == 0 {
				r.t.Errorf("an answer failed: %q", m.Content)
			}
		}
		r.srv.Forget()
		r.eng.mu.Lock()
		r.eng.histories = nil // the fake engine's record, not the bot's
		r.eng.mu.Unlock()
	}
}

// heapAfterGC is the live heap, in bytes, after a full collection.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC() // the first may leave finalizers' garbage behind
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// rateLimitBuckets counts the buckets discordgo's rate limiter keeps (an
// unexported map; reading its length is all this does).
func rateLimitBuckets(s *discordgo.Session) int {
	rl := s.Ratelimiter
	rl.Lock()
	defer rl.Unlock()
	return reflect.ValueOf(rl).Elem().FieldByName("buckets").Len()
}

// heapAnswers is how many answers TestHeapFlatAfterManyAnswers measures:
// few enough for every test run (fewer under the race detector, which
// makes an answer some ten times slower), yet enough for the leak it
// guards against to exceed the bound; LEVIATHAN_HEAP_ANSWERS for the full
// figure (issue 11 asks for 20,000).
func heapAnswers(t *testing.T) int {
	if v := os.Getenv("LEVIATHAN_HEAP_ANSWERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("LEVIATHAN_HEAP_ANSWERS=%q: want a positive number", v)
		}
		return n
	}
	switch {
	case raceEnabled:
		return 500
	case testing.Short():
		return 1000
	}
	return 3000
}

// Memory must not creep with the number of answers (issue 11: about 170–360
// bytes per answer in serve, one discordgo rate-limit bucket per
// interaction token). Not parallel: it reads the whole process's heap.
func TestHeapFlatAfterManyAnswers(t *testing.T) {
	n := heapAnswers(t)
	clock := newFakeClock()
	r := heapRig(t, clock)
	r.answerMany(200, clock, tokenBucketLife) // warm up: connections, pools, caches
	buckets0, heap0 := rateLimitBuckets(r.bot.s), heapAfterGC()
	r.answerMany(n, clock, tokenBucketLife)
	buckets1, heap1 := rateLimitBuckets(r.bot.s), heapAfterGC()
	if path := os.Getenv("LEVIATHAN_HEAP_PROFILE"); path != "" {
		// go test -memprofile writes after the test, when the bot is gone;
		// this one shows what the running bot holds.
		writeHeapProfile(t, path)
	}
	growth := int64(heap1) - int64(heap0)
	t.Logf("%d answers: heap %.2f MB → %.2f MB (%+d bytes, %+.1f bytes per answer); discordgo rate-limit buckets %d → %d",
		n, float64(heap0)/1e6, float64(heap1)/1e6, growth, float64(growth)/float64(n), buckets0, buckets1)
	if buckets1-buckets0 > 100 {
		t.Errorf("discordgo keeps %d more rate-limit buckets after %d answers: one per interaction", buckets1-buckets0, n)
	}
	// 2 MB over 20,000 answers is 100 bytes each; the bound allows 40 per
	// answer plus 64 KB of noise (up to 35 KB seen), which a leak of one
	// bucket per answer (about 260 bytes with the fake's short tokens)
	// exceeds over 1,000 answers. The race detector's runs are noisier and
	// shorter; there the bucket count above is the sharper check.
	slack := int64(64 << 10)
	if raceEnabled {
		slack = 128 << 10
	}
	if limit := 40*int64(n) + slack; growth > limit {
		t.Errorf("the heap grew by %d bytes over %d answers (%.0f per answer), want at most %d", growth, n, float64(growth)/float64(n), limit)
	}
}

func writeHeapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
}

// The token buckets are replaced once their life is over, not before.
func TestTokenBucketsAreReplaced(t *testing.T) {
	clock := newFakeClock()
	tb := newTokenBuckets()
	tb.now = clock.now
	first := tb.limiter()
	clock.add(tokenBucketLife - time.Second)
	if tb.limiter() != first {
		t.Errorf("replaced before its life was over")
	}
	clock.add(time.Second)
	if tb.limiter() == first {
		t.Errorf("not replaced after its life")
	}
}

// With threads on, every mention opens a channel of its own; its thread
// start, messages and follow-ups leave no rate-limit bucket behind in the
// session either.
func TestThreadsLeaveNoBuckets(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{Threads: true, MessageContent: true}, nil)
	mention := func(i int) {
		q := r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " Frage " + strconv.Itoa(i)})
		r.wait("the answer in the thread", func() bool {
			ms := r.srv.Messages(q.ID) // a thread takes its message's ID
			return len(ms) == 1 && len(buttons(ms[0])) > 0
		})
		r.srv.SendMessageCreate(discordtest.Message{ChannelID: q.ID, Content: "Und dann?"})
		r.wait("the follow-up's answer", func() bool {
			ms := r.srv.Messages(q.ID)
			return len(ms) == 3 && len(buttons(ms[2])) > 0
		})
	}
	mention(0)
	before := rateLimitBuckets(r.bot.s)
	const n = 20
	for i := 1; i <= n; i++ {
		mention(i)
	}
	if after := rateLimitBuckets(r.bot.s); after-before >= n {
		t.Errorf("discordgo keeps %d more rate-limit buckets after %d threads", after-before, n)
	}
}
