package answer

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/bot"
)

func TestCleanQuestion(t *testing.T) {
	long := strings.Repeat("Technofeudalismus und Big Tech ", 400) // 12,400 characters
	tests := []struct {
		name, in, want string
		wantErr        bool
		wantNotice     bool
	}{
		{name: "plain", in: "Was ist DOGE?", want: "Was ist DOGE?"},
		{name: "empty", in: "", wantErr: true},
		{name: "only white space", in: " \t\n\r\u00a0\u2028 ", wantErr: true},
		{name: "only punctuation", in: "?!…", wantErr: true},
		{name: "only control characters", in: "\x00\x1b\x7f", wantErr: true},
		{name: "only invalid UTF-8", in: "\xff\xfe\xc3", wantErr: true},
		{name: "white space collapsed", in: "  Was   ist\n\n\tDOGE? ", want: "Was ist DOGE?"},
		{name: "control characters dropped", in: "Was\x00 ist\x1b[31m DOGE?", want: "Was ist[31m DOGE?"},
		{name: "format characters dropped", in: "Tech\u200bno\u202efeudalismus", want: "Technofeudalismus"},
		{name: "invalid UTF-8 becomes a gap", in: "Big\xffTech", want: "Big Tech"},
		{name: "umlauts kept", in: "Was heißt Abhängigkeit?", want: "Was heißt Abhängigkeit?"},
		{name: "long cut with notice", in: long, wantNotice: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, notice, err := CleanQuestion(tt.in)
			if tt.wantErr {
				var ie *bot.InputError
				if !errors.As(err, &ie) {
					t.Fatalf("CleanQuestion(%q) error = %v, want *InputError", tt.in, err)
				}
				if !strings.Contains(ie.Msg, "Technofeudalismus") {
					t.Errorf("message %q gives no example of what to ask", ie.Msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("CleanQuestion(%q): %v", tt.in, err)
			}
			if !utf8.ValidString(q) {
				t.Errorf("result is not valid UTF-8: %q", q)
			}
			if tt.want != "" && q != tt.want {
				t.Errorf("CleanQuestion(%q) = %q, want %q", tt.in, q, tt.want)
			}
			if (notice != "") != tt.wantNotice {
				t.Errorf("notice = %q, want one: %v", notice, tt.wantNotice)
			}
			if tt.wantNotice {
				if n := utf8.RuneCountInString(q); n > bot.MaxQuestionRunes || n < bot.MaxQuestionRunes-40 {
					t.Errorf("cut question has %d runes, want a little under %d", n, bot.MaxQuestionRunes)
				}
				if !strings.HasPrefix(tt.in, q) || tt.in[len(q)] != ' ' {
					t.Errorf("question not cut at a word boundary: ...%q", q[len(q)-20:])
				}
				if !strings.Contains(notice, "Frage") {
					t.Errorf("German question got a notice not in German: %q", notice)
				}
			}
		})
	}
}

func TestCleanQuestionNoticeLanguage(t *testing.T) {
	_, notice, err := CleanQuestion(strings.Repeat("what does the author say about the state ", 40))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "question was longer") {
		t.Errorf("English question got notice %q", notice)
	}
}

func TestCleanQuestionGiantWord(t *testing.T) {
	q, notice, err := CleanQuestion(strings.Repeat("a", 10_000))
	if err != nil || notice == "" {
		t.Fatalf("err %v, notice %q", err, notice)
	}
	if n := utf8.RuneCountInString(q); n != bot.MaxQuestionRunes {
		t.Errorf("a word longer than the limit is cut to %d runes, want %d", n, bot.MaxQuestionRunes)
	}
}

func TestIsGerman(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"Was versteht der Autor unter Technofeudalismus?", true},
		{"Wer hat den Essay übersetzt?", true},
		{"Technofeudalismus", true},
		{"What does the author mean by technofeudalism?", false},
		{"Who translated the essay?", false},
		{"Is Trump a new Louis XIV?", false},
	} {
		if got := isGerman(tt.in); got != tt.want {
			t.Errorf("isGerman(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func BenchmarkCleanQuestion10k(b *testing.B) {
	s := strings.Repeat("Was meint Durand mit\tTechnofeudalismus?\x00 ", 250)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, _, err := CleanQuestion(s); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzCleanQuestion(f *testing.F) {
	for _, s := range []string{"Was ist DOGE?", " \x00 ", "\u202eabc", strings.Repeat("wort ", 400), "", "\xff", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, _, err := CleanQuestion(s)
		if err != nil {
			return
		}
		if q == "" || !utf8.ValidString(q) || utf8.RuneCountInString(q) > bot.MaxQuestionRunes {
			t.Fatalf("CleanQuestion(%q) = %q", s, q)
		}
		for _, r := range q {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				t.Fatalf("CleanQuestion(%q) kept control character %U", s, r)
			}
		}
	})
}
