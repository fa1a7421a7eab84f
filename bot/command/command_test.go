package command

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line string
		want Command
	}{
		{"Was ist DOGE?", Command{Name: Ask, Arg: "Was ist DOGE?"}},
		{"  /ask   Was ist DOGE? ", Command{Name: Ask, Arg: "Was ist DOGE?"}},
		{"/summary", Command{Name: Summary, Arg: ""}},
		{"/summary Tech-Oligarchen an der Macht", Command{Name: Summary, Arg: "Tech-Oligarchen an der Macht"}},
		{"/quote ¶12", Command{Name: Quote, Arg: "¶12"}},
		{"/ZITAT Libra", Command{Name: Quote, Arg: "Libra"}},
		{"/help", Command{Name: Help, Arg: "help"}},
		{"/frobnicate x", Command{Name: Help, Arg: "frobnicate"}},
		{"/quit", Command{Name: Quit, Arg: ""}},
		{"/exit", Command{Name: Quit, Arg: ""}},
		{"/new", Command{Name: Reset, Arg: ""}},
	}
	for _, tt := range tests {
		if got := Parse(tt.line); got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.line, got, tt.want)
		}
	}
}

// fakeEngine answers from function fields; nil fields fail the test.
type fakeEngine struct {
	t       *testing.T
	ask     func(bot.Request) (bot.Answer, error)
	summary func(string) (bot.Answer, error)
	quote   func(string, int) ([]bot.Quote, error)
}

func (f *fakeEngine) Ask(_ context.Context, r bot.Request) (bot.Answer, error) { return f.ask(r) }
func (f *fakeEngine) Summary(_ context.Context, s string, _ func(string)) (bot.Answer, error) {
	return f.summary(s)
}
func (f *fakeEngine) Quote(_ context.Context, topic string, n int) ([]bot.Quote, error) {
	return f.quote(topic, n)
}
func (f *fakeEngine) Essay() *content.Essay { return content.Load() }

func TestHandleAsk(t *testing.T) {
	var got bot.Request
	eng := &fakeEngine{t: t, ask: func(r bot.Request) (bot.Answer, error) {
		got = r
		return bot.Answer{Question: r.Question, Text: "DOGE ist eine Behörde [1].", Covered: true, Mode: bot.ModeExtractive,
			Citations: []bot.Citation{{N: 1, Label: "¶5", Section: "Tech-Oligarchen an der Macht", Text: strings.Repeat("Wort ", 60)}}}, nil
	}}
	h := NewHandler(eng, Options{MaxQuestion: 100})
	hist := []bot.Turn{{Question: "Wer ist Musk?", Answer: "Ein Milliardär [1]."}}
	r := h.Handle(context.Background(), Command{Name: Ask, Arg: "  Was ist DOGE?  "}, hist, nil)
	if got.Question != "Was ist DOGE?" || len(got.History) != 1 {
		t.Fatalf("engine got %+v", got)
	}
	if r.Outcome != OutcomeOK || !r.Answer || r.Ephemeral || len(r.Sources) != 1 {
		t.Fatalf("reply = %+v", r)
	}
	body := r.Body()
	if !strings.Contains(body, "DOGE ist eine Behörde [1].") || !strings.Contains(body, "[1] ¶5 · Tech-Oligarchen an der Macht — „Wort") {
		t.Errorf("body = %q", body)
	}
	if n := len([]rune(r.Sources[0].Excerpt)); n > 91 {
		t.Errorf("excerpt has %d runes", n)
	}
	if StripSources(body) != "DOGE ist eine Behörde [1]." {
		t.Errorf("StripSources = %q", StripSources(body))
	}
}

func TestHandleOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		cmd       Command
		answer    bot.Answer
		err       error
		outcome   string
		ephemeral bool
		text      string
	}{
		{"fallback", Command{Name: Ask, Arg: "Was ist DOGE?"}, bot.Answer{Text: "x [1]", Covered: true, Fallback: "timeout", Notice: "Das Sprachmodell antwortet nicht."}, nil, OutcomeFallback, false, "*Das Sprachmodell antwortet nicht.*"},
		{"not covered", Command{Name: Ask, Arg: "Wie wird das Wetter?"}, bot.Answer{Text: "Dazu steht nichts im Essay."}, nil, OutcomeNotCovered, false, "Dazu steht nichts"},
		{"input error", Command{Name: Summary, Arg: "Einleitung"}, bot.Answer{}, &bot.InputError{Msg: "Unbekannter Abschnitt."}, OutcomeRejected, true, "Unbekannter Abschnitt."},
		{"internal error", Command{Name: Ask, Arg: "Was ist DOGE?"}, bot.Answer{}, errors.New("store is on fire"), OutcomeError, true, "Entschuldigung"},
		{"empty question", Command{Name: Ask, Arg: "   "}, bot.Answer{}, nil, OutcomeRejected, true, "Bitte stell eine Frage"},
		{"too long", Command{Name: Ask, Arg: strings.Repeat("a", 21)}, bot.Answer{}, nil, OutcomeRejected, true, "zu lang (21 Zeichen, höchstens 20)"},
		{"help", Command{Name: Help, Arg: ""}, bot.Answer{}, nil, OutcomeOK, true, "/summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{t: t,
				ask:     func(bot.Request) (bot.Answer, error) { return tt.answer, tt.err },
				summary: func(string) (bot.Answer, error) { return tt.answer, tt.err },
			}
			r := NewHandler(eng, Options{MaxQuestion: 20}).Handle(context.Background(), tt.cmd, nil, nil)
			if r.Outcome != tt.outcome || r.Ephemeral != tt.ephemeral || !strings.Contains(r.Body(), tt.text) {
				t.Errorf("reply = %+v\nbody %q", r, r.Body())
			}
			if tt.outcome == OutcomeError && (r.Err == nil || strings.Contains(r.Body(), "fire")) {
				t.Errorf("internal error must be kept in Err and not shown: %+v", r)
			}
		})
	}
}

