package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// Config is every setting of the program. Each one is read from an
// environment variable and can be overridden by a flag of the same meaning;
// both are declared once, in settings below, which is also what the README's
// table and the deployment manifests are checked against.
type Config struct {
	DataDir string
	// TextsDir is the folder of texts the operator brings ("" for none).
	TextsDir string
	// Builtin keeps the built-in essay in the library.
	Builtin bool
	// MaxTextBytes skips larger files of the texts folder.
	MaxTextBytes int64
	// Dictionary is the path of the German-English dictionary, or "off".
	Dictionary string
	LogLevel   slog.Level
	LogFormat  string // "text" or "json"

	// The OpenAI-compatible backend. An LLM is used when APIKey or BaseURL
	// is set.
	APIKey         string
	BaseURL        string
	Model          string
	LLMTimeout     time.Duration
	LLMRetries     int
	LLMMaxTokens   int
	LLMContext     int
	Translate      bool
	Embedder       string // "offline" or "openai"
	EmbeddingModel string

	// Discord.
	DiscordToken    string
	GuildID         string
	DiscordAPIURL   string
	AllowedChannels []string
	AllowedRoles    []string
	AllowedUsers    []string
	// ChannelTexts maps a channel ID to the text questions there are about
	// when they name none.
	ChannelTexts map[string]string
	// Reading maps a channel ID to the section the group there has read
	// to, until a moderator changes it with /reading.
	Reading map[string]string
	// Questions per minute and burst, for every question of one user and
	// for those a language model answers.
	Rate, LLMRate   float64
	Burst, LLMBurst int
	MaxQuestion     int
	MaxConcurrent   int
	Threads         bool
	MessageContent  bool
	AllowDMs        bool
	ShardID         int
	ShardCount      int
	ShutdownTimeout time.Duration

	HTTPAddr string

	// secretFlags are the secret settings given as flags, which anyone on
	// the machine can read in /proc/PID/cmdline; newLogger warns of them.
	secretFlags []setting
}

// UseLLM reports whether answers come from a language model.
func (c *Config) UseLLM() bool { return c.APIKey != "" || c.BaseURL != "" }

// setting is one configuration value: its variable, its flag, its default
// and how to parse it.
type setting struct {
	Env, Flag, Default, Usage string
	// Secret settings never appear in logs or help defaults.
	Secret bool
	set    func(c *Config, v string) error
}

func defaultDataDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "leviathan")
	}
	return filepath.Join(os.TempDir(), "leviathan")
}

