package main

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
	"github.com/leviathan-bot/leviathan/content"
)

func TestServeWithoutToken(t *testing.T) {
	var errOut syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut,
		Environ: []string{"LEVIATHAN_DATA_DIR=" + t.TempDir()}}
	if code := m.Run(context.Background(), []string{"serve"}); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if got := errOut.String(); !strings.Contains(got, "DISCORD_TOKEN is not set") || strings.Contains(got, "passage store") {
		t.Errorf("stderr:\n%s", got)
	}
}

// syncBuffer is a strings.Builder safe for the logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func serveEnv(t *testing.T, srv *discordtest.Server) []string {
	return []string{
		"DISCORD_TOKEN=" + discordtest.Token, "DISCORD_API_URL=" + srv.URL(), "DISCORD_GUILD_ID=" + discordtest.DefaultGuildID,
		"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_HTTP_ADDR=127.0.0.1:0", "DISCORD_RATE=0",
		"LEVIATHAN_SHUTDOWN_TIMEOUT=5s",
	}
}

// askAndWait sends /ask to the fake and waits for the final answer.
func askAndWait(ctx context.Context, t *testing.T, srv *discordtest.Server, q string) string {
	t.Helper()
	ref := srv.SendInteraction(discordtest.Interaction{Name: "ask", Options: []discordtest.CommandOption{discordtest.Str("question", q)}})
	var content string
	err := srv.Wait(ctx, func() bool {
		m := srv.Original(ref.Token)
		if m == nil || len(m.Components) == 0 && !strings.Contains(m.Content, "Entschuldigung") {
			return false
		}
		content = m.Content
		return true
	})
	if err != nil {
		t.Fatalf("no answer to %q: %v", q, err)
	}
	return content
}

// TestServeAgainstFakeDiscord runs the whole serve command, real engine
// and offline store included, against the fake Discord.
func TestServeAgainstFakeDiscord(t *testing.T) {
	srv := discordtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var errOut syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut, Environ: serveEnv(t, srv)}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() { done <- m.Run(runCtx, []string{"serve"}) }()
	if err := srv.Wait(ctx, func() bool { return srv.Commands(discordtest.DefaultGuildID) != nil }); err != nil {
		t.Fatalf("no registration: %v\n%s", err, errOut.String())
	}
	got := askAndWait(ctx, t, srv, "Was ist DOGE?")
	if !strings.Contains(got, "DOGE") || !strings.Contains(got, "[1]") || !strings.Contains(got, "Quellen") {
		t.Errorf("answer:\n%s", got)
	}
	stop()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
}

