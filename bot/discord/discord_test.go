package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
	"github.com/leviathan-bot/leviathan/bot/nettest"
	"github.com/leviathan-bot/leviathan/content"
)

func TestRegistration(t *testing.T) {
	t.Parallel()
	for _, guild := range []string{discordtest.DefaultGuildID, ""} {
		t.Run("guild="+guild, func(t *testing.T) {
			r := newRig(t, Config{GuildID: guild}, nil)
			cmds := r.srv.Commands(guild)
			var names []string
			for _, c := range cmds {
				names = append(names, c.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, []string{"ask", "help", "quote", "reading", "summary"}) {
				t.Fatalf("registered %v", names)
			}
			puts := 0
			for _, req := range r.srv.Requests() {
				if req.Method == "PUT" {
					puts++
				}
			}
			if puts != 1 {
				t.Errorf("%d bulk overwrites, want 1", puts)
			}
			for _, c := range cmds {
				switch c.Name {
				case "summary":
					if n := len(c.Options[0].Choices); n != len(content.Load().Sections)-1 { // not the notes
						t.Errorf("summary has %d section choices", n)
					}
				case "quote":
					if !c.Options[0].Autocomplete {
						t.Error("quote topic lacks autocomplete")
					}
				}
			}
		})
	}
}

func TestIdentifyCarriesShardAndIntents(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{ShardID: 1, ShardCount: 3, AllowDMs: true}, nil)
	id := r.srv.Identifies()[0]
	if id.Shard == nil || *id.Shard != [2]int{1, 3} {
		t.Errorf("shard = %v, want [1 3]", id.Shard)
	}
	want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if id.Intents != want {
		t.Errorf("intents = %b, want %b (no privileged intent unless asked)", id.Intents, want)
	}
	if ok, why := r.bot.Ready(); !ok {
		t.Errorf("not ready: %s", why)
	}
}

func TestAskDeferredThenStreamedWithCitations(t *testing.T) {
	t.Parallel()
	var rg *rig
	eng := &fakeEngine{ask: func(_ context.Context, r bot.Request) (bot.Answer, error) {
		// Like a model streaming: each piece is shown before the next comes.
		for _, text := range []string{"DOGE ist", "DOGE ist eine neue Behörde"} {
			r.OnText(text)
			rg.wait("the preview "+text, func() bool {
				for _, req := range rg.srv.Requests() {
					if req.Method == "PATCH" && strings.Contains(string(req.Raw), text+" ▍") && req.Status == 200 {
						return true
					}
				}
				return false
			})
		}
		a := citing("DOGE ist eine neue Behörde unter Musk [1].")
		a.Usage = &bot.Usage{PromptTokens: 40, CompletionTokens: 2, TotalTokens: 42}
		return a, nil
	}}
	r := newRig(t, Config{}, eng)
	rg = r
	ref := r.ask("Was ist DOGE?", "")
	m := r.final(ref, "unter Musk [1]")
	cbs := r.srv.Callbacks()
	if len(cbs) == 0 || cbs[0].Token != ref.Token || cbs[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("first callback %+v, want a deferral (type 5)", cbs)
	}
	for _, want := range []string{command.SourcesHeading, "[1] ¶4 · Tech-Oligarchen an der Macht — „Zwei Dekrete"} {
		if !strings.Contains(m.Content, want) {
			t.Errorf("answer lacks %q:\n%s", want, m.Content)
		}
	}
	if b := buttons(m); len(b) != 2 || !strings.HasPrefix(b[0], "fb:up:") || !strings.HasPrefix(b[1], "fb:down:") {
		t.Errorf("buttons = %v", b)
	}
	patches := func() (n int) {
		for _, req := range r.srv.Requests() {
			if req.Method == "PATCH" {
				n++
			}
		}
		return n
	}
	// Two previews and the final text (a request is listed once answered).
	r.wait("three edits", func() bool { return patches() >= 3 })
	edits := 0
	for _, req := range r.srv.Requests() {
		if req.Method == "PATCH" && strings.HasSuffix(req.Path, "/messages/@original") {
			edits++
			var e struct {
				AllowedMentions *struct{ Parse []string } `json:"allowed_mentions"`
			}
			if err := req.Decode(&e); err != nil || e.AllowedMentions == nil || e.AllowedMentions.Parse == nil {
				t.Errorf("edit without allowed_mentions parse []: %s", req.Raw)
			}
		}
	}
	if edits < 3 {
		t.Errorf("%d edits: the streamed text was never shown", edits)
	}
	r.wait("metrics", func() bool { return len(r.metrics.snapshot().questions) == 1 })
	if got := r.metrics.snapshot(); got.questions[0] != "ask/ok" || got.tokens != 42 {
		t.Errorf("metrics %+v", got)
	}
}

