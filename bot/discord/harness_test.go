package discord

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
	"github.com/leviathan-bot/leviathan/content"
)

// fakeEngine answers from function fields; a nil field gives a canned
// answer citing ¶4.
type fakeEngine struct {
	ask     func(ctx context.Context, r bot.Request) (bot.Answer, error)
	summary func(ctx context.Context, section string, onText func(string)) (bot.Answer, error)
	quote   func(ctx context.Context, topic string, n int) ([]bot.Quote, error)
	// texts makes the engine a library (command.Library) of these texts;
	// with fewer than two it is one text, as the bot sees it.
	texts []*content.Text
	// essay is the default text (nil: the built-in essay).
	essay *content.Essay

	mu        sync.Mutex
	histories [][]bot.Turn
	// chosen records the text of each request: "ask gut", "quote ", ….
	chosen []string
	// upTo records the reading position of each request that has one:
	// "ask Einleitung", ….
	upTo []string
}

var _ command.Library = (*fakeEngine)(nil)

func (f *fakeEngine) Texts() []*content.Text { return f.texts }

func (f *fakeEngine) choose(what, textID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chosen = append(f.chosen, what+" "+textID)
}

func (f *fakeEngine) choices() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.chosen)
}

func (f *fakeEngine) SummaryOf(ctx context.Context, textID, section string, onText func(string)) (bot.Answer, error) {
	f.choose("summary", textID)
	return f.Summary(ctx, section, onText)
}

func (f *fakeEngine) QuoteFrom(ctx context.Context, textID, topic string, n int) ([]bot.Quote, error) {
	f.choose("quote", textID)
	return f.Quote(ctx, topic, n)
}

func citing(text string) bot.Answer {
	p, _ := content.Load().Lookup("¶4")
	return bot.Answer{Text: text, Covered: true, Mode: bot.ModeExtractive,
		Citations: []bot.Citation{{N: 1, ID: p.ID, Label: p.Label, Section: p.Section, Text: p.Text}}}
}

func (f *fakeEngine) Ask(ctx context.Context, r bot.Request) (bot.Answer, error) {
	f.mu.Lock()
	f.histories = append(f.histories, r.History)
	f.chosen = append(f.chosen, "ask "+r.TextID)
	if r.UpTo != "" {
		f.upTo = append(f.upTo, "ask "+r.UpTo)
	}
	f.mu.Unlock()
	if f.ask != nil {
		return f.ask(ctx, r)
	}
	a := citing("Antwort auf „" + r.Question + "“ [1].")
	a.Question = r.Question
	return a, nil
}

func (f *fakeEngine) Summary(ctx context.Context, section string, onText func(string)) (bot.Answer, error) {
	if f.summary != nil {
		return f.summary(ctx, section, onText)
	}
	return citing("Zusammenfassung von " + section + " [1]."), nil
}

func (f *fakeEngine) Quote(ctx context.Context, topic string, n int) ([]bot.Quote, error) {
	if f.quote != nil {
		return f.quote(ctx, topic, n)
	}
	p, _ := content.Load().Lookup("¶4")
	return []bot.Quote{{Passage: p, Text: p.Text}}, nil
}

func (f *fakeEngine) Essay() *content.Essay {
	if f.essay != nil {
		return f.essay
	}
	return content.Load()
}

// slowEngine answers like fakeEngine, but the questions named in slow wait
// until release is closed. started receives each question as the engine
// begins it, so a test knows an answer is in flight.
func slowEngine(slow ...string) (eng *fakeEngine, started chan string, release chan struct{}) {
	started, release = make(chan string, 8), make(chan struct{})
	eng = &fakeEngine{ask: func(ctx context.Context, r bot.Request) (bot.Answer, error) {
		started <- r.Question
		if slices.Contains(slow, r.Question) {
			<-release
		}
		return citing("Antwort auf " + r.Question + " [1]."), nil
	}}
	return eng, started, release
}