// settings lists every setting, in the order the README shows them.
var settings = []setting{
	{"LEVIATHAN_DATA_DIR", "data-dir", "", "directory for the vector store (default: the user cache directory + /leviathan)", false,
		func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"LEVIATHAN_TEXTS", "texts", "", "folder of texts: every supported file in it (.md, .txt, .html, .epub) is a text whose ID is its file name without extension; empty: the built-in essay alone", false,
		func(c *Config, v string) error { c.TextsDir = v; return nil }},
	{"LEVIATHAN_BUILTIN", "builtin", "true", "keep the built-in essay in the library", false,
		func(c *Config, v string) (err error) { c.Builtin, err = strconv.ParseBool(v); return }},
	{"LEVIATHAN_MAX_TEXT_BYTES", "max-text-bytes", strconv.Itoa(content.DefaultMaxFileBytes), "largest file of the texts folder read, in bytes (larger ones are skipped with a log line)", false,
		func(c *Config, v string) (err error) {
			if c.MaxTextBytes, err = strconv.ParseInt(v, 10, 64); err != nil || c.MaxTextBytes < 1 {
				return errors.New("must be a positive number of bytes")
			}
			return nil
		}},
	{"LEVIATHAN_DICTIONARY", "dictionary", retrieval.DefaultDictionaryPath, "German-English dictionary in Ding's format (Debian's trans-de-en) for English questions about German texts and back; a missing file only logs; \"off\" turns it off", false,
		func(c *Config, v string) error { c.Dictionary = v; return nonEmpty(v) }},
	{"LEVIATHAN_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn, error", false,
		func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
	{"LEVIATHAN_LOG_FORMAT", "log-format", "text", "log format: text or json", false,
		func(c *Config, v string) error { c.LogFormat = v; return oneOf(v, "text", "json") }},

	{"OPENAI_API_KEY", "api-key", "", "API key of the OpenAI-compatible backend (setting it or the base URL turns LLM answers on)", true,
		func(c *Config, v string) error { c.APIKey = v; return nil }},
	{"OPENAI_BASE_URL", "base-url", "", "base URL of the OpenAI-compatible backend, ending in /v1 (empty: OpenAI)", false,
		func(c *Config, v string) error { c.BaseURL = v; return checkBaseURL(v) }},
	{"LEVIATHAN_MODEL", "model", "gpt-4o-mini", "chat model", false,
		func(c *Config, v string) error { c.Model = v; return nonEmpty(v) }},
	{"LEVIATHAN_LLM_TIMEOUT", "llm-timeout", "60s", "time limit for one model request; a streamed answer may run longer while text keeps coming, but not stall longer", false,
		func(c *Config, v string) (err error) { c.LLMTimeout, err = positiveDuration(v); return }},
	{"LEVIATHAN_LLM_RETRIES", "llm-retries", "2", "retries on 429 and 5xx (honouring Retry-After)", false,
		func(c *Config, v string) (err error) { c.LLMRetries, err = intIn(v, 0, 10); return }},
	{"LEVIATHAN_LLM_MAX_TOKENS", "llm-max-tokens", "1024", "longest answer asked of the model, in tokens; a backend that ignores it is stopped at 8 characters a token", false,
		func(c *Config, v string) (err error) { c.LLMMaxTokens, err = intIn(v, 64, 32768); return }},
	{"LEVIATHAN_LLM_CONTEXT_TOKENS", "llm-context-tokens", "6000", "prompt budget for sending the whole text to the model (questions about the text as a whole, summary); a longer text goes section by section", false,
		func(c *Config, v string) (err error) { c.LLMContext, err = intIn(v, 1000, 1000000); return }},
	{"LEVIATHAN_TRANSLATE", "translate", "true", "translate non-German questions into German for retrieval (LLM only)", false,
		func(c *Config, v string) (err error) { c.Translate, err = strconv.ParseBool(v); return }},
	{"LEVIATHAN_EMBEDDER", "embedder", "offline", "passage embedder: offline (built in) or openai (the backend's /v1/embeddings)", false,
		func(c *Config, v string) error { c.Embedder = v; return oneOf(v, "offline", "openai") }},
	{"LEVIATHAN_EMBEDDING_MODEL", "embedding-model", "text-embedding-3-small", "embedding model when LEVIATHAN_EMBEDDER=openai", false,
		func(c *Config, v string) error { c.EmbeddingModel = v; return nonEmpty(v) }},

	{"DISCORD_TOKEN", "discord-token", "", "bot token (serve only)", true,
		func(c *Config, v string) error { c.DiscordToken = strings.TrimPrefix(v, "Bot "); return nil }},
	{"DISCORD_GUILD_ID", "guild-id", "", "register slash commands on this guild only (instant; for development); empty: global", false,
		func(c *Config, v string) error { c.GuildID = v; return snowflakeOrEmpty(v) }},
	{"DISCORD_API_URL", "discord-api-url", "https://discord.com", "origin for Discord REST calls and the gateway lookup (a REST proxy such as nirn-proxy)", false,
		func(c *Config, v string) error { c.DiscordAPIURL = strings.TrimRight(v, "/"); return checkOrigin(v) }},
	{"DISCORD_ALLOWED_CHANNELS", "allowed-channels", "", "comma-separated channel IDs the bot answers in (empty: all)", false,
		func(c *Config, v string) (err error) { c.AllowedChannels, err = snowflakes(v); return }},
	{"DISCORD_ALLOWED_ROLES", "allowed-roles", "", "comma-separated role IDs allowed to ask (empty: everyone)", false,
		func(c *Config, v string) (err error) { c.AllowedRoles, err = snowflakes(v); return }},
	{"DISCORD_ALLOWED_USERS", "allowed-users", "", "comma-separated user IDs allowed to ask (empty: everyone)", false,
		func(c *Config, v string) (err error) { c.AllowedUsers, err = snowflakes(v); return }},
	{"DISCORD_CHANNEL_TEXTS", "channel-texts", "", "comma-separated channelID:textID pairs: the text a question in that channel is about when it names none", false,
		func(c *Config, v string) (err error) { c.ChannelTexts, err = channelTexts(v); return }},
	{"DISCORD_READING", "reading", "", "comma-separated channelID:section pairs: the section the group in that channel has read to (answers there use nothing after it); moderators change it with /reading", false,
		func(c *Config, v string) (err error) { c.Reading, err = channelReading(v); return }},
	{"DISCORD_RATE", "rate", "6", "questions per minute one user may ask, on average (0: no limit)", false,
		func(c *Config, v string) (err error) { c.Rate, err = perMinute(v); return }},
	{"DISCORD_BURST", "burst", "5", "questions one user may ask in quick succession before DISCORD_RATE applies", false,
		func(c *Config, v string) (err error) { c.Burst, err = intIn(v, 1, 1000); return }},
	{"DISCORD_LLM_RATE", "llm-rate", "2", "questions per minute one user may have a language model answer, on average (0: no limit)", false,
		func(c *Config, v string) (err error) { c.LLMRate, err = perMinute(v); return }},
	{"DISCORD_LLM_BURST", "llm-burst", "3", "questions one user may have a language model answer in quick succession", false,
		func(c *Config, v string) (err error) { c.LLMBurst, err = intIn(v, 1, 1000); return }},
	{"DISCORD_MAX_QUESTION", "max-question", strconv.Itoa(bot.MaxQuestionRunes), "longest question accepted, in characters (at most the engine's limit, " + strconv.Itoa(bot.MaxQuestionRunes) + ")", false,
		func(c *Config, v string) (err error) { c.MaxQuestion, err = intIn(v, 10, bot.MaxQuestionRunes); return }},
	{"DISCORD_MAX_CONCURRENT", "max-concurrent", "4", "answers worked on at once; more wait their turn", false,
		func(c *Config, v string) (err error) { c.MaxConcurrent, err = intIn(v, 1, 256); return }},
	{"DISCORD_THREADS", "threads", "false", "open a thread for each mention and answer follow-ups there (needs DISCORD_MESSAGE_CONTENT)", false,
		func(c *Config, v string) (err error) { c.Threads, err = strconv.ParseBool(v); return }},
	{"DISCORD_MESSAGE_CONTENT", "message-content", "false", "request the privileged MESSAGE_CONTENT intent (enable it in the Developer Portal first)", false,
		func(c *Config, v string) (err error) { c.MessageContent, err = strconv.ParseBool(v); return }},
	{"DISCORD_ALLOW_DMS", "allow-dms", "true", "answer direct messages", false,
		func(c *Config, v string) (err error) { c.AllowDMs, err = strconv.ParseBool(v); return }},
	{"DISCORD_SHARD_ID", "shard-id", "0", "this process's shard (0 .. shard count - 1)", false,
		func(c *Config, v string) (err error) { c.ShardID, err = intIn(v, 0, 1<<16); return }},
	{"DISCORD_SHARD_COUNT", "shard-count", "1", "number of shards", false,
		func(c *Config, v string) (err error) { c.ShardCount, err = intIn(v, 1, 1<<16); return }},
	{"LEVIATHAN_SHUTDOWN_TIMEOUT", "shutdown-timeout", "20s", "on SIGTERM, how long answers in flight may take to finish", false,
		func(c *Config, v string) (err error) { c.ShutdownTimeout, err = positiveDuration(v); return }},

	{"LEVIATHAN_HTTP_ADDR", "http-addr", "127.0.0.1:8080", "address of the health and metrics server (serve only; empty: off)", false,
		func(c *Config, v string) error { c.HTTPAddr = v; return nil }},
}

// loadConfig reads the settings from environ (KEY=value lines, as
// os.Environ returns them), then from the flags in args parsed by fs. Every
// invalid setting is reported, not just the first. It returns the
// remaining arguments.
func loadConfig(environ []string, fs *flag.FlagSet, args []string, groups ...string) (Config, []string, error) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	used := func(s setting) bool { return len(groups) == 0 || slices.Contains(groups, s.group()) }
	flagVals := make([]*string, len(settings))
	fileVals := make([]*string, len(settings))
	for i, s := range settings {
		if !used(s) {
			continue
		}
		def := s.Default
		if s.Secret {
			def = ""
		}
		flagVals[i] = fs.String(s.Flag, def, s.Usage+" ($"+s.Env+")")
		if s.Secret {
			fileVals[i] = fs.String(s.Flag+"-file", "", "file holding the "+s.Flag+" (a flag or a variable shows the secret in the process list) ($"+s.Env+"_FILE)")
		}
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	var c Config
	var errs []error
	for i, s := range settings {
		v, ok := env[s.Env]
		if !ok || (v == "" && s.Default != "") {
			v = s.Default
		}
		if flagVals[i] != nil && given[s.Flag] {
			v = *flagVals[i]
		}
		if s.Secret && used(s) {
			var ferr error
			v, ferr = secretFrom(s, env, v, given, fileVals[i])
			if ferr != nil {
				errs = append(errs, ferr)
				continue
			}
			if given[s.Flag] {
				c.secretFlags = append(c.secretFlags, s)
			}
		}
		err := s.set(&c, strings.TrimSpace(v))
		switch {
		case err == nil:
		case !used(s):
			// A setting this command does not use (a Discord setting for
			// ask) must not stop it: keep the default.
			_ = s.set(&c, s.Default)
		default:
			shown := (&redactor{}).text(v) // a password in a URL
			if s.Secret {
				shown = "(hidden)"
			}
			errs = append(errs, fmt.Errorf("%s (--%s) = %q: %w", s.Env, s.Flag, shown, err))
		}
	}
	if c.DataDir == "" {
		c.DataDir = defaultDataDir()
	}
	inScope := func(g string) bool { return len(groups) == 0 || slices.Contains(groups, g) }
	if inScope(groupDiscord) && c.ShardID >= c.ShardCount {
		errs = append(errs, fmt.Errorf("DISCORD_SHARD_ID %d must be below DISCORD_SHARD_COUNT %d", c.ShardID, c.ShardCount))
	}
	if inScope(groupLLM) && c.Embedder == "openai" && !c.UseLLM() {
		errs = append(errs, errors.New("LEVIATHAN_EMBEDDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL"))
	}
	if _, old := env["DISCORD_COOLDOWN"]; old && inScope(groupDiscord) {
		errs = append(errs, errors.New("DISCORD_COOLDOWN was replaced by DISCORD_RATE and DISCORD_BURST (and DISCORD_LLM_RATE and DISCORD_LLM_BURST for model answers): unset it"))
	}
	if inScope(groupDiscord) && c.Threads && !c.MessageContent {
		errs = append(errs, errors.New("DISCORD_THREADS=true needs DISCORD_MESSAGE_CONTENT=true: follow-ups in a thread do not mention the bot"))
	}
	return c, fs.Args(), errors.Join(errs...)
}

// secretFrom returns a secret setting's value, which may come from a file
// named by NAME_FILE or --flag-file (how container platforms hand out
// secrets, and the way to keep them out of the process list). v is the
// value from the variable or flag. The value and its file at the same
// level (both variables, or both flags) is an error; a flag overrides a
// variable as everywhere else.
func secretFrom(s setting, env map[string]string, v string, given map[string]bool, fileFlag *string) (string, error) {
	fileEnv := s.Env + "_FILE"
	if given[s.Flag] && given[s.Flag+"-file"] {
		return "", fmt.Errorf("--%s and --%s-file are both given: use one", s.Flag, s.Flag)
	}
	if given[s.Flag] {
		return v, nil
	}
	path, source := "", ""
	switch {
	case given[s.Flag+"-file"]:
		path, source = *fileFlag, "--"+s.Flag+"-file"
	case env[fileEnv] != "":
		if strings.TrimSpace(env[s.Env]) != "" {
			return "", fmt.Errorf("%s and %s are both set: use one", s.Env, fileEnv)
		}
		path, source = env[fileEnv], fileEnv
	default:
		return v, nil
	}
	secret, err := readSecretFile(path)
	if err != nil {
		return "", fmt.Errorf("%s = %q: %w", source, path, err)
	}
	return secret, nil
}

// maxSecretFile bounds what is read from a secret file: a key or a token
// is well under a kilobyte, and a wrong path (a log, a disk image) must
// not be read whole.
const maxSecretFile = 64 << 10

// readSecretFile reads a secret from a file, without the surrounding
// white space (files end in a newline, and editors add one).
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("couldn't read the secret: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("couldn't read the secret: %w", err)
	}
	if len(b) > maxSecretFile {
		return "", fmt.Errorf("is over %d KB; a secret file holds one key or token", maxSecretFile>>10)
	}
	secret := strings.TrimSpace(string(b))
	switch {
	case secret == "":
		return "", errors.New("is empty")
	case strings.ContainsAny(secret, "\r\n"):
		return "", errors.New("holds more than one line; a secret file holds one key or token")
	case !utf8.ValidString(secret) || strings.IndexFunc(secret, unicode.IsControl) >= 0:
		return "", errors.New("holds control characters or invalid UTF-8")
	}
	return secret, nil
}