func TestQuoteAndAutocomplete(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	ref := r.srv.SendInteraction(discordtest.Interaction{Name: "quote", Options: []discordtest.CommandOption{discordtest.Str("topic", "¶4")}})
	m := r.final(ref, "**¶4** · Tech-Oligarchen an der Macht\n> Zwei Dekrete")
	if len(buttons(m)) != 0 {
		t.Errorf("quotes get no feedback buttons: %v", buttons(m))
	}
	typed := discordtest.Str("topic", "¶1")
	typed.Focused = true
	ac := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: "quote",
		Options: []discordtest.CommandOption{typed}})
	r.wait("choices", func() bool { return len(r.srv.Choices(ac.Token)) > 0 })
	for _, c := range r.srv.Choices(ac.Token) {
		if v, _ := c.Value.(string); !strings.HasPrefix(v, "¶1") {
			t.Errorf("choice %q does not start with ¶1", v)
		}
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	sections := make(chan string, 3)
	eng := &fakeEngine{summary: func(_ context.Context, s string, _ func(string)) (bot.Answer, error) {
		sections <- s
		if s == "Einleitung" { // a refusal only the engine can make
			return bot.Answer{}, &bot.InputError{Msg: "Diese Zusammenfassung geht gerade nicht."}
		}
		return citing("Der Abschnitt handelt von Dekreten [1]."), nil
	}}
	r := newRig(t, Config{}, eng)
	ref := r.srv.SendInteraction(discordtest.Interaction{Name: "summary", Options: []discordtest.CommandOption{discordtest.Str("section", "Tech-Oligarchen an der Macht")}})
	r.final(ref, "von Dekreten [1]")
	if got := <-sections; got != "Tech-Oligarchen an der Macht" {
		t.Errorf("engine got section %q", got)
	}
	// A section that does not exist is refused before the deferral, to the
	// asker alone; the engine never sees it.
	ref = r.srv.SendInteraction(discordtest.Interaction{Name: "summary", Options: []discordtest.CommandOption{discordtest.Str("section", "Kochen")}})
	if got := r.ephemeral(ref); !strings.Contains(got, "Einen Abschnitt „Kochen“ gibt es nicht") {
		t.Errorf("unknown section: %q", got)
	}
	// A refusal that comes after the deferral: the loading message goes
	// and the text is shown privately.
	ref = r.srv.SendInteraction(discordtest.Interaction{Name: "summary", Options: []discordtest.CommandOption{discordtest.Str("section", "Einleitung")}})
	if got := r.private(ref); got != "Diese Zusammenfassung geht gerade nicht." {
		t.Errorf("late refusal: %q", got)
	}
	if got := <-sections; got != "Einleitung" {
		t.Errorf("engine got section %q (Kochen must not reach it)", got)
	}
	cmds := r.srv.Commands(discordtest.DefaultGuildID)
	if cmds == nil {
		cmds = r.srv.Commands("")
	}
	for _, c := range cmds {
		if c.Name != "summary" {
			continue
		}
		for _, ch := range c.Options[0].Choices {
			if ch.Name == content.NotesSection {
				t.Errorf("the notes are offered as a section to summarize")
			}
		}
	}
}

func TestHelpIsEphemeral(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	if got := r.ephemeral(r.srv.SendInteraction(discordtest.Interaction{Name: "help"})); !strings.Contains(got, "/quote") {
		t.Errorf("help = %q", got)
	}
}