// The users of the fake guild, as message authors. Each call returns a new
// value, so tests running in parallel share nothing.
func alice() *discordgo.User {
	return &discordgo.User{ID: discordtest.DefaultUserID, Username: "alice"}
}
func botUser() *discordgo.User {
	return &discordgo.User{ID: discordtest.BotID, Username: discordtest.BotName, Bot: true}
}

func (f *fakeEngine) history(i int) []bot.Turn {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.histories[i]
}

// fakeMetrics records what was counted.
type fakeMetrics struct {
	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change
	questions  []string      // "command/outcome"
	fallbacks  []string
	tokens     int
	feedback   []string
	reconnects int
}

// update changes the record under the lock and wakes waiters.
func (m *fakeMetrics) update(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f()
	if m.changed != nil {
		close(m.changed)
	}
	m.changed = make(chan struct{})
}

// changes returns a channel closed at the next change.
func (m *fakeMetrics) changes() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.changed == nil {
		m.changed = make(chan struct{})
	}
	return m.changed
}

func (m *fakeMetrics) Question(c, o string, _ time.Duration) {
	m.update(func() { m.questions = append(m.questions, c+"/"+o) })
}
func (m *fakeMetrics) Fallback(r string) { m.update(func() { m.fallbacks = append(m.fallbacks, r) }) }
func (m *fakeMetrics) Tokens(p, c int)   { m.update(func() { m.tokens += p + c }) }
func (m *fakeMetrics) Feedback(v string) { m.update(func() { m.feedback = append(m.feedback, v) }) }
func (m *fakeMetrics) Reconnect()        { m.update(func() { m.reconnects++ }) }

type metricsSnap struct {
	questions, fallbacks, feedback []string
	tokens, reconnects             int
}

func (m *fakeMetrics) snapshot() metricsSnap {
	m.mu.Lock()
	defer m.mu.Unlock()
	return metricsSnap{questions: append([]string(nil), m.questions...), fallbacks: append([]string(nil), m.fallbacks...),
		tokens: m.tokens, feedback: append([]string(nil), m.feedback...), reconnects: m.reconnects}
}

var _ Metrics = (*fakeMetrics)(nil)

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// rig is a bot running against a fake Discord.
type rig struct {
	t       testing.TB
	srv     *discordtest.Server
	bot     *Bot
	eng     *fakeEngine
	metrics *fakeMetrics
	logs    *logBuffer
	cancel  context.CancelFunc
	done    chan error
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newRig starts a bot with cfg (Token, APIURL, GuildID, Logger and Metrics
// filled in) and waits until its commands are registered.
func newRig(t testing.TB, cfg Config, eng *fakeEngine, opts ...discordtest.Option) *rig {
	t.Helper()
	srv := discordtest.New(t, opts...)
	r := startRig(t, srv, cfg, eng)
	r.wait("ready", func() bool { ok, _ := r.bot.Ready(); return ok })
	return r
}

// startRig starts a bot against srv; tune, if given, adjusts the Bot before
// it runs (for internals such as queueWait that no setting reaches).
func startRig(t testing.TB, srv *discordtest.Server, cfg Config, eng *fakeEngine, tune ...func(*Bot)) *rig {
	t.Helper()
	if eng == nil {
		eng = &fakeEngine{}
	}
	r := &rig{t: t, srv: srv, eng: eng, metrics: &fakeMetrics{}, logs: &logBuffer{}, done: make(chan error, 1)}
	cfg.Token = discordtest.Token
	cfg.APIURL = srv.URL()
	if cfg.EditInterval == 0 {
		cfg.EditInterval = time.Millisecond
	}
	if cfg.RetryMin == 0 {
		cfg.RetryMin, cfg.RetryMax = 5*time.Millisecond, 20*time.Millisecond
	}
	cfg.Logger = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Metrics = r.metrics
	h := command.NewHandler(eng, command.Options{MaxQuestion: cfg.MaxQuestion})
	b, err := New(cfg, h)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, f := range tune {
		f(b)
	}
	r.bot = b
	// Readiness changes wake waiters like metrics do.
	b.onStateChange = func() { r.metrics.update(func() {}) }
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- b.Run(ctx) }()
	t.Cleanup(func() { r.stop() })
	return r
}

// stop shuts the bot down and waits for Run to return (once).
func (r *rig) stop() error {
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(30 * time.Second):
		r.t.Fatal("Run did not return after shutdown")
		return nil
	}
}