// With the default settings, normal use is never refused: /ask, then
// /quote by the same user straight after (issue 11: a fixed 10 s cooldown
// refused the quote).
func TestServeDefaultLimitsAllowAskThenQuote(t *testing.T) {
	srv := discordtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var env []string
	for _, kv := range serveEnv(t, srv) {
		if !strings.HasPrefix(kv, "DISCORD_RATE=") {
			env = append(env, kv)
		}
	}
	var errOut syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut, Environ: env}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() { done <- m.Run(runCtx, []string{"serve"}) }()
	if err := srv.Wait(ctx, func() bool { return srv.Commands(discordtest.DefaultGuildID) != nil }); err != nil {
		t.Fatalf("no registration: %v\n%s", err, errOut.String())
	}
	start := time.Now()
	askAndWait(ctx, t, srv, "Was ist DOGE?")
	ref := srv.SendInteraction(discordtest.Interaction{Name: "quote", Options: []discordtest.CommandOption{discordtest.Str("topic", "¶4")}})
	err := srv.Wait(ctx, func() bool {
		if m := srv.Original(ref.Token); m != nil && strings.Contains(m.Content, "¶4") {
			return true
		}
		for _, c := range srv.Callbacks() {
			if c.Token == ref.Token && strings.Contains(string(c.Raw), "Kurz durchatmen") {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no answer to /quote: %v", err)
	}
	if m := srv.Original(ref.Token); m == nil || !strings.Contains(m.Content, "¶4") {
		t.Errorf("/quote right after /ask was refused")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Logf("both took %v, more than the 3 s the issue names; the limits are what is tested", took)
	}
	stop()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
}

// TestHelperServeProcess is not a test: TestServeMemory runs the test
// binary with it as a separate serve process.
func TestHelperServeProcess(t *testing.T) {
	if os.Getenv("LEVIATHAN_HELPER_SERVE") != "1" {
		t.Skip("helper process for TestServeMemory")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ()}
	os.Exit(m.Run(ctx, []string{"serve"}))
}

// TestServeMemory measures the resident memory of a serve process (this
// test binary re-run as serve, so an upper bound for the real binary) after
// it answered questions from the fake Discord. It reports, not asserts:
// the target (< 50 MB) is checked by reading the log.
func TestServeMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc")
	}
	srv := discordtest.New(t, discordtest.WithoutSpecValidation())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperServeProcess$")
	cmd.Env = append(os.Environ(), append(serveEnv(t, srv), "LEVIATHAN_HELPER_SERVE=1", "LEVIATHAN_LOG_LEVEL=warn")...)
	var errOut syncBuffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(ctx, func() bool { return srv.Commands(discordtest.DefaultGuildID) != nil }); err != nil {
		t.Fatalf("no registration: %v\n%s", err, errOut.String())
	}
	for i := range 50 {
		askAndWait(ctx, t, srv, fmt.Sprintf("Was sagt der Essay über DOGE und Musk? (%d)", i))
	}
	rss, hwm := procMemory(t, cmd.Process.Pid)
	t.Logf("serve process after 50 answers: VmRSS %d kB (%.1f MB), VmHWM %d kB (%.1f MB)", rss, float64(rss)/1024, hwm, float64(hwm)/1024)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve exited with %v\n%s", err, errOut.String())
	}
}

func procMemory(t *testing.T, pid int) (rss, hwm int) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &n); err == nil {
			rss = n
		}
		if _, err := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &n); err == nil {
			hwm = n
		}
	}
	return rss, hwm
}

// A channel's text that the library does not hold stops serve at start,
// before Discord is reached, with every such text named.
func TestServeRefusesUnknownChannelTexts(t *testing.T) {
	srv := discordtest.New(t)
	var errOut syncBuffer
	env := append(serveEnv(t, srv), "LEVIATHAN_TEXTS="+textsDir(t),
		"DISCORD_CHANNEL_TEXTS=800000000000000002:gut,800000000000000005:kochbuch,800000000000000006:roman")
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut, Environ: env}
	if code := m.Run(ctxTimeout(t), []string{"serve"}); code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errOut.String())
	}
	got := errOut.String()
	for _, want := range []string{"800000000000000005:kochbuch, 800000000000000006:roman", "the texts are: "} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, ":gut") || srv.Commands(discordtest.DefaultGuildID) != nil {
		t.Errorf("a known text was reported, or commands were registered:\n%s", got)
	}
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestCheckReading(t *testing.T) {
	gut, err := content.LoadFile("../../content/testdata/library/gut.md", content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := []*content.Text{content.Builtin(), gut}
	got, err := checkReading(map[string]string{"1": "tech-oligarchen", "2": "erstes kapitel"}, map[string]string{"2": "gut"}, texts)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"1": "Tech-Oligarchen an der Macht", "2": "Erstes Kapitel"}; !maps.Equal(got, want) {
		t.Errorf("checkReading = %v, want %v", got, want)
	}
	// A section of another text, or the notes, is refused.
	_, err = checkReading(map[string]string{"1": "Erstes Kapitel", "3": "Anmerkungen"}, nil, texts)
	if err == nil || !strings.Contains(err.Error(), "1:Erstes Kapitel (the sections of essay are: Einleitung;") || !strings.Contains(err.Error(), "3:Anmerkungen") {
		t.Errorf("err = %v", err)
	}
}