func TestMentionReplyAndReplyChainFollowUp(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	// A reply that does not ping the bot is readable only with
	// MESSAGE_CONTENT (the fake, like Discord, blanks it otherwise).
	r := newRig(t, Config{MessageContent: true}, eng)
	q := r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " was ist DOGE?"})
	var answer *discordgo.Message
	r.wait("the reply", func() bool {
		for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
			if m.Author.ID == discordtest.BotID && m.MessageReference != nil && m.MessageReference.MessageID == q.ID && len(buttons(m)) > 0 {
				answer = m
				return true
			}
		}
		return false
	})
	if !strings.Contains(answer.Content, "Antwort auf „was ist DOGE?“ [1].") {
		t.Errorf("reply = %q", answer.Content)
	}
	// The handler records its outcome after the last edit returns, so the
	// message can be visible before the metric is: wait for each one before
	// the next question, or the order below is a race.
	r.wait("the mention's metric", func() bool { return len(r.metrics.snapshot().questions) == 1 })
	// Replying to the answer, without mentioning the bot, asks a follow-up
	// whose history is the chain.
	r.srv.SendMessageCreate(discordtest.Message{Content: "und wer leitet es?", ReplyTo: answer.ID})
	r.wait("the follow-up", func() bool {
		for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
			if strings.Contains(m.Content, "Antwort auf „und wer leitet es?“") && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	want := []bot.Turn{{Question: "was ist DOGE?", Answer: "Antwort auf „was ist DOGE?“ [1]."}}
	if h := eng.history(1); !slices.Equal(h, want) {
		t.Errorf("follow-up history = %q, want %q", h, want)
	}
	r.wait("the follow-up's metric", func() bool { return len(r.metrics.snapshot().questions) == 2 })
	// One more level: the chain now holds two turns, oldest first.
	var second *discordgo.Message
	for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
		if strings.Contains(m.Content, "Antwort auf „und wer leitet es?“") {
			second = m
		}
	}
	r.srv.SendMessageCreate(discordtest.Message{Content: "und seit wann?", ReplyTo: second.ID})
	r.wait("the second follow-up", func() bool {
		for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
			if strings.Contains(m.Content, "Antwort auf „und seit wann?“") && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	want = append(want, bot.Turn{Question: "und wer leitet es?", Answer: "Antwort auf „und wer leitet es?“ [1]."})
	if h := eng.history(2); !slices.Equal(h, want) {
		t.Errorf("second follow-up history = %q, want %q", h, want)
	}
	r.wait("metrics", func() bool { return len(r.metrics.snapshot().questions) == 3 })
	if q := r.metrics.snapshot().questions; q[0] != "mention/ok" || q[1] != "followup/ok" || q[2] != "followup/ok" {
		t.Errorf("metrics %v", q)
	}
}

func TestThreadFollowUp(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
	q := r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " Was ist Technofeudalismus?"})
	var thread string
	r.wait("a thread", func() bool {
		for _, req := range r.srv.Requests() {
			if req.Method == "POST" && req.Path == "/channels/"+discordtest.DefaultChannelID+"/messages/"+q.ID+"/threads" && req.Status == 201 || req.Status == 200 && strings.HasSuffix(req.Path, "/threads") {
				thread = q.ID // Discord gives a thread started from a message that message's ID
				return true
			}
		}
		return false
	})
	threadMsgs := func() []*discordgo.Message { return r.srv.Messages(thread) }
	r.wait("the answer in the thread", func() bool {
		ms := threadMsgs()
		return len(ms) == 1 && len(buttons(ms[0])) > 0
	})
	if c := r.srv.Channel(thread); c == nil || c.Name != "Was ist Technofeudalismus?" {
		t.Errorf("thread = %+v", c)
	}
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "Und was folgt daraus?"})
	r.wait("the follow-up in the thread", func() bool {
		ms := threadMsgs()
		return len(ms) == 3 && strings.Contains(ms[2].Content, "Antwort auf „Und was folgt daraus?“") && len(buttons(ms[2])) > 0
	})
	want := []bot.Turn{{Question: "Was ist Technofeudalismus?", Answer: "Antwort auf „Was ist Technofeudalismus?“ [1]."}}
	if h := eng.history(1); !slices.Equal(h, want) {
		t.Errorf("thread history = %q, want %q", h, want)
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ein Satz über die Macht der Plattformen [1]. ", 120) // ~5400 chars
	eng := &fakeEngine{ask: func(context.Context, bot.Request) (bot.Answer, error) { return citing(long), nil }}
	r := newRig(t, Config{}, eng)
	ref := r.ask("Erklär alles", "")
	r.wait("all parts", func() bool {
		f := r.srv.Followups(ref.Token)
		return len(f) > 0 && len(buttons(f[len(f)-1])) == 2
	})
	parts := append([]*discordgo.Message{r.srv.Original(ref.Token)}, r.srv.Followups(ref.Token)...)
	if len(parts) != 3 {
		t.Errorf("%d messages, want 3", len(parts))
	}
	var all strings.Builder
	for i, p := range parts {
		if command.Len(p.Content) > command.MessageLimit {
			t.Errorf("part %d has %d characters", i, command.Len(p.Content))
		}
		if i < len(parts)-1 && len(buttons(p)) != 0 {
			t.Errorf("part %d has buttons", i)
		}
		if !strings.HasSuffix(p.Content, ".") && !strings.Contains(p.Content, command.SourcesHeading) {
			t.Errorf("part %d ends mid-sentence: …%q", i, p.Content[len(p.Content)-20:])
		}
		all.WriteString(p.Content + " ")
	}
	if strings.Count(all.String(), "Ein Satz") != 120 {
		t.Errorf("text lost or repeated in the split")
	}
}