// wait returns when cond is true, re-checking on every change of the fake
// Discord, of the metrics and of the bot's readiness.
func (r *rig) wait(what string, cond func() bool) {
	r.t.Helper()
	ctx := ctxT(r.t)
	for {
		ch := r.metrics.changes()
		if cond() {
			return
		}
		inner, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-ch:
				cancel()
			case <-inner.Done():
			}
		}()
		err := r.srv.Wait(inner, cond)
		cancel()
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			r.t.Fatalf("waiting for %s: %v\nlog:\n%s", what, ctx.Err(), r.logs)
		}
	}
}

// ask sends /ask and returns the interaction's reference.
func (r *rig) ask(q string, user string) discordtest.InteractionRef {
	in := discordtest.Interaction{Name: "ask", Options: []discordtest.CommandOption{discordtest.Str("question", q)}}
	if user != "" {
		in.User = &discordgo.User{ID: user, Username: "u" + user}
	}
	return r.srv.SendInteraction(in)
}

// answered waits until the interaction's @original holds the final answer
// (feedback buttons or not loading any more with text) and returns it.
func (r *rig) final(ref discordtest.InteractionRef, contains string) *discordgo.Message {
	r.t.Helper()
	var m *discordgo.Message
	r.wait("the answer containing "+contains, func() bool {
		m = r.srv.Original(ref.Token)
		return m != nil && strings.Contains(m.Content, contains) && !strings.HasSuffix(m.Content, "▍")
	})
	return m
}

// ephemeral returns the content of an immediate ephemeral response, waiting
// for it.
func (r *rig) ephemeral(ref discordtest.InteractionRef) string {
	r.t.Helper()
	var cb discordtest.Callback
	r.wait("an immediate response", func() bool {
		for _, c := range r.srv.Callbacks() {
			if c.Token == ref.Token {
				cb = c
				return true
			}
		}
		return false
	})
	if cb.Type != discordgo.InteractionResponseChannelMessageWithSource {
		r.t.Fatalf("callback type %d, want 4", cb.Type)
	}
	var resp discordgo.InteractionResponse
	if err := json.Unmarshal(cb.Raw, &resp); err != nil {
		r.t.Fatal(err)
	}
	if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		r.t.Errorf("response %q is not ephemeral", resp.Data.Content)
	}
	return resp.Data.Content
}

// private waits for a reply shown to the asker alone after a deferral: the
// public loading message deleted, the text in an ephemeral follow-up. It
// returns the follow-up's content.
func (r *rig) private(ref discordtest.InteractionRef) string {
	r.t.Helper()
	var m *discordgo.Message
	r.wait("an ephemeral follow-up", func() bool {
		for _, f := range r.srv.Followups(ref.Token) {
			if f.Flags&discordgo.MessageFlagsEphemeral != 0 {
				m = f
				return true
			}
		}
		return false
	})
	if o := r.srv.Original(ref.Token); o != nil {
		r.t.Errorf("the public response was not deleted: %q", o.Content)
	}
	for _, c := range r.srv.Messages(discordtest.DefaultChannelID) {
		if c.Content == m.Content {
			r.t.Errorf("the private reply is in the channel for all to see: %q", c.Content)
		}
	}
	return m.Content
}

func buttons(m *discordgo.Message) []string {
	var ids []string
	for _, row := range m.Components {
		if ar, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range ar.Components {
				if b, ok := c.(*discordgo.Button); ok {
					ids = append(ids, b.CustomID)
				}
			}
		}
	}
	return ids
}

var errLLMDown = errors.New("llm: connection refused")
