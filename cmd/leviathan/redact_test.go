package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

const (
	testKey   = "sk-test-Zq81pXv0aLm3nB7cD9eF"
	testToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"
	testPass  = "hunter2-pw"
)

// TestRedactHandler: every place a secret can sit in a record (message,
// string attribute, error value, nested group, WithAttrs, a value printed
// with %v) comes out as [redacted], in both log formats.
func TestRedactHandler(t *testing.T) {
	cfg := Config{APIKey: "opaque-key-1234", DiscordToken: "some-discord-token", BaseURL: "http://me:" + testPass + "@llm.local/v1"}
	secrets := []string{"opaque-key-1234", "some-discord-token", testPass, testKey, testToken, "eyJhbGciOi.x"}
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"message", func(l *slog.Logger) { l.Info("key is opaque-key-1234") }},
		{"string attr", func(l *slog.Logger) { l.Info("x", "token", "some-discord-token") }},
		{"error attr", func(l *slog.Logger) {
			l.Error("x", "err", fmt.Errorf("wrapped: %w", errors.New("Incorrect API key provided: Bearer eyJhbGciOi.x")))
		}},
		{"key shape", func(l *slog.Logger) { l.Warn("x", "err", errors.New("Incorrect API key provided: "+testKey)) }},
		{"discord token shape", func(l *slog.Logger) { l.Info("x", "url", "wss://gateway?t="+testToken) }},
		{"url password", func(l *slog.Logger) { l.Info("x", "base_url", "https://user:"+testPass+"@example.com/v1") }},
		{"nested group", func(l *slog.Logger) {
			l.Info("x", slog.Group("req", slog.Group("auth", "header", "Bearer "+testKey)))
		}},
		{"with attrs and group", func(l *slog.Logger) {
			l.With("k", "opaque-key-1234").WithGroup("g").Info("x", "v", []string{"some-discord-token"})
		}},
		{"any value", func(l *slog.Logger) { l.Info("x", "cfg", struct{ Key string }{"opaque-key-1234"}) }},
	}
	for _, format := range []string{"text", "json"} {
		for _, tt := range tests {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				var buf bytes.Buffer
				c := cfg
				c.LogFormat = format
				tt.log(newLogger(&buf, c))
				out := buf.String()
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("log line holds %q:\n%s", s, out)
					}
				}
				if !strings.Contains(out, redacted) {
					t.Errorf("nothing redacted:\n%s", out)
				}
			})
		}
	}
}

// TestRedactLeavesOrdinaryText: words that merely look alike stay.
func TestRedactLeavesOrdinaryText(t *testing.T) {
	r := newRedactor(Config{APIKey: "ab"}) // too short to be replaced verbatim
	for _, s := range []string{"building passage store", "http://localhost:11434/v1", "task-done", "about the Bot", "reason=sk"} {
		if got := r.text(s); got != s {
			t.Errorf("text(%q) = %q", s, got)
		}
	}
}

// TestBackendEchoingTheKeyNeverLogsIt: a backend answering 401 with the
// key in its error message (as OpenAI does) fails the answer, and the log
// of the whole run, at debug level, holds neither the key nor the base
// URL's password.
func TestBackendEchoingTheKeyNeverLogsIt(t *testing.T) {
	fake := llmtest.New(t)
	fake.Respond = func(r llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Status: 401, Body: fmt.Sprintf(`{"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","code":"invalid_api_key"}}`, r.Header.Get("Authorization"))}
	}
	withPass := strings.Replace(fake.BaseURL(), "http://", "http://me:"+testPass+"@", 1)
	for _, format := range []string{"text", "json"} {
		for _, base := range []string{fake.BaseURL(), withPass} {
			t.Run(format, func(t *testing.T) {
				before := len(fake.ChatRequests())
				code, stdout, stderr := runEnv(t, []string{
					"OPENAI_API_KEY=" + testKey, "OPENAI_BASE_URL=" + base, "LEVIATHAN_LOG_LEVEL=debug", "LEVIATHAN_LOG_FORMAT=" + format,
				}, "ask", "--json", llmQuestion)
				if code != exitOK || len(fake.ChatRequests()) == before {
					t.Fatalf("exit %d, %d requests; stderr:\n%s", code, len(fake.ChatRequests())-before, stderr)
				}
				if !strings.Contains(stderr, "401") && !strings.Contains(stderr, "auth") {
					t.Errorf("the log does not tell of the failure:\n%s", stderr)
				}
				for _, s := range []string{testKey, testKey[3:], testPass} {
					if strings.Contains(stderr, s) || strings.Contains(stdout, s) {
						t.Errorf("the output holds the secret %q:\n%s\n%s", s, stderr, stdout)
					}
				}
			})
		}
	}
}