// A runaway answer (100,000 characters were once 58 messages) becomes at
// most maxAnswerMessages, says it was cut, and keeps its sources.
func TestRunawayAnswerIsCapped(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ein Satz über die Macht der Plattformen [1]. ", 2300) // ~100,000 chars
	eng := &fakeEngine{ask: func(context.Context, bot.Request) (bot.Answer, error) { return citing(long), nil }}
	r := newRig(t, Config{}, eng)
	ref := r.ask("Erklär alles", "")
	r.wait("all parts", func() bool {
		f := r.srv.Followups(ref.Token)
		return len(f) > 0 && len(buttons(f[len(f)-1])) == 2
	})
	parts := append([]*discordgo.Message{r.srv.Original(ref.Token)}, r.srv.Followups(ref.Token)...)
	if len(parts) != maxAnswerMessages {
		t.Fatalf("%d messages, want %d", len(parts), maxAnswerMessages)
	}
	var all strings.Builder
	for i, p := range parts {
		if command.Len(p.Content) > command.MessageLimit {
			t.Errorf("part %d has %d characters", i, command.Len(p.Content))
		}
		all.WriteString(p.Content + "\n")
	}
	if !strings.Contains(all.String(), cutText) {
		t.Errorf("no note that the answer was cut")
	}
	if last := parts[len(parts)-1].Content; !strings.Contains(last, command.SourcesHeading) || !strings.Contains(last, "¶4") {
		t.Errorf("the sources are lost: last part %q", last)
	}
}

func TestFailuresNeverSilent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ask     func(context.Context, bot.Request) (bot.Answer, error)
		want    string
		outcome string
	}{
		{"llm down, extractive fallback", func(context.Context, bot.Request) (bot.Answer, error) {
			a := citing("Zwei Dekrete [1].")
			a.Fallback, a.Notice = "server_error", "Das Sprachmodell ist nicht erreichbar; die Antwort ist aus dem Essay zitiert."
			return a, nil
		}, "*Das Sprachmodell ist nicht erreichbar; die Antwort ist aus dem Essay zitiert.*", "fallback"},
		{"engine error", func(context.Context, bot.Request) (bot.Answer, error) { return bot.Answer{}, errLLMDown }, command.Apology, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{}, &fakeEngine{ask: tt.ask})
			ref := r.ask("Was ist DOGE?", "")
			var shown string
			if tt.outcome == "error" { // errors go to the asker alone
				shown = r.private(ref)
			} else {
				shown = r.final(ref, tt.want).Content
			}
			if !strings.Contains(shown, tt.want) || strings.Contains(shown, "connection refused") {
				t.Errorf("shown %q", shown)
			}
			r.wait("metrics", func() bool { return len(r.metrics.snapshot().questions) == 1 })
			if got := r.metrics.snapshot().questions[0]; got != "ask/"+tt.outcome {
				t.Errorf("outcome %s", got)
			}
			if strings.Contains(r.logs.String(), "connection refused") != (tt.outcome == "error") {
				t.Errorf("log:\n%s", r.logs)
			}
		})
	}
}

func TestDiscordErrorGivesApology(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	r.srv.FailNext("PATCH", "/webhooks/{app}/{token}/messages/@original", 500, 0)
	r.srv.FailNext("PATCH", "/webhooks/{app}/{token}/messages/@original", 500, 0)
	r.srv.FailNext("PATCH", "/webhooks/{app}/{token}/messages/@original", 500, 0)
	r.srv.FailNext("PATCH", "/webhooks/{app}/{token}/messages/@original", 500, 0)
	ref := r.ask("Was ist DOGE?", "")
	// The follow-up edits the still loading response, as on Discord.
	r.wait("the apology", func() bool {
		o := r.srv.Original(ref.Token)
		return o != nil && o.Content == command.Apology
	})
}