// The groups of settings. A command declares the groups it uses (see
// commandGroups): only their flags appear in its -h, and only their values
// are checked, so that a Discord typo does not stop `leviathan ask`.
const (
	groupCore    = "core"    // data directory, logging
	groupLLM     = "llm"     // the OpenAI-compatible backend and embedder
	groupDiscord = "discord" // the bot
	groupHTTP    = "http"    // the health and metrics server
)

// group says which group a setting belongs to, from its name.
func (s setting) group() string {
	switch {
	case strings.HasPrefix(s.Env, "DISCORD_"), s.Env == "LEVIATHAN_SHUTDOWN_TIMEOUT":
		return groupDiscord
	case strings.HasPrefix(s.Env, "OPENAI_"), strings.HasPrefix(s.Env, "LEVIATHAN_LLM_"),
		strings.HasPrefix(s.Env, "LEVIATHAN_EMBEDD"),
		s.Env == "LEVIATHAN_MODEL", s.Env == "LEVIATHAN_TRANSLATE":
		return groupLLM
	case s.Env == "LEVIATHAN_HTTP_ADDR":
		return groupHTTP
	}
	return groupCore
}

// commandGroups lists the setting groups each command uses; a command not
// listed uses them all (chat among them: it shows what the bot would,
// under the bot's limits such as DISCORD_MAX_QUESTION).
var commandGroups = map[string][]string{
	"ask":      {groupCore, groupLLM},
	"search":   {groupCore, groupLLM}, // the embedder may be remote
	"quote":    {groupCore, groupLLM},
	"summary":  {groupCore, groupLLM},
	"eval":     {groupCore, groupLLM},
	"index":    {groupCore, groupLLM},
	"passages": {groupCore},
	"texts":    {groupCore, groupLLM}, // the embedder decides whether a store is current
	"version":  {groupCore},
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))
}

