package main

import (
	"flag"
	"io"
	"maps"
	"strings"
	"testing"
)

func load(t *testing.T, env []string, args []string, groups ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg, _, err := loadConfig(env, fs, args, groups...)
	return cfg, err
}

func TestConfigDefaultsAndOverrides(t *testing.T) {
	cfg, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model != "gpt-4o-mini" || cfg.Rate != 6 || cfg.Burst != 5 || cfg.LLMRate != 2 || cfg.LLMBurst != 3 || cfg.ShardCount != 1 || cfg.UseLLM() || cfg.DataDir == "" {
		t.Errorf("defaults = %+v", cfg)
	}
	// The environment sets, a flag overrides it.
	cfg, err = load(t, []string{"LEVIATHAN_MODEL=llama3.1", "DISCORD_RATE=0.5", "OPENAI_BASE_URL=http://localhost:11434/v1"},
		[]string{"--model", "qwen2.5:3b"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model != "qwen2.5:3b" || cfg.Rate != 0.5 || !cfg.UseLLM() {
		t.Errorf("overrides = model %q rate %v llm %v", cfg.Model, cfg.Rate, cfg.UseLLM())
	}
}

// Every problem is reported at once, and a secret never appears in the
// message.
func TestConfigReportsEveryProblem(t *testing.T) {
	_, err := load(t, []string{
		"OPENAI_BASE_URL=localhost:11434", "DISCORD_RATE=ten", "DISCORD_BURST=0", "DISCORD_LLM_RATE=-1", "DISCORD_SHARD_COUNT=0",
		"LEVIATHAN_EMBEDDER=gpu", "DISCORD_GUILD_ID=abc", "DISCORD_TOKEN=Bot s3cret", "LEVIATHAN_LOG_FORMAT=xml",
	}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"OPENAI_BASE_URL", "DISCORD_RATE", "DISCORD_BURST", "DISCORD_LLM_RATE", "DISCORD_SHARD_COUNT", "LEVIATHAN_EMBEDDER", "DISCORD_GUILD_ID", "LEVIATHAN_LOG_FORMAT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the token leaked into the error: %v", err)
	}
	for _, c := range []struct{ env, want string }{
		{"OPENAI_BASE_URL=http://localhost:11434", "must end in /v1"},
		{"DISCORD_THREADS=true", "needs DISCORD_MESSAGE_CONTENT"},
		{"LEVIATHAN_EMBEDDER=openai", "needs OPENAI_API_KEY or OPENAI_BASE_URL"},
		{"DISCORD_COOLDOWN=10s", "replaced by DISCORD_RATE and DISCORD_BURST"},
		{"DISCORD_RATE=NaN", "questions per minute"},
	} {
		if _, err := load(t, []string{c.env}, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.env, err, c.want)
		}
	}
}

// A command checks and offers only the settings it uses: a Discord typo
// does not stop `ask`, and `ask -h` does not list thirty Discord settings;
// serve still refuses it.
func TestCommandsUseTheirOwnSettings(t *testing.T) {
	env := []string{"DISCORD_RATE=ten", "LEVIATHAN_DATA_DIR=" + t.TempDir()}
	if code, out, errOut := runWith(t, "", env, "passages", "--json"); code != exitOK || !strings.Contains(out, "passages") {
		t.Errorf("passages with a bad Discord setting: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runWith(t, "", env, "serve"); code != exitUsage || !strings.Contains(errOut, "DISCORD_RATE") {
		t.Errorf("serve with a bad rate: exit %d\n%s", code, errOut)
	}
	_, _, help := runWith(t, "", nil, "ask", "-h")
	if !strings.Contains(help, "-model") || strings.Contains(help, "-burst") || strings.Contains(help, "-shard-id") {
		t.Errorf("ask -h should list the LLM flags and no Discord ones:\n%s", help)
	}
	_, _, help = runWith(t, "", nil, "serve", "-h")
	if !strings.Contains(help, "-burst") || !strings.Contains(help, "-model") || !strings.Contains(help, "-http-addr") {
		t.Errorf("serve -h should list every setting:\n%s", help)
	}
	if code, _, _ := runWith(t, "", nil, "ask", "--burst", "5", "Was ist DOGE?"); code != exitUsage {
		t.Errorf("ask --burst: exit %d, want a usage error", code)
	}
}

func TestConfigChannelTexts(t *testing.T) {
	cfg, err := load(t, []string{"DISCORD_CHANNEL_TEXTS= 800000000000000002:Gut , 800000000000000005:essay,"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"800000000000000002": "gut", "800000000000000005": "essay"}
	if !maps.Equal(cfg.ChannelTexts, want) {
		t.Errorf("ChannelTexts = %v, want %v", cfg.ChannelTexts, want)
	}
	for _, c := range []struct{ v, want string }{
		{"800000000000000002", "must be channelID:textID"},
		{"800000000000000002:", "must be channelID:textID"},
		{"general:gut", "must be a Discord ID"},
		{"800000000000000002:gut,800000000000000002:essay", "named twice"},
	} {
		if _, err := load(t, []string{"DISCORD_CHANNEL_TEXTS=" + c.v}, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.v, err, c.want)
		}
	}
}

func TestConfigReading(t *testing.T) {
	cfg, err := load(t, []string{"DISCORD_READING= 800000000000000002:Tech-Oligarchen an der Macht , 800000000000000005:Erstes Kapitel,"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"800000000000000002": "Tech-Oligarchen an der Macht", "800000000000000005": "Erstes Kapitel"}
	if !maps.Equal(cfg.Reading, want) {
		t.Errorf("Reading = %v, want %v", cfg.Reading, want)
	}
	for _, c := range []struct{ v, want string }{
		{"800000000000000002", "must be channelID:section"},
		{"800000000000000002: ", "must be channelID:section"},
		{"general:Einleitung", "must be a Discord ID"},
		{"800000000000000002:Einleitung,800000000000000002:Schluss", "named twice"},
	} {
		if _, err := load(t, []string{"DISCORD_READING=" + c.v}, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.v, err, c.want)
		}
	}
}