func TestRateLimitedEditIsRetried(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	r.srv.RateLimitNext("PATCH", "/webhooks/{app}/{token}/messages/@original", 1, 0.01)
	ref := r.ask("Was ist DOGE?", "")
	r.final(ref, "Antwort auf „Was ist DOGE?“")
	r.wait("the retried edit listed", func() bool {
		for _, req := range r.srv.Requests() {
			if req.Method == "PATCH" && req.Status == 200 {
				return true
			}
		}
		return false
	})
	var statuses []int
	for _, req := range r.srv.Requests() {
		if req.Method == "PATCH" {
			statuses = append(statuses, req.Status)
		}
	}
	if len(statuses) < 2 || statuses[0] != 429 || statuses[len(statuses)-1] != 200 {
		t.Errorf("edit statuses %v, want a 429 then a successful retry", statuses)
	}
}

func TestGatewayDropResumes(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	r.wait("the first heartbeat", func() bool { return r.srv.Heartbeats() > 0 })
	r.srv.DropConnection()
	r.wait("a resume", func() bool { return r.srv.Resumes() == 1 && r.srv.Connected() })
	r.final(r.ask("Noch da?", ""), "Antwort auf „Noch da?“")
	r.wait("the reconnect counted", func() bool { return r.metrics.snapshot().reconnects == 1 })
	if n := len(r.srv.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs: a dropped connection must resume, not re-identify", n)
	}
}

func TestQuestionTooLong(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{MaxQuestion: 20}, nil)
	if got := r.ephemeral(r.ask(strings.Repeat("lang ", 10), "")); !strings.Contains(got, "zu lang") {
		t.Errorf("reply = %q", got)
	}
}

func TestEveryoneInjectionPingsNobody(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{ask: func(_ context.Context, r bot.Request) (bot.Answer, error) {
		r.OnText("@everyone <@&123> streamt")
		return citing("@everyone @here <@&123> <@" + discordtest.DefaultUserID + "> wurden erwähnt [1]."), nil
	}}
	r := newRig(t, Config{}, eng)
	m := r.final(r.ask("@everyone was ist @here?", ""), "wurden erwähnt")
	if strings.Contains(m.Content, "@everyone") || !strings.Contains(m.Content, "@\u200deveryone") {
		t.Errorf("content = %q", m.Content)
	}
	mention := r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " @everyone hallo"})
	r.wait("the mention's reply", func() bool {
		for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
			if m.MessageReference != nil && m.MessageReference.MessageID == mention.ID && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	// Every request that carries content must say parse [] (the fake fails
	// the test on any that does not); check replied_user too.
	for _, req := range r.srv.Requests() {
		var body struct {
			Content         *string          `json:"content"`
			Data            *json.RawMessage `json:"data"`
			AllowedMentions *struct {
				Parse       []string `json:"parse"`
				RepliedUser bool     `json:"replied_user"`
			} `json:"allowed_mentions"`
		}
		if len(req.Raw) == 0 || json.Unmarshal(req.Raw, &body) != nil || body.Content == nil {
			continue
		}
		if body.AllowedMentions == nil || body.AllowedMentions.Parse == nil || len(body.AllowedMentions.Parse) != 0 || body.AllowedMentions.RepliedUser {
			t.Errorf("%s %s: allowed_mentions %s", req.Method, req.Path, req.Raw)
		}
	}
	if v := r.srv.Violations(); len(v) != 0 {
		t.Errorf("violations: %+v", v)
	}
}

func TestChannelNotAllowedIsIgnored(t *testing.T) {
	t.Parallel()
	const allowed = "800000000000000077"
	r := newRig(t, Config{AllowedChannels: []string{allowed}}, nil)
	r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " Was ist DOGE?"})
	// A message in the allowed channel, sent after, is a barrier: the
	// gateway is ordered, so when it is answered the first was received.
	r.srv.AddChannel(&discordgo.Channel{ID: allowed, GuildID: discordtest.DefaultGuildID, Type: discordgo.ChannelTypeGuildText})
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: allowed, Content: r.srv.BotMention() + " Und hier?"})
	r.wait("the answer in the allowed channel", func() bool {
		ms := r.srv.Messages(allowed)
		return len(ms) == 2 && len(buttons(ms[1])) > 0
	})
	// The first message was taken and refused without a word (its handler
	// runs on a goroutine of its own, so the answer above does not prove it).
	r.wait("the refusal counted", func() bool { return slices.Contains(r.metrics.snapshot().questions, "mention/rejected") })
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	// After Run returned, every handler that took the first message is done.
	if ms := r.srv.Messages(discordtest.DefaultChannelID); len(ms) != 1 {
		t.Errorf("the bot wrote in a channel it does not serve: %d messages", len(ms))
	}
	// A slash command there gets a short note rather than "interaction failed".
	r2 := newRig(t, Config{AllowedChannels: []string{allowed}}, nil)
	if got := r2.ephemeral(r2.ask("Was ist DOGE?", "")); got != notHereText {
		t.Errorf("slash command in a channel not served: %q", got)
	}
}

