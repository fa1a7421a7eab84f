package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/discord"
	"github.com/leviathan-bot/leviathan/content"
)

// runServe runs the Discord bot until ctx is cancelled (SIGINT/SIGTERM),
// then shuts it down gracefully within LEVIATHAN_SHUTDOWN_TIMEOUT.
func (m *Main) runServe(ctx context.Context, args []string) int {
	cfg, rest, log, code, ok := m.parse("serve", m.permute("serve", args, nil), nil)
	if !ok {
		return code
	}
	if !m.noArgs("serve", rest) {
		return exitUsage
	}
	// Checked before anything slow: a missing token is a configuration
	// error, and retrying cannot fix it.
	if cfg.DiscordToken == "" {
		fmt.Fprintln(m.Stderr, "leviathan serve: DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal and "+
			"put its token in DISCORD_TOKEN (to try the bot without Discord, run 'leviathan chat')")
		return exitUsage
	}
	// The health and metrics server comes first, so /healthz answers while
	// the store is built and Discord is reached (see serve_ops.go).
	o, err := startOps(cfg, log)
	if err != nil {
		fmt.Fprintf(m.Stderr, "leviathan serve: %v\n", err)
		return exitError
	}
	defer o.Stop()

	lib, err := openLibrary(ctx, cfg, log, false, hooks{
		llmRequestError: o.Metrics.LLMRequestError, unverifiedQuotes: o.Metrics.UnverifiedQuotes,
	})
	if err != nil {
		fmt.Fprintf(m.Stderr, "leviathan serve: %v\n", err)
		return exitError
	}
	o.Ready.OK("index")
	eng := lib.answers.Routed()
	if err := checkChannelTexts(cfg.ChannelTexts, eng.Texts()); err != nil {
		fmt.Fprintf(m.Stderr, "leviathan serve: %v\n", err)
		return exitUsage
	}
	if cfg.Reading, err = checkReading(cfg.Reading, cfg.ChannelTexts, eng.Texts()); err != nil {
		fmt.Fprintf(m.Stderr, "leviathan serve: %v\n", err)
		return exitUsage
	}

	h := command.NewHandler(eng, command.Options{MaxQuestion: cfg.MaxQuestion, Logger: log})
	b, err := discord.New(discordConfig(cfg, log, o.Metrics), h)
	if err != nil {
		fmt.Fprintf(m.Stderr, "leviathan serve: %v\n", err)
		return exitUsage
	}
	o.Ready.Track("gateway", b.Ready)
	log.Info("serving Discord", "llm", eng.HasLLM(), "guild", cfg.GuildID, "shard", cfg.ShardID, "shards", cfg.ShardCount,
		"threads", cfg.Threads, "health", o.Addr())
	if err := b.Run(ctx); err != nil {
		fmt.Fprintf(m.Stderr, "leviathan serve: %v\n", err)
		return exitError
	}
	return exitOK
}

// discordConfig maps the settings onto the adapter's configuration.
func discordConfig(cfg Config, log *slog.Logger, metrics discord.Metrics) discord.Config {
	return discord.Config{
		Token: cfg.DiscordToken, GuildID: cfg.GuildID, APIURL: cfg.DiscordAPIURL,
		AllowedChannels: cfg.AllowedChannels, AllowedRoles: cfg.AllowedRoles, AllowedUsers: cfg.AllowedUsers,
		Questions:      discord.Limits{PerMinute: cfg.Rate, Burst: cfg.Burst},
		ModelQuestions: discord.Limits{PerMinute: cfg.LLMRate, Burst: cfg.LLMBurst}, LLM: cfg.UseLLM(),
		MaxQuestion: cfg.MaxQuestion, MaxConcurrent: cfg.MaxConcurrent,
		Threads: cfg.Threads, MessageContent: cfg.MessageContent, AllowDMs: cfg.AllowDMs,
		ShardID: cfg.ShardID, ShardCount: cfg.ShardCount, ShutdownTimeout: cfg.ShutdownTimeout,
		Logger: log, Metrics: metrics, ChannelTexts: cfg.ChannelTexts,
		Reading: cfg.Reading, ReadingFile: filepath.Join(cfg.DataDir, "reading.json"),
	}
}

// checkReading reports, all at once, the sections DISCORD_READING names
// that the channel's text (DISCORD_CHANNEL_TEXTS, else the default text)
// does not have, and returns the sections as their texts write them.
func checkReading(reading, channelTexts map[string]string, texts []*content.Text) (map[string]string, error) {
	out := map[string]string{}
	var bad []string
	for ch, section := range reading {
		t := answer.DefaultText(texts)
		for _, c := range texts {
			if c.ID == channelTexts[ch] {
				t = c
			}
		}
		h, _ := t.Section(section)
		if h == "" || h == content.NotesSection {
			bad = append(bad, fmt.Sprintf("%s:%s (the sections of %s are: %s)", ch, section, t.ID, strings.Join(t.BodySections(), "; ")))
			continue
		}
		out[ch] = h
	}
	if len(bad) == 0 {
		return out, nil
	}
	slices.Sort(bad)
	return nil, fmt.Errorf("DISCORD_READING names sections the channel's text does not have: %s", strings.Join(bad, ", "))
}

// checkChannelTexts reports, all at once, the texts DISCORD_CHANNEL_TEXTS
// names that the library does not hold.
func checkChannelTexts(channels map[string]string, texts []*content.Text) error {
	have := map[string]bool{}
	var ids []string
	for _, t := range texts {
		have[t.ID] = true
		ids = append(ids, t.ID)
	}
	var bad []string
	for ch, id := range channels {
		if !have[id] {
			bad = append(bad, fmt.Sprintf("%s:%s", ch, id))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("DISCORD_CHANNEL_TEXTS names texts the library does not hold: %s (the texts are: %s)",
		strings.Join(bad, ", "), strings.Join(ids, ", "))
}
