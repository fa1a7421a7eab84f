package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/leviathan-bot/leviathan/bot/command"
)

// Config configures the adapter. Zero values take the defaults named.
type Config struct {
	Token string
	// GuildID registers the commands on one guild (instant); empty: global.
	GuildID string
	// APIURL is the origin for REST calls and the gateway lookup
	// (default https://discord.com).
	APIURL string
	// Allowed channels, roles and users; empty lists allow everyone. A user
	// passes if either their ID or one of their roles is listed.
	AllowedChannels, AllowedRoles, AllowedUsers []string
	// Questions limits every question of one user; ModelQuestions limits,
	// on top of it, the questions a language model answers (/ask,
	// /summary and messages, when LLM is set), which cost money or GPU
	// time. A zero PerMinute means no limit.
	Questions, ModelQuestions Limits
	// LLM says that a language model answers questions.
	LLM bool
	// MaxQuestion is the longest question accepted, in characters.
	MaxQuestion int
	// MaxConcurrent answers are worked on at once (default 4); others wait.
	MaxConcurrent int
	// Threads opens a thread per mention; MessageContent asks for the
	// privileged intent; AllowDMs answers direct messages.
	Threads, MessageContent, AllowDMs bool
	ShardID, ShardCount               int
	// ShutdownTimeout bounds how long answers in flight may take on shutdown
	// (default 20 s).
	ShutdownTimeout time.Duration
	// EditInterval is the least time between two edits of a streamed answer
	// (default 1 s: all webhook edits share one rate-limit bucket).
	EditInterval time.Duration
	// HTTPTimeout bounds one REST request (default 20 s).
	HTTPTimeout time.Duration
	// RetryMin and RetryMax bound the backoff between attempts to connect to
	// the gateway (default 1 s and 2 min).
	RetryMin, RetryMax time.Duration
	Logger             *slog.Logger
	// Metrics may be nil.
	Metrics Metrics
	// ChannelTexts maps a channel ID to the ID of the text questions there
	// are about when the asker names none (DISCORD_CHANNEL_TEXTS).
	ChannelTexts map[string]string
	// Reading maps a channel ID to the section the group there has read to
	// (DISCORD_READING): answers there use nothing after it. Moderators
	// change it with /reading; ReadingFile (a JSON file, "" for none)
	// keeps their changes across restarts and wins over Reading.
	Reading     map[string]string
	ReadingFile string
}

// Bot is the Discord adapter. Create it with New and run it with Run.
type Bot struct {
	cfg     Config
	h       *command.Handler
	s       *discordgo.Session
	tr      *http.Transport
	log     *slog.Logger
	metrics Metrics

	sem chan struct{}
	// queueWait is how long a question waits for a slot in sem
	// (maxQueueWait; tests shorten it).
	queueWait time.Duration
	// work is the context answers run in: it outlives Run's context by up to
	// ShutdownTimeout, so answers in flight can finish.
	work       context.Context
	cancelWork context.CancelFunc
	inflight   sync.WaitGroup

	mu         sync.Mutex
	closing    bool
	online     bool   // the gateway is connected
	registered bool   // the slash commands are registered
	lastErr    string // why the last connection attempt failed
	connected  bool   // a gateway connection was made before (for Reconnect)
	threads    *threadMemory
	limits     *userLimits
	buckets    *tokenBuckets
	parents    map[string]string // channel → parent channel, for threads
	selfRoles  map[string]string // guild → the bot's managed role there
	reading    *readingStore

	// onStateChange, if set (by tests), is called after readiness changes.
	onStateChange func()
}

// New builds the adapter over the command handler. It does not connect.
func New(cfg Config, h *command.Handler) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("a Discord bot token is needed (DISCORD_TOKEN)")
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 4
	}
	if cfg.ShardCount <= 0 {
		cfg.ShardCount = 1
	}
	if cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		return nil, fmt.Errorf("shard %d is not below the shard count %d", cfg.ShardID, cfg.ShardCount)
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 20 * time.Second
	}
	if cfg.EditInterval <= 0 {
		cfg.EditInterval = time.Second
	}
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = 20 * time.Second
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = time.Second
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(2*time.Minute, cfg.RetryMin)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client, tr, err := newHTTPClient(cfg.APIURL, cfg)
	if err != nil {
		return nil, err
	}
	reading, err := openReading(cfg.ReadingFile, cfg.Reading)
	if err != nil {
		return nil, err
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("couldn't create the Discord session: %w", err)
	}
	s.Client = client
	s.LogLevel = discordgo.LogWarning
	s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	s.Identify.Intents = intents(cfg)
	// The adapter reads messages from events and REST, not from a cache.
	s.StateEnabled = true
	bridgeLogs(log)

	work, cancel := context.WithCancel(context.Background())
	b := &Bot{
		cfg: cfg, h: h, s: s, tr: tr, log: log, metrics: cfg.Metrics,
		sem: make(chan struct{}, cfg.MaxConcurrent), queueWait: maxQueueWait, work: work, cancelWork: cancel,
		limits: newUserLimits(cfg.Questions, cfg.ModelQuestions), buckets: newTokenBuckets(), threads: newThreadMemory(1000),
		parents: map[string]string{}, selfRoles: map[string]string{}, reading: reading,
	}
	if b.metrics == nil {
		b.metrics = nopMetrics{}
	}
	s.AddHandler(b.onConnect)
	s.AddHandler(b.onDisconnect)
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	s.AddHandler(b.onRawEvent)
	return b, nil
}