func TestRolesAndUsers(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{AllowedRoles: []string{"500"}, AllowedUsers: []string{"42"}}, nil)
	if got := r.ephemeral(r.ask("Darf ich?", "41")); got != notAllowedText {
		t.Errorf("stranger: %q", got)
	}
	r.final(r.ask("Darf ich?", "42"), "Darf ich?")
	ref := r.srv.SendInteraction(discordtest.Interaction{Name: "ask", Roles: []string{"500"},
		User:    &discordgo.User{ID: "43", Username: "member"},
		Options: []discordtest.CommandOption{discordtest.Str("question", "Mit Rolle?")}})
	r.final(ref, "Mit Rolle?")
}

func TestDMs(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{AllowDMs: false}, nil)
	if got := r.ephemeral(r.srv.SendInteraction(discordtest.Interaction{Name: "ask", DM: true,
		Options: []discordtest.CommandOption{discordtest.Str("question", "Hallo?")}})); got != noDMsText {
		t.Errorf("DM refused with %q", got)
	}
	r2 := newRig(t, Config{AllowDMs: true}, nil)
	r2.srv.SendMessageCreate(discordtest.Message{DM: true, Content: "Was ist DOGE?"})
	r2.wait("the DM answer", func() bool {
		for _, m := range r2.srv.Messages(discordtest.DefaultDMChannelID) {
			if m.Author.ID == discordtest.BotID && strings.Contains(m.Content, "Antwort auf „Was ist DOGE?“") {
				return true
			}
		}
		return false
	})
}

func TestIgnoresBotsAndItself(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{}, eng)
	r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " von einem Bot", Author: &discordgo.User{ID: "66", Username: "otherbot", Bot: true}})
	r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " von Alice"})
	r.wait("the answer to Alice", func() bool {
		for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
			if strings.Contains(m.Content, "von Alice") && m.Author.ID == discordtest.BotID && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(eng.histories); n != 1 {
		t.Errorf("engine asked %d times; the bot's message must be ignored", n)
	}
}

func TestFeedbackButton(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	ref := r.ask("Was ist DOGE?", "")
	m := r.final(ref, "Antwort")
	if len(buttons(m)) != 2 {
		t.Fatalf("buttons %v", buttons(m))
	}
	click := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: buttons(m)[1], MessageID: m.ID})
	if got := r.ephemeral(click); got != feedbackThanks {
		t.Errorf("ack = %q", got)
	}
	r.wait("the vote counted", func() bool { return slices.Equal(r.metrics.snapshot().feedback, []string{"down"}) })
	if !strings.Contains(r.logs.String(), "msg=feedback vote=down") {
		t.Errorf("feedback not logged:\n%s", r.logs)
	}
}

func TestConcurrencyCapMakesOthersWait(t *testing.T) {
	t.Parallel()
	eng, started, release := slowEngine("Erste")
	r := newRig(t, Config{MaxConcurrent: 1}, eng)
	first := r.ask("Erste", "1")
	if q := <-started; q != "Erste" {
		t.Fatalf("started %q", q)
	}
	second := r.ask("Zweite", "2")
	r.wait("the busy note", func() bool {
		m := r.srv.Original(second.Token)
		return m != nil && m.Content == busyText
	})
	close(release)
	r.final(first, "Antwort auf Erste")
	r.final(second, "Antwort auf Zweite")
}

func TestShutdownFinishesAnswersInFlight(t *testing.T) {
	t.Parallel()
	eng, started, release := slowEngine("Langsame Frage")
	r := newRig(t, Config{}, eng)
	ref := r.ask("Langsame Frage", "")
	<-started
	r.cancel()
	r.wait("not ready while shutting down", func() bool { _, why := r.bot.Ready(); return why == "shutting down" })
	late := r.ask("Zu spät", "9")
	if got := r.ephemeral(late); got != restartingText {
		t.Errorf("a question during shutdown got %q", got)
	}
	close(release)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if m := r.srv.Original(ref.Token); m == nil || !strings.Contains(m.Content, "Antwort auf Langsame Frage") {
		t.Errorf("answer in flight was not delivered: %+v", m)
	}
	// Run has closed the connection; the fake learns it from its read
	// loop, on a goroutine of its own.
	r.wait("the gateway closed", func() bool { return !r.srv.Connected() })
}

