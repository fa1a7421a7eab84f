package discord

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/content"
)

func TestOriginRewrite(t *testing.T) {
	var got []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.RequestURI())
	}))
	defer up.Close()
	tests := []struct {
		origin, url, want string
	}{
		{up.URL, "https://discord.com/api/v9/gateway", "/api/v9/gateway"},
		{up.URL + "/proxy/", "https://discord.com/api/v9/channels/1/messages?limit=2", "/proxy/api/v9/channels/1/messages?limit=2"},
		{up.URL, up.URL + "/elsewhere", "/elsewhere"}, // other hosts are left alone
	}
	for _, tt := range tests {
		got = nil
		c, _, err := newHTTPClient(tt.origin, Config{HTTPTimeout: 5e9})
		if err != nil {
			t.Fatal(err)
		}
		if c.Timeout != 5e9 {
			t.Errorf("timeout %v", c.Timeout)
		}
		resp, err := c.Get(tt.url)
		if err != nil {
			t.Fatalf("%s via %s: %v", tt.url, tt.origin, err)
		}
		resp.Body.Close()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s via %s reached %v, want %s", tt.url, tt.origin, got, tt.want)
		}
	}
	if _, _, err := newHTTPClient("ftp://x", Config{}); err == nil {
		t.Error("an ftp origin was accepted")
	}
}

func TestLabelChoices(t *testing.T) {
	essay := content.Load()
	tests := []struct {
		typed     string
		wantFirst string
		check     func(value string) bool
	}{
		{"", "¶1", func(string) bool { return true }},
		{"¶1", "¶1", func(v string) bool { return strings.HasPrefix(v, "¶1") }},
		{"Libra", "Libra", func(v string) bool {
			p, ok := essay.Lookup(v)
			return v == "Libra" || ok && strings.Contains(p.Text, "Libra")
		}},
	}
	for _, tt := range tests {
		cs := labelChoices(essay, tt.typed)
		if len(cs) == 0 || len(cs) > maxChoices {
			t.Fatalf("%q: %d choices", tt.typed, len(cs))
		}
		if cs[0].Value != tt.wantFirst {
			t.Errorf("%q: first choice %v, want %s", tt.typed, cs[0].Value, tt.wantFirst)
		}
		for _, c := range cs {
			v := c.Value.(string)
			if len([]rune(c.Name)) > maxChoiceName || len([]rune(v)) > maxChoiceName || !tt.check(v) {
				t.Errorf("%q: bad choice %q = %q", tt.typed, c.Name, v)
			}
		}
	}
}

func TestStripMention(t *testing.T) {
	for in, want := range map[string]string{
		"<@42> was ist DOGE?":        " was ist DOGE?",
		"<@!42>frage <@7> auch":      "frage <@7> auch",
		"keine Erwähnung":            "keine Erwähnung",
		"<@42><@42> doppelt <@421>":  " doppelt <@421>",
		"<@&900> über die Rolle":     " über die Rolle",
		"<@&42> fremde Rolle":        "<@&42> fremde Rolle", // a role with the bot's user ID is not the bot
		"<@900> Nutzer, nicht Rolle": "<@900> Nutzer, nicht Rolle",
	} {
		if got := stripMention(in, "42", "900"); got != want {
			t.Errorf("stripMention(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestThreadMemoryIsBounded(t *testing.T) {
	tm := newThreadMemory(2)
	a := tm.add("a")
	tm.add("b")
	tm.add("c")
	if tm.get("a") != nil || tm.get("b") == nil || tm.get("c") == nil {
		t.Error("the oldest thread was not forgotten first")
	}
	for i := range maxThreadTurns + 2 {
		a.remember(bot.Turn{Question: strings.Repeat("?", i+1)})
	}
	turns := a.turnsOr(nil) // opened by the bot: nothing to load
	if len(turns) != maxThreadTurns || turns[len(turns)-1].Question != strings.Repeat("?", maxThreadTurns+2) {
		t.Errorf("turns = %v", turns)
	}
}

func TestCooldownText(t *testing.T) {
	for wait, want := range map[time.Duration]string{
		300 * time.Millisecond:  "in einer Sekunde wieder fragen. (Please wait a second ",
		9500 * time.Millisecond: "in 10 Sekunden wieder fragen. (Please wait 10 seconds ",
		time.Hour - time.Second: "in 60 Minuten wieder fragen. (Please wait 60 minutes ",
		91 * time.Second:        "in 2 Minuten",
	} {
		if got := cooldownText(wait); !strings.Contains(got, want) {
			t.Errorf("cooldownText(%v) = %q, want %q", wait, got, want)
		}
	}
}

func TestMessagesAreCapped(t *testing.T) {
	src := func(n int) []command.Source {
		var ss []command.Source
		for i := range n {
			ss = append(ss, command.Source{N: i + 1, Label: "¶4", Section: "Einleitung", Excerpt: strings.Repeat("Wort ", 30)})
		}
		return ss
	}
	sentence := "Ein Satz über die Macht der Plattformen [1]. "
	tests := []struct {
		name        string
		r           command.Reply
		want        int
		cut, hasSrc bool
	}{
		{"short", command.Reply{Text: "Kurz [1].", Sources: src(1)}, 1, false, true},
		{"exactly the cap", command.Reply{Text: strings.Repeat(sentence, 40*5-5)}, 5, false, false},
		{"long, no sources", command.Reply{Text: strings.Repeat(sentence, 2300)}, 5, true, false},
		{"long, with sources", command.Reply{Text: strings.Repeat(sentence, 2300), Sources: src(3)}, 5, true, true},
		// Sources that would fill every message are dropped; the text stays.
		{"long, sources too long to keep", command.Reply{Text: strings.Repeat(sentence, 2300), Sources: src(60)}, 5, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := messages(tt.r, command.MessageLimit, 5)
			all := strings.Join(parts, "\n")
			if len(parts) != tt.want {
				t.Errorf("%d messages, want %d", len(parts), tt.want)
			}
			for i, p := range parts {
				if command.Len(p) > command.MessageLimit {
					t.Errorf("part %d has %d characters", i, command.Len(p))
				}
			}
			if got := strings.Contains(all, cutText); got != tt.cut {
				t.Errorf("cut note shown = %v, want %v", got, tt.cut)
			}
			if got := strings.Contains(all, command.SourcesHeading); got != tt.hasSrc {
				t.Errorf("sources shown = %v, want %v", got, tt.hasSrc)
			}
			if !strings.HasPrefix(parts[0], "Ein Satz") && !strings.HasPrefix(parts[0], "Kurz") {
				t.Errorf("the answer's beginning is lost: %q", parts[0][:20])
			}
		})
	}
}
