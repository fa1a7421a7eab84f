package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// parse reads the configuration for subcommand name: environment, then the
// flags in args (extra adds the subcommand's own flags). On a bad command
// line or configuration it prints every problem and returns ok false with
// the exit code to use.
func (m *Main) parse(name string, args []string, extra func(fs *flag.FlagSet)) (cfg Config, rest []string, log *slog.Logger, code int, ok bool) {
	fs := flag.NewFlagSet("leviathan "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	if extra != nil {
		extra(fs)
	}
	// The flag package calls Usage on -h and after a bad flag. The whole
	// list (some thirty settings) answers -h; after a mistake it would
	// bury the one line that says what was wrong, so a hint follows it
	// instead.
	badFlag := false
	for _, c := range subcommands {
		if c.name == name {
			fs.Usage = func() {
				if !helpRequested(args) {
					badFlag = true
					return
				}
				fmt.Fprintf(m.Stderr, "Usage: leviathan %s %s\n\n%s.\n\nFlags:\n", c.name, c.args, strings.ToUpper(c.short[:1])+c.short[1:])
				fs.PrintDefaults()
			}
		}
	}
	cfg, rest, err := loadConfig(m.Environ, fs, args, commandGroups[name]...)
	if errors.Is(err, flag.ErrHelp) {
		return cfg, nil, nil, exitOK, false
	}
	if err != nil && badFlag {
		fmt.Fprintf(m.Stderr, "leviathan %s: run 'leviathan %s -h' for its flags\n", name, name)
		return cfg, nil, nil, exitUsage, false
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "leviathan %s: invalid configuration:\n  %s\n", name, strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return cfg, nil, nil, exitUsage, false
	}
	return cfg, rest, newLogger(m.Stderr, cfg), exitOK, true
}

// helpRequested reports whether args ask for help before any "--".
func helpRequested(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

// newLogger logs to w (stderr: stdout carries results, --json among them),
// through a handler that keeps secrets out of every line (see redact.go).
func newLogger(w interface{ Write([]byte) (int, error) }, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	log := slog.New(&redactHandler{next: h, r: newRedactor(cfg)})
	for _, s := range cfg.secretFlags {
		log.Warn("a secret was given as a flag: every user of this machine can read it in the process list; set "+s.Env+" or "+s.Env+"_FILE instead",
			"flag", "--"+s.Flag)
	}
	return log
}

// hooks are what serve plugs into the engine's parts to count what they
// see; the one-shot commands leave them empty.
type hooks struct {
	// llmRequestError hears of every failed request to the model backend.
	llmRequestError func(reason string)
	// unverifiedQuotes hears of model answers with invented quotations.
	unverifiedQuotes func(n int)
}

// openDictionary loads the German-English dictionary. Without it the bot
// still works (English questions then rely on cognates), so a missing or
// unreadable file is logged, not fatal.
func openDictionary(path, cacheDir string, log *slog.Logger) *retrieval.Dictionary {
	if path == "" || path == "off" {
		return nil
	}
	start := time.Now()
	d, err := retrieval.OpenDictionaryCached(path, cacheDir, retrieval.GermanKey, retrieval.EnglishKey)
	switch {
	case errors.Is(err, os.ErrNotExist):
		log.Info("no German-English dictionary; English questions about German texts rely on cognates (install Debian's trans-de-en)", "path", path)
		return nil
	case err != nil:
		log.Warn("couldn't load the German-English dictionary; going on without it", "path", path, "err", err)
		return nil
	}
	log.Debug("loaded the German-English dictionary", "path", path, "pairs", d.Stats().Pairs, "took", time.Since(start).Round(time.Millisecond))
	return d
}

// dictionaryCacheDir is where the parsed dictionary is kept: the user's
// cache directory, shared by every data directory (the dictionary is the
// same for all), else the data directory.
func dictionaryCacheDir(dataDir string) string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "leviathan")
	}
	return dataDir
}

// library is what the commands open: the texts, their store and an engine
// per text.
type library struct {
	texts   *content.Library
	store   *retrieval.Library
	answers *answer.Library
}

// loadTexts reads the library's texts (no store): the built-in essay
// unless switched off, and every file of the texts folder. A file that
// cannot be read is logged with its reason and left out; only a folder
// that cannot be listed, or a library with no text at all, is an error.
func loadTexts(cfg Config, log *slog.Logger) (*content.Library, error) {
	lib, err := content.LoadLibrary(cfg.TextsDir, content.Options{NoBuiltin: !cfg.Builtin, MaxFileBytes: cfg.MaxTextBytes})
	if err != nil {
		return nil, fmt.Errorf("couldn't read the texts in %s: %w", cfg.TextsDir, err)
	}
	for _, s := range lib.Skipped {
		log.Warn("skipped a file of the texts folder", "file", s.File, "reason", s.Reason)
	}
	if len(lib.Texts) == 0 {
		return nil, fmt.Errorf("no texts: %q holds no readable text and the built-in essay is off (LEVIATHAN_BUILTIN=false)", cfg.TextsDir)
	}
	log.Debug("loaded the library", "texts", len(lib.Texts), "skipped", len(lib.Skipped))
	return lib, nil
}

// openLibrary loads the texts, opens their store and builds the engines.
func openLibrary(ctx context.Context, cfg Config, log *slog.Logger, rebuild bool, h hooks) (*library, error) {
	texts, err := loadTexts(cfg, log)
	if err != nil {
		return nil, err
	}
	llm, emb, err := newBackend(cfg, log, h)
	if err != nil {
		return nil, err
	}
	if emb == nil {
		emb = retrieval.NewOffline()
	}
	store, err := retrieval.OpenLibrary(ctx, texts.Texts, retrieval.Options{Dir: cfg.DataDir, Embedder: emb, Logger: log, Rebuild: rebuild, Dictionary: openDictionary(cfg.Dictionary, dictionaryCacheDir(cfg.DataDir), log)})
	if err != nil {
		return nil, fmt.Errorf("couldn't open the passage store in %s: %w", cfg.DataDir, err)
	}
	answers, err := answer.NewLibrary(answer.LibraryConfig{Texts: texts.Texts, Store: store, LLM: llm, Logger: log, NoTranslate: !cfg.Translate,
		Model: answer.ModelOptions{
			Name: cfg.Model, CacheDir: cfg.DataDir, ContextTokens: cfg.LLMContext,
			MaxAnswerChars: 8 * cfg.LLMMaxTokens, OnUnverifiedQuotes: h.unverifiedQuotes,
		}})
	if err != nil {
		return nil, err
	}
	// Opening reads and checks every vector (chromem hands out copies) and
	// parses every text: hundreds of MB of garbage for a book that the
	// heap would otherwise keep as its high-water mark for the whole run.
	debug.FreeOSMemory()
	return &library{texts: texts, store: store, answers: answers}, nil
}

// The front ends take the library as one engine.
var _ command.Engine = answer.Routed{}