// TestSecretFiles: NAME_FILE and --flag-file give a secret from a file,
// trimmed; a file and a value at the same level, or a bad file, is an
// error; a secret given as a flag is warned about.
func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("token", "  "+testToken+"\n")
	keyFile := write("key", testKey+"\n")
	empty := write("empty", "\n \n")
	twoLines := write("two", "a\nb\n")
	tests := []struct {
		name     string
		env      []string
		args     []string
		token    string // want
		key      string
		err      string // want in the error, "" for none
		warnFlag string // want a warning for this flag
	}{
		{"env file", []string{"DISCORD_TOKEN_FILE=" + good, "OPENAI_API_KEY_FILE=" + keyFile}, nil, testToken, testKey, "", ""},
		{"flag file", nil, []string{"--discord-token-file", good, "--api-key-file=" + keyFile}, testToken, testKey, "", ""},
		{"flag file over env", []string{"DISCORD_TOKEN=old-token-x"}, []string{"--discord-token-file", good}, testToken, "", "", ""},
		{"env and its file", []string{"DISCORD_TOKEN=x-token", "DISCORD_TOKEN_FILE=" + good}, nil, "", "", "DISCORD_TOKEN and DISCORD_TOKEN_FILE are both set", ""},
		{"flag and its file", nil, []string{"--api-key", "k-12345", "--api-key-file", keyFile}, "", "", "--api-key and --api-key-file are both given", "--api-key"},
		{"missing file", []string{"OPENAI_API_KEY_FILE=" + filepath.Join(dir, "nope")}, nil, "", "", "OPENAI_API_KEY_FILE", ""},
		{"empty file", []string{"DISCORD_TOKEN_FILE=" + empty}, nil, "", "", "is empty", ""},
		{"two lines", []string{"DISCORD_TOKEN_FILE=" + twoLines}, nil, "", "", "more than one line", ""},
		{"secret as flag", nil, []string{"--discord-token", testToken}, testToken, "", "", "--discord-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			m := &Main{Stdout: &out, Stderr: &out, Environ: tt.env}
			cfg, _, _, code, ok := m.parse("chat", tt.args, nil)
			if tt.err != "" {
				if ok || code != exitUsage || !strings.Contains(out.String(), tt.err) {
					t.Errorf("ok %v, exit %d, output %q; want exit 2 with %q", ok, code, out.String(), tt.err)
				}
				if strings.Contains(out.String(), testToken) || strings.Contains(out.String(), testKey) {
					t.Errorf("the error shows the secret: %s", out.String())
				}
				return
			}
			if !ok {
				t.Fatalf("exit %d: %s", code, out.String())
			}
			if cfg.DiscordToken != tt.token || cfg.APIKey != tt.key {
				t.Errorf("token %q, key %q; want %q, %q", cfg.DiscordToken, cfg.APIKey, tt.token, tt.key)
			}
			warned := strings.Contains(out.String(), "process list")
			if tt.warnFlag != "" && (!warned || !strings.Contains(out.String(), tt.warnFlag)) {
				t.Errorf("no warning for %s: %q", tt.warnFlag, out.String())
			}
			if tt.warnFlag == "" && warned {
				t.Errorf("warned without a reason: %q", out.String())
			}
		})
	}
}

// TestConfigErrorHidesTheURLPassword: an invalid base URL is shown in the
// configuration error without its password.
func TestConfigErrorHidesTheURLPassword(t *testing.T) {
	code, _, stderr := runEnv(t, []string{"OPENAI_BASE_URL=http://me:" + testPass + "@llm.local/api"}, "ask", "x")
	if code != exitUsage || strings.Contains(stderr, testPass) || !strings.Contains(stderr, "llm.local") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the URL without its password", code, stderr)
	}
}