func TestShutdownTimeoutCancelsAnswers(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	eng := &fakeEngine{ask: func(ctx context.Context, r bot.Request) (bot.Answer, error) {
		started <- struct{}{}
		<-ctx.Done()
		return bot.Answer{}, ctx.Err()
	}}
	r := newRig(t, Config{ShutdownTimeout: 50e6}, eng)
	ref := r.ask("Hängt", "")
	<-started
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if got := r.private(ref); got != restartingText {
		t.Errorf("cancelled answer shows %q", got)
	}
}

func TestMessageContentRefused(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.WithoutMessageContentIntent())
	r := startRig(t, srv, Config{MessageContent: true}, nil)
	r.wait("a refusal and a retry", func() bool {
		_, why := r.bot.Ready()
		return len(srv.Identifies()) >= 2 && strings.Contains(why, "MESSAGE_CONTENT")
	})
	if !slices.Contains(srv.CloseCodes(), 4014) {
		t.Errorf("close codes %v", srv.CloseCodes())
	}
	if !strings.Contains(r.logs.String(), "Developer Portal") {
		t.Errorf("no hint in the log:\n%s", r.logs)
	}
}

func TestUnreachableDiscordKeepsRetrying(t *testing.T) {
	t.Parallel()
	// Discord answers 503 to the gateway lookup: Run must keep trying and
	// Ready must say why, not give up.
	attempts := make(chan struct{}, 100)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case attempts <- struct{}{}:
		default:
		}
		http.Error(w, `{"message": "upstream unavailable", "code": 0}`, http.StatusServiceUnavailable)
	}))
	defer down.Close()
	srv := discordtest.New(t)
	r := &rig{t: t, srv: srv, logs: &logBuffer{}, metrics: &fakeMetrics{}, done: make(chan error, 1)}
	b, err := New(Config{Token: "x", APIURL: down.URL, RetryMin: time.Millisecond, RetryMax: 2 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(r.logs, nil))}, command.NewHandler(&fakeEngine{}, command.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- b.Run(ctx) }()
	for range 3 {
		<-attempts
	}
	// The third attempt began after the second failed and was recorded.
	if ok, why := b.Ready(); ok || !strings.Contains(why, "couldn't connect to the Discord gateway") {
		t.Errorf("Ready() = %v, %q", ok, why)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
}