func nonEmpty(v string) error {
	if v == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func positiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, errors.New("must be a duration such as 30s or 2m")
	}
	if d <= 0 {
		return 0, errors.New("must be positive")
	}
	return d, nil
}

// perMinute reads a rate in questions per minute: 0 (no limit) or a
// positive number such as 6 or 0.5 (one every two minutes).
func perMinute(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f >= 0 && f <= 6000) {
		return 0, errors.New("must be a number of questions per minute from 0 (no limit) to 6000, such as 6 or 0.5")
	}
	return f, nil
}

func intIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

func checkBaseURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http(s) URL such as http://localhost:11434/v1")
	}
	if !strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/v1") {
		return errors.New("must end in /v1 (OpenAI-compatible servers serve under /v1)")
	}
	return nil
}

func checkOrigin(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http(s) origin such as https://discord.com")
	}
	return nil
}

func snowflakeOrEmpty(v string) error {
	if v == "" {
		return nil
	}
	if _, err := strconv.ParseUint(v, 10, 64); err != nil {
		return errors.New("must be a Discord ID (digits)")
	}
	return nil
}

// channelTexts reads "channelID:textID,…". Whether the texts exist is
// checked once the library is loaded (checkChannelTexts).
func channelTexts(v string) (map[string]string, error) {
	return channelPairs(v, "textID", strings.ToLower)
}

// channelReading reads "channelID:section,…". Whether the sections exist
// is checked once the library is loaded (checkReading).
func channelReading(v string) (map[string]string, error) {
	return channelPairs(v, "section", func(s string) string { return s })
}

// channelPairs reads "channelID:value,…" into a map, each channel once;
// norm normalizes the value (text IDs are lower case, sections as
// written).
func channelPairs(v, what string, norm func(string) string) (map[string]string, error) {
	var out map[string]string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		ch, val, ok := strings.Cut(f, ":")
		ch, val = strings.TrimSpace(ch), norm(strings.TrimSpace(val))
		if !ok || ch == "" || val == "" {
			return nil, fmt.Errorf("%q: must be channelID:%s", f, what)
		}
		if err := snowflakeOrEmpty(ch); err != nil {
			return nil, fmt.Errorf("%q: the channel %w", f, err)
		}
		if _, dup := out[ch]; dup {
			return nil, fmt.Errorf("channel %s is named twice", ch)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[ch] = val
	}
	return out, nil
}

func snowflakes(v string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if err := snowflakeOrEmpty(f); err != nil {
			return nil, fmt.Errorf("%q: %w", f, err)
		}
		out = append(out, f)
	}
	return out, nil
}