func intents(cfg Config) discordgo.Intent {
	in := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	if cfg.AllowDMs {
		in |= discordgo.IntentsDirectMessages
	}
	if cfg.MessageContent {
		in |= discordgo.IntentMessageContent
	}
	return in
}

// Ready reports whether the bot serves questions (connected to the gateway,
// commands registered, not shutting down) and, if not, why (for /readyz).
func (b *Bot) Ready() (bool, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closing:
		return false, "shutting down"
	case !b.online && b.lastErr != "":
		return false, b.lastErr
	case !b.online && b.connected:
		return false, "gateway connection lost; reconnecting"
	case !b.online:
		return false, "connecting to the Discord gateway"
	case !b.registered:
		return false, "registering the slash commands"
	}
	return true, "connected"
}

// setState changes the readiness fields under the lock.
func (b *Bot) setState(f func()) {
	b.mu.Lock()
	f()
	hook := b.onStateChange
	b.mu.Unlock()
	if hook != nil {
		hook()
	}
}

// Run connects to Discord, registers the commands and serves until ctx is
// cancelled; then it shuts down gracefully. While Discord is unreachable it
// keeps retrying with backoff (Ready says why). It returns an error only if
// the commands could not be registered, which makes the bot useless.
func (b *Bot) Run(ctx context.Context) error {
	defer b.cancelWork()
	wait := b.cfg.RetryMin
	for {
		err := b.s.Open()
		if err == nil {
			break
		}
		// discordgo names the URL it asked for, not the one the rewrite
		// dialled; an operator behind a proxy must see where it went.
		msg := err.Error()
		if o := strings.TrimRight(b.cfg.APIURL, "/"); o != "" && o != "https://discord.com" {
			msg = strings.ReplaceAll(msg, "https://discord.com", o)
		}
		reason := "couldn't connect to the Discord gateway: " + msg
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce) && ce.Code == 4014:
			b.log.Error(intentHint)
			reason = "Discord refused the MESSAGE_CONTENT intent (close 4014): enable it in the Developer Portal or unset DISCORD_MESSAGE_CONTENT"
		case errors.As(err, &ce) && ce.Code == 4004:
			reason = "Discord refused the token (close 4004): check DISCORD_TOKEN"
		}
		b.setState(func() { b.lastErr = reason })
		b.log.Warn("couldn't connect to Discord; retrying", "err", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			b.setState(func() { b.closing = true })
			b.tr.CloseIdleConnections()
			return nil
		case <-t.C:
		}
		wait = min(2*wait, b.cfg.RetryMax)
	}
	b.log.Info("connected to the Discord gateway", "shard", b.cfg.ShardID, "shards", b.cfg.ShardCount)
	if err := b.register(ctx); err != nil {
		b.shutdown()
		if ctx.Err() != nil {
			return nil // stopped while registering
		}
		return err
	}
	b.setState(func() { b.registered = true })
	<-ctx.Done()
	b.shutdown()
	return nil
}

// shutdown stops taking questions, waits for answers in flight up to the
// shutdown timeout (then cancels them), and closes the gateway.
func (b *Bot) shutdown() {
	// Taking the lock (in setState) orders this before any later enter.
	b.setState(func() { b.closing = true })
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	t := time.NewTimer(b.cfg.ShutdownTimeout)
	select {
	case <-done:
		t.Stop()
	case <-t.C:
		b.log.Warn("answers still in flight at the shutdown timeout; cancelling them", "timeout", b.cfg.ShutdownTimeout)
		b.cancelWork()
		// An answer that ignores cancellation must not keep the process
		// alive: give it a moment, then close regardless.
		grace := time.NewTimer(5 * time.Second)
		select {
		case <-done:
			grace.Stop()
		case <-grace.C:
			b.log.Error("answers did not stop after cancellation; closing anyway")
		}
	}
	b.cancelWork()
	// discordgo must not try to reconnect while it closes.
	b.s.ShouldReconnectOnError = false
	if err := b.s.Close(); err != nil {
		b.log.Warn("couldn't close the gateway cleanly", "err", err)
	}
	b.tr.CloseIdleConnections()
	b.log.Info("disconnected from Discord")
}

// enter registers work in flight; it returns false once shutdown began.
// Taking the lock here and in shutdown keeps Add from racing with Wait.
func (b *Bot) enter() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.inflight.Add(1)
	return true
}

func (b *Bot) leave() { b.inflight.Done() }

func (b *Bot) onConnect(_ *discordgo.Session, _ *discordgo.Connect) {
	var again bool
	b.setState(func() {
		again = b.connected
		b.connected, b.online, b.lastErr = true, true, ""
	})
	if again {
		b.metrics.Reconnect()
		b.log.Info("reconnected to the Discord gateway")
	}
}

func (b *Bot) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	b.mu.Lock()
	closing := b.closing
	b.mu.Unlock()
	if closing {
		return
	}
	b.log.Warn("disconnected from the Discord gateway; reconnecting")
	b.setState(func() { b.online = false })
}

// selfID is the bot's user ID (known after READY).
func (b *Bot) selfID() string {
	if st := b.s.State; st != nil {
		st.RLock()
		defer st.RUnlock()
		if st.User != nil {
			return st.User.ID
		}
	}
	return ""
}

type nopMetrics struct{}

func (nopMetrics) Question(string, string, time.Duration) {}
func (nopMetrics) Fallback(string)                        {}
func (nopMetrics) Tokens(int, int)                        {}
func (nopMetrics) Feedback(string)                        {}
func (nopMetrics) Reconnect()                             {}