func TestMentionInsideForeignThreadRepliesThere(t *testing.T) {
	t.Parallel()
	const thread = "800000000000000099"
	r := newRig(t, Config{Threads: true, MessageContent: true}, nil)
	r.srv.AddChannel(&discordgo.Channel{ID: thread, GuildID: discordtest.DefaultGuildID, ParentID: discordtest.DefaultChannelID,
		Type: discordgo.ChannelTypeGuildPublicThread, Name: "Diskussion"})
	q := r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: r.srv.BotMention() + " Was ist DOGE?"})
	r.wait("the reply in the thread", func() bool {
		for _, m := range r.srv.Messages(thread) {
			if m.MessageReference != nil && m.MessageReference.MessageID == q.ID && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	for _, req := range r.srv.Requests() {
		if strings.HasSuffix(req.Path, "/threads") {
			t.Errorf("tried to open a thread inside a thread: %s %s", req.Method, req.Path)
		}
	}
}

// TestReplyChainIsFetched: Discord includes only the replied-to message in
// the event; the messages above it are fetched through REST.
func TestReplyChainIsFetched(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{MessageContent: true}, eng)
	ch := discordtest.DefaultChannelID
	q := r.srv.AddMessage(&discordgo.Message{ChannelID: ch, Content: r.srv.BotMention() + " Wer ist Cœuré?"})
	a := r.srv.AddMessage(&discordgo.Message{ChannelID: ch, Content: "Ein Ökonom [1].\n\n" + command.SourcesHeading + "\n[1] ¶6 …",
		Author:           &discordgo.User{ID: discordtest.BotID, Username: discordtest.BotName, Bot: true},
		MessageReference: &discordgo.MessageReference{MessageID: q.ID, ChannelID: ch}})
	r.srv.SendMessageCreate(discordtest.Message{Content: "Was sagt er?", ReplyTo: a.ID})
	r.wait("the follow-up", func() bool {
		for _, m := range r.srv.Messages(ch) {
			if strings.Contains(m.Content, "Antwort auf „Was sagt er?“") && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	want := []bot.Turn{{Question: "Wer ist Cœuré?", Answer: "Ein Ökonom [1]."}}
	if h := eng.history(0); !slices.Equal(h, want) {
		t.Errorf("history = %q, want %q (sources cut, mention stripped)", h, want)
	}
	fetched := false
	for _, req := range r.srv.Requests() {
		fetched = fetched || req.Method == "GET" && req.Path == "/channels/"+ch+"/messages/"+q.ID
	}
	if !fetched {
		t.Error("the question above the answer was not fetched")
	}
}

// guildWithBotRole sends the GUILD_CREATE that tells the bot its managed
// role (the role Discord makes for a bot, tagged with its ID), and waits
// until the bot knows it.
func (r *rig) guildWithBotRole(role string) {
	r.t.Helper()
	r.srv.Dispatch("GUILD_CREATE", map[string]any{"id": discordtest.DefaultGuildID, "name": "Lesekreis", "roles": []any{
		map[string]any{"id": "901", "name": "Mitglied", "permissions": "0", "managed": false},
		map[string]any{"id": role, "name": "Leviathan", "permissions": "0", "managed": true, "tags": map[string]any{"bot_id": discordtest.BotID}},
	}})
	r.wait("the bot's role", func() bool { return r.bot.selfRole(discordtest.DefaultGuildID) == role })
}

// replyTo waits for the bot's reply to message id in the default channel.
func (r *rig) replyTo(id string) *discordgo.Message {
	r.t.Helper()
	var reply *discordgo.Message
	r.wait("the reply to "+id, func() bool {
		for _, m := range r.srv.Messages(discordtest.DefaultChannelID) {
			if m.Author.ID == discordtest.BotID && m.MessageReference != nil && m.MessageReference.MessageID == id {
				reply = m
				return true
			}
		}
		return false
	})
	return reply
}

// TestMentionOfTheBotsRole: picking "@Leviathan" from the role list
// mentions the bot's managed role; that is a mention of the bot too.
func TestMentionOfTheBotsRole(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{MessageContent: true}, eng)
	r.guildWithBotRole("900")
	q := r.srv.SendMessageCreate(discordtest.Message{Content: "<@&900> Was ist DOGE?"})
	if got := r.replyTo(q.ID).Content; !strings.Contains(got, "Antwort auf „Was ist DOGE?“") {
		t.Errorf("reply = %q", got)
	}
	// Another role is no mention of the bot.
	r.srv.SendMessageCreate(discordtest.Message{Content: "<@&901> Wer kommt morgen?"})
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(eng.histories); n != 1 {
		t.Errorf("engine asked %d times, want 1", n)
	}
}

// TestUnreadableMessageGetsAHint: without MESSAGE_CONTENT, Discord blanks a
// reply to the bot that does not ping it, and a mention of its role; the
// user learns how to be heard instead of meeting silence.
func TestUnreadableMessageGetsAHint(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{}, eng)
	r.guildWithBotRole("900")
	q := r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " Was ist DOGE?"})
	answer := r.replyTo(q.ID)
	for _, content := range []string{"und wer leitet es?", "<@&900> und seit wann?"} {
		in := discordtest.Message{Content: content}
		if !strings.HasPrefix(content, "<@&") {
			in.ReplyTo = answer.ID // a reply with the @ ping switched off
		}
		m := r.srv.SendMessageCreate(in)
		if got := r.replyTo(m.ID).Content; got != unreadableText {
			t.Errorf("%q: reply %q", content, got)
		}
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(eng.histories); n != 1 {
		t.Errorf("engine asked %d times, want 1 (the readable mention)", n)
	}
}

// Behind a REST proxy, /readyz must name the origin the bot really dialled,
// not the https://discord.com that discordgo asked for before the rewrite.
func TestReadyNamesTheConfiguredOrigin(t *testing.T) {
	t.Parallel()
	origin := "http://" + nettest.RefusedAddr(t) // connection refused
	b, err := New(Config{Token: "x", APIURL: origin, RetryMin: time.Millisecond, RetryMax: 2 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}, command.NewHandler(&fakeEngine{}, command.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	failed := make(chan string, 1)
	b.onStateChange = func() {
		if ok, why := b.Ready(); !ok && strings.Contains(why, "couldn't connect") {
			select {
			case failed <- why:
			default:
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	why := <-failed
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why, origin) || strings.Contains(why, "discord.com") {
		t.Errorf("Ready reason = %q, want it to name %s and not discord.com", why, origin)
	}
}