func TestHandleQuote(t *testing.T) {
	essay := content.Load()
	p, ok := essay.Lookup("¶2")
	if !ok {
		t.Fatal("no ¶2")
	}
	var gotN int
	eng := &fakeEngine{t: t, quote: func(topic string, n int) ([]bot.Quote, error) {
		gotN = n
		if topic == "Kochen" {
			return nil, nil
		}
		return []bot.Quote{{Passage: p, Text: "Erste Zeile\nzweite @everyone"}}, nil
	}}
	h := NewHandler(eng, Options{})
	r := h.Handle(context.Background(), Command{Name: Quote, Arg: "Trump"}, nil, nil)
	want := "**¶2** · " + p.Section + "\n> Erste Zeile\n> zweite @\u200deveryone"
	if r.Body() != want || gotN != 3 || r.Answer {
		t.Errorf("body = %q (n %d), want %q", r.Body(), gotN, want)
	}
	if r := h.Handle(context.Background(), Command{Name: Quote, Arg: "Kochen"}, nil, nil); r.Outcome != OutcomeNotCovered {
		t.Errorf("no quotes: %+v", r)
	}
	if r := h.Handle(context.Background(), Command{Name: Quote, Arg: ""}, nil, nil); r.Outcome != OutcomeRejected || !r.Ephemeral {
		t.Errorf("empty topic: %+v", r)
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"hi @everyone and @here":   "hi @\u200deveryone and @\u200dhere",
		"@EVERYONE":                "@\u200dEVERYONE",
		"mail me: a@heresy.org":    "mail me: a@\u200dheresy.org",
		"<@123> and <@&456> stay":  "<@123> and <@&456> stay",
		"nothing to see here at @": "nothing to see here at @",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	para := strings.Repeat("Ein Satz über Big Tech. ", 40) // 960 chars
	tests := []struct {
		name  string
		text  string
		limit int
		// check runs on the parts beyond the common invariants.
		check func(t *testing.T, parts []string)
	}{
		{"short", "kurz", 0, func(t *testing.T, p []string) {
			if len(p) != 1 || p[0] != "kurz" {
				t.Errorf("parts %q", p)
			}
		}},
		{"paragraphs", para + "\n\n" + para + "\n\n" + para, 2000, func(t *testing.T, p []string) {
			if len(p) != 2 || p[0] != strings.TrimSpace(para+"\n\n"+para) {
				t.Errorf("want a cut at the second paragraph break, got %d parts", len(p))
			}
		}},
		{"sentences", strings.Repeat("Das ist ein Satz. ", 300), 2000, func(t *testing.T, p []string) {
			for _, s := range p {
				if !strings.HasSuffix(s, ".") {
					t.Errorf("part ends mid-sentence: …%q", s[len(s)-20:])
				}
			}
		}},
		{"quoted sentence end", strings.Repeat("Er sagte »Nein.« ", 200), 500, func(t *testing.T, p []string) {
			for _, s := range p {
				if !strings.HasSuffix(s, "»Nein.«") {
					t.Errorf("part does not end after the quote: …%q", s[len(s)-10:])
				}
			}
		}},
		{"no spaces", strings.Repeat("x", 4500), 2000, func(t *testing.T, p []string) {
			if len(p) != 3 || Len(p[0]) != 2000 {
				t.Errorf("hard cut: %d parts", len(p))
			}
		}},
		{"astral runes count twice", strings.Repeat("🦑", 1500), 2000, func(t *testing.T, p []string) {
			if len(p) != 2 || Len(p[0]) != 2000 || len([]rune(p[0])) != 1000 {
				t.Errorf("emoji split: %d parts, first %d units", len(p), Len(p[0]))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := Split(tt.text, tt.limit)
			limit := tt.limit
			if limit == 0 {
				limit = MessageLimit
			}
			// Cutting may only drop the whitespace at the cut.
			joined := strings.Join(strings.Fields(strings.Join(parts, "")), "")
			if joined != strings.Join(strings.Fields(tt.text), "") {
				t.Errorf("parts lose or add text")
			}
			for i, p := range parts {
				if p == "" || Len(p) > limit {
					t.Errorf("part %d has length %d (limit %d)", i, Len(p), limit)
				}
			}
			tt.check(t, parts)
		})
	}
}

func TestPreview(t *testing.T) {
	long := strings.Repeat("Noch ein Satz @here. ", 200)
	p := Preview(long)
	if Len(p) > MessageLimit || !strings.HasSuffix(p, " …") || strings.Contains(p, "@here") {
		t.Errorf("preview: len %d, tail %q", Len(p), p[len(p)-10:])
	}
	if got := Preview("Anfang"); got != "Anfang ▍" {
		t.Errorf("short preview = %q", got)
	}
}

func TestHelpMentionsEveryCommand(t *testing.T) {
	body := HelpReply().Body()
	for _, want := range []string{"/ask", "/summary", "/quote", "@Leviathan", "In English", "Was ist DOGE?"} {
		if !strings.Contains(body, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if Len(body) > MessageLimit {
		t.Errorf("help is %d characters, more than one message", Len(body))
	}
}

func TestCheck(t *testing.T) {
	eng := &fakeEngine{t: t,
		summary: func(s string) (bot.Answer, error) {
			t.Errorf("engine asked for section %q", s)
			return bot.Answer{}, nil
		},
		quote: func(topic string, _ int) ([]bot.Quote, error) {
			t.Errorf("engine asked to quote %q", topic)
			return nil, nil
		},
	}
	h := NewHandler(eng, Options{MaxQuestion: 50})
	ok := []Command{{Name: Ask, Arg: "Was ist DOGE?"}, {Name: Summary, Arg: ""}, {Name: Summary, Arg: "tech-oligarchen"}, {Name: Quote, Arg: "Libra"}, {Name: Quote, Arg: "¶12"}, {Name: Quote, Arg: "fn1"}, {Name: Help, Arg: ""}}
	for _, c := range ok {
		if err := h.Check(c); err != nil {
			t.Errorf("Check(%+v) = %v", c, err)
		}
	}
	bad := []struct {
		cmd  Command
		want string
	}{
		{Command{Name: Ask, Arg: " "}, "Bitte stell eine Frage"},
		{Command{Name: Summary, Arg: "Kochen"}, "Einen Abschnitt „Kochen“ gibt es nicht. Die Abschnitte sind: „Einleitung“, „Tech-Oligarchen an der Macht“"},
		{Command{Name: Summary, Arg: "Anmerkungen"}, "Die Anmerkungen fasse ich nicht zusammen"},
		{Command{Name: Quote, Arg: "¶999"}, "Eine Stelle „¶999“ gibt es nicht; die Stellen heißen ¶1–¶17, Fn1–Fn3, Kolophon."},
		{Command{Name: Quote, Arg: ""}, "Wozu soll ich zitieren?"},
	}
	for _, tt := range bad {
		err := h.Check(tt.cmd)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%+v) = %v, want %q", tt.cmd, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "Anmerkungen“") {
			t.Errorf("the notes are offered as a section: %v", err)
		}
		// Handle gives the same message, privately, without the engine.
		r := h.Handle(context.Background(), tt.cmd, nil, nil)
		if r.Outcome != OutcomeRejected || !r.Ephemeral || !strings.Contains(r.Body(), tt.want) {
			t.Errorf("Handle(%+v) = %+v", tt.cmd, r)
		}
	}
	if got := h.Sections(); len(got) != len(content.Load().Sections)-1 || slices.Contains(got, content.NotesSection) {
		t.Errorf("Sections() = %q", got)
	}
}

func TestUnknownCommandIsNamed(t *testing.T) {
	if b := HelpFor(Parse("/frobnicate x")).Body(); !strings.HasPrefix(b, "*Den Befehl /frobnicate kenne ich nicht.") || !strings.Contains(b, "/summary") {
		t.Errorf("help for a typo = %q", b)
	}
	if n := HelpFor(Parse("/help")).Notice; n != "" {
		t.Errorf("/help has a notice %q", n)
	}
}

func TestFootnoteMarkersShownAsLabels(t *testing.T) {
	r := Reply{Text: "»…untergeordnet werden müssen.«[^2] Und [^13].", Sources: []Source{{N: 1, Label: "¶12", Section: "S", Excerpt: "x[^2]"}}}
	if b := r.Body(); strings.Contains(b, "[^") || !strings.Contains(b, "müssen.«[Fn2] Und [Fn13].") || !strings.Contains(b, "„x[Fn2]“") {
		t.Errorf("body = %q", b)
	}
	if p := Preview("a[^1]"); p != "a[Fn1] ▍" {
		t.Errorf("preview = %q", p)
	}
}

// TestSplitTinyLimit: a character longer than the limit (an emoji is two
// UTF-16 units) becomes a part of its own instead of stalling the split.
func TestSplitTinyLimit(t *testing.T) {
	text := "a😀b 😀"
	done := make(chan []string, 1)
	go func() { done <- Split(text, 1) }()
	var parts []string
	select {
	case parts = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Split(…, 1) did not return")
	}
	if got := strings.Join(parts, ""); got != "a😀b😀" {
		t.Errorf("parts %q lose or add text", parts)
	}
	for _, p := range parts {
		if p == "" {
			t.Errorf("empty part in %q", parts)
		}
	}
}
