package discordtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

var noPing = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

func ptr[T any](v T) *T { return &v }

// session returns a discordgo session wired to srv, not yet open.
func session(t *testing.T, srv *Server, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = srv.HTTPClient()
	s.Identify.Intents = intents
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// connected returns an open session after READY and its first heartbeat,
// so that a test may drop or close the connection without racing
// discordgo's heartbeat goroutine.
func connected(t *testing.T, srv *Server, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	s := session(t, srv, intents)
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := srv.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(ctxT(t), func() bool { return srv.Heartbeats() > 0 }); err != nil {
		t.Fatalf("first heartbeat: %v", err)
	}
	return s
}

// finished wraps an event handler so that the test's cleanup, before it
// closes the session and the fake, waits for every call to return. A test
// that has seen a handler's last request take effect may end while the
// answer to it is still on its way; closing the fake then would fail that
// request, and the handler's t.Errorf would come after the test ended.
func finished[E any](t *testing.T, h func(*discordgo.Session, E)) func(*discordgo.Session, E) {
	var calls sync.WaitGroup
	t.Cleanup(calls.Wait)
	return func(s *discordgo.Session, e E) {
		calls.Add(1)
		defer calls.Done()
		h(s, e)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return -1
}

func TestHandshake(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := session(t, srv, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent)
	readies := make(chan *discordgo.Ready, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { readies <- r })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	r := <-readies
	if r.User.ID != BotID || !r.User.Bot || r.SessionID == "" {
		t.Errorf("READY = user %+v session %q", r.User, r.SessionID)
	}
	id, err := srv.WaitIdentify(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if id.Token != "Bot "+Token || id.Intents != discordgo.IntentsGuildMessages|discordgo.IntentMessageContent || id.Shard != nil {
		t.Errorf("IDENTIFY = %+v", id)
	}
	u, err := s.User("@me")
	if err != nil || u.ID != BotID {
		t.Errorf("GET /users/@me = %+v, %v", u, err)
	}
	if _, err := s.RequestWithBucketID("GET", discordgo.EndpointAPI+"nowhere", nil, ""); restCode(err) != 0 || !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown route: %v", err)
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	srv := New(t, WithToken("other"))
	s := session(t, srv, discordgo.IntentsGuilds)
	err := s.Open()
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Open with a wrong token = %v, want 401 on GET /gateway", err)
	}
}

func TestDisallowedIntentCloses4014(t *testing.T) {
	t.Parallel()
	srv := New(t, WithoutMessageContentIntent())
	s := session(t, srv, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent)
	err := s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4014 {
		t.Fatalf("Open = %v, want close 4014", err)
	}
	if got := srv.CloseCodes(); len(got) != 1 || got[0] != 4014 {
		t.Errorf("CloseCodes = %v", got)
	}
	if srv.Readies() != 0 {
		t.Error("READY sent despite the refused intent")
	}
}

func TestSlashCommandDeferThenEdit(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	got := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(finished(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		got <- i
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Errorf("defer: %v", err)
		}
		for _, text := range []string{"Durand …", "Durand beschreibt [1]."} {
			if _, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr(text), AllowedMentions: noPing}); err != nil {
				t.Errorf("edit: %v", err)
			}
		}
	}))
	ref := srv.SendInteraction(Interaction{Name: "ask", Options: []CommandOption{Str("question", "Was ist DOGE?")}, Roles: []string{"7"}, Permissions: 1 << 11})
	i := <-got
	d := i.ApplicationCommandData()
	if d.Name != "ask" || d.Options[0].StringValue() != "Was ist DOGE?" || i.Member.User.ID != DefaultUserID ||
		i.Member.Permissions != 1<<11 || i.AppPermissions == 0 || i.Token != ref.Token || i.GuildID != DefaultGuildID {
		t.Errorf("interaction = %+v data %+v", i.Interaction, d)
	}
	err := srv.Wait(ctxT(t), func() bool { m := srv.Original(ref.Token); return m != nil && m.Content == "Durand beschreibt [1]." })
	if err != nil {
		t.Fatal(err)
	}
	if m := srv.Original(ref.Token); m.Flags&discordgo.MessageFlagsLoading != 0 || m.EditedTimestamp == nil {
		t.Errorf("original after edit = %+v", m)
	}
	if cb := srv.Callbacks(); len(cb) != 1 || cb[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callbacks = %+v", cb)
	}
	// The response is a message in the channel, so a reply chain can fetch it.
	orig := srv.Original(ref.Token)
	if m, err := s.ChannelMessage(DefaultChannelID, orig.ID); err != nil || m.Content != orig.Content {
		t.Errorf("GET message = %+v, %v", m, err)
	}
	// A second callback and an unknown token fail as on Discord.
	if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 5}); restCode(err) != 40060 {
		t.Errorf("second callback: %v, want 40060", err)
	}
	bad := *i.Interaction
	bad.Token = "nope"
	if err := s.InteractionRespond(&bad, &discordgo.InteractionResponse{Type: 5}); restCode(err) != 10062 {
		t.Errorf("unknown token: %v, want 10062", err)
	}
	if v := srv.Violations(); len(v) != 0 {
		t.Errorf("violations: %+v", v)
	}
}

func TestUnimplementedDiscordRouteIsReported(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{T: t}
	srv := New(rec)
	s := session(t, srv, 0)
	// Pinning is a Discord route the fake does not serve.
	err := s.ChannelMessagePin(DefaultChannelID, "1")
	if !strings.Contains(fmt.Sprint(err), "404") {
		t.Errorf("pin: %v, want 404", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 {
		t.Errorf("the fake reported %d errors, want 1", len(rec.errs))
	}
}

func TestAutocompleteComponentAndDM(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	got := make(chan *discordgo.Interaction, 3)
	s.AddHandler(finished(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		got <- i.Interaction
		var r *discordgo.InteractionResponse
		switch i.Type {
		case discordgo.InteractionApplicationCommandAutocomplete:
			r = &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "¶12", Value: "¶12"}}}}
		case discordgo.InteractionMessageComponent:
			r = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "Danke!", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPing}}
		default:
			r = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "Hilfe", AllowedMentions: noPing}}
		}
		if err := s.InteractionRespond(i.Interaction, r); err != nil {
			t.Errorf("respond: %v", err)
		}
	}))
	ac := srv.SendInteraction(Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: "quote",
		Options: []CommandOption{{Name: "topic", Type: discordgo.ApplicationCommandOptionString, Value: "¶1", Focused: true}}})
	if i := <-got; !i.ApplicationCommandData().Options[0].Focused {
		t.Error("focused option lost")
	}
	answer := srv.AddMessage(&discordgo.Message{Author: srv.botUser(), Content: "Antwort"})
	btn := srv.SendInteraction(Interaction{Type: discordgo.InteractionMessageComponent, CustomID: "vote:up", MessageID: answer.ID})
	if i := <-got; i.MessageComponentData().CustomID != "vote:up" || i.Message == nil || i.Message.ID != answer.ID {
		t.Errorf("component interaction = %+v", i)
	}
	dm := srv.SendInteraction(Interaction{Name: "help", DM: true})
	if i := <-got; i.User == nil || i.Member != nil || i.GuildID != "" {
		t.Errorf("DM interaction = %+v", i)
	}
	err := srv.Wait(ctxT(t), func() bool { return len(srv.Callbacks()) == 3 })
	if err != nil {
		t.Fatal(err)
	}
	if c := srv.Choices(ac.Token); len(c) != 1 || c[0].Name != "¶12" {
		t.Errorf("choices = %+v", c)
	}
	// Answering a click with a new (ephemeral) message makes that message
	// @original; the clicked answer stays as it was.
	if m := srv.Original(btn.Token); m == nil || m.ID == answer.ID || m.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("@original after the click = %+v", m)
	}
	if ms := srv.Messages(DefaultChannelID); len(ms) != 1 || ms[0].Content != "Antwort" {
		t.Errorf("channel = %+v, want only the answer (ephemeral replies are not channel messages)", ms)
	}
	if m := srv.Original(dm.Token); m == nil || m.Content != "Hilfe" || m.ChannelID != DefaultDMChannelID {
		t.Errorf("DM original = %+v", m)
	}
}

func TestRateLimitThenRetry(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	ch := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { ch <- i.Interaction })
	srv.SendInteraction(Interaction{Name: "ask"})
	i := <-ch
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{Type: 5}); err != nil {
		t.Fatal(err)
	}
	const pattern = "/webhooks/{app}/{token}/messages/@original"
	srv.RateLimitNext(http.MethodPatch, pattern, 1, 0.01)
	if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("x"), AllowedMentions: noPing}); err != nil {
		t.Fatalf("edit after 429: %v", err)
	}
	var statuses []int
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPatch && matchPath(pattern, r.Path) {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 200 {
		t.Errorf("PATCH statuses = %v, want [429 200]", statuses)
	}
	srv.RateLimitNext(http.MethodPatch, pattern, 1, 2.5)
	_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("y"), AllowedMentions: noPing}, discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 2500*time.Millisecond || rl.Message != "You are being rate limited." {
		t.Errorf("without retry: %v", err)
	}
	srv.FailNext(http.MethodPost, "/channels/*/messages", 403, 50013)
	_, err = s.ChannelMessageSendComplex(DefaultChannelID, &discordgo.MessageSend{Content: "z", AllowedMentions: noPing})
	if restCode(err) != 50013 {
		t.Errorf("FailNext: %v", err)
	}
}

func TestDropThenResume(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	got := make(chan string, 2)
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i.ApplicationCommandData().Name })
	srv.DropConnection()
	// Sent while the bot is away: it must arrive through the replay on RESUME.
	srv.SendInteraction(Interaction{Name: "summary"})
	if err := srv.Wait(ctxT(t), func() bool { return srv.Resumes() == 1 && srv.Connected() }); err != nil {
		t.Fatal(err)
	}
	if name := <-got; name != "summary" {
		t.Errorf("replayed %q", name)
	}
	srv.SendInteraction(Interaction{Name: "help"})
	if name := <-got; name != "help" {
		t.Errorf("after resume got %q", name)
	}
	if srv.Readies() != 1 || len(srv.Identifies()) != 1 {
		t.Errorf("resume re-identified: readies %d identifies %d", srv.Readies(), len(srv.Identifies()))
	}
}

func TestMessagesRepliesAndThreads(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		intents discordgo.Intent
		content string // what the bot sees of a thread message without mention
	}{
		{"with MESSAGE_CONTENT", discordgo.IntentsGuildMessages | discordgo.IntentMessageContent, "und weiter?"},
		{"without MESSAGE_CONTENT", discordgo.IntentsGuildMessages, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := New(t)
			s := connected(t, srv, tc.intents)
			msgs := make(chan *discordgo.Message, 4)
			s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m.Message })
			q := srv.SendMessageCreate(Message{Content: srv.BotMention() + " was ist DOGE?"})
			m := <-msgs
			if m.Content != q.Content || len(m.Mentions) != 1 || m.Mentions[0].ID != BotID {
				t.Errorf("mention message = %+v", m)
			}
			reply, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{Content: "DOGE [1]", AllowedMentions: noPing, Reference: m.Reference()})
			if err != nil {
				t.Fatal(err)
			}
			if own := <-msgs; own.ID != reply.ID || own.Author.ID != BotID || own.ReferencedMessage == nil {
				t.Errorf("bot's own MESSAGE_CREATE = %+v", own)
			}
			th, err := s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{Name: "DOGE", AutoArchiveDuration: 60})
			if err != nil || th.ParentID != DefaultChannelID || th.ID != m.ID {
				t.Fatalf("thread = %+v, %v", th, err)
			}
			follow := srv.SendMessageCreate(Message{ChannelID: th.ID, Content: "und weiter?", ReplyTo: ""})
			if got := <-msgs; got.ID != follow.ID || got.Content != tc.content || got.ChannelID != th.ID {
				t.Errorf("thread message = %+v, want content %q", got, tc.content)
			}
			// A reply to the bot's answer references it, and the chain can be fetched.
			r2 := srv.SendMessageCreate(Message{Content: srv.BotMention() + " warum?", ReplyTo: reply.ID})
			got := <-msgs
			if got.ID != r2.ID || got.ReferencedMessage == nil || got.ReferencedMessage.Content != "DOGE [1]" {
				t.Errorf("reply = %+v", got)
			}
			prev, err := s.ChannelMessage(DefaultChannelID, got.MessageReference.MessageID)
			if err != nil || prev.ReferencedMessage == nil || prev.ReferencedMessage.ID != q.ID {
				t.Errorf("fetched referenced message = %+v, %v", prev, err)
			}
			if _, err := s.ChannelMessage(DefaultChannelID, "1"); restCode(err) != 10008 {
				t.Errorf("unknown message: %v", err)
			}
			if err := s.ChannelTyping(th.ID); err != nil {
				t.Errorf("typing: %v", err)
			}
		})
	}
}

func TestValidationRejectsWhatDiscordRejects(t *testing.T) {
	t.Parallel()
	srv := New(t, AllowViolations())
	s := session(t, srv, 0)
	long := strings.Repeat("a", 2001)
	bigEmbeds := []*discordgo.MessageEmbed{{Description: strings.Repeat("b", 4000)}, {Description: strings.Repeat("c", 2001)}}
	post := func(body any) error {
		_, err := s.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(DefaultChannelID), body, "")
		return err
	}
	for _, tc := range []struct {
		name   string
		send   func() error
		status int    // 0 = accepted
		kind   string // the violation recorded
	}{
		{"content 2001 chars", func() error {
			return post(&discordgo.MessageSend{Content: long, AllowedMentions: noPing})
		}, 400, "limit"},
		{"embeds over 6000 in all", func() error {
			return post(&discordgo.MessageSend{Embeds: bigEmbeds, AllowedMentions: noPing})
		}, 400, "limit"},
		{"content of the wrong type", func() error {
			return post(map[string]any{"content": 5})
		}, 400, "spec"},
		{"no allowed_mentions", func() error {
			return post(&discordgo.MessageSend{Content: "@everyone"})
		}, 0, "mentions"},
		{"parse null", func() error {
			return post(&discordgo.MessageSend{Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{}})
		}, 0, "mentions"},
		{"uppercase command", func() error {
			_, err := s.ApplicationCommandBulkOverwrite(AppID, DefaultGuildID, []*discordgo.ApplicationCommand{{Name: "Ask", Description: "x"}})
			return err
		}, 400, "limit"},
		{"empty description", func() error {
			_, err := s.ApplicationCommandBulkOverwrite(AppID, "", []*discordgo.ApplicationCommand{{Name: "ask"}})
			return err
		}, 400, "limit"},
		{"safe message", func() error {
			return post(&discordgo.MessageSend{Content: "@everyone", AllowedMentions: noPing})
		}, 0, ""},
	} {
		before := len(srv.Violations())
		err := tc.send()
		if tc.status == 0 && err != nil {
			t.Errorf("%s: %v, want accepted", tc.name, err)
		}
		if tc.status != 0 && (restCode(err) != 50035 || !strings.Contains(err.Error(), "400")) {
			t.Errorf("%s: %v, want 400 with 50035", tc.name, err)
		}
		v := srv.Violations()[before:]
		if tc.kind == "" && len(v) != 0 || tc.kind != "" && (len(v) != 1 || v[0].Kind != tc.kind) {
			t.Errorf("%s: violations %+v, want one of kind %q", tc.name, v, tc.kind)
		}
	}
	cmds := []*discordgo.ApplicationCommand{{Name: "ask", Description: "Frage zum Essay", Options: []*discordgo.ApplicationCommandOption{
		{Name: "question", Description: "Die Frage", Type: discordgo.ApplicationCommandOptionString, Required: true}}}}
	if _, err := s.ApplicationCommandBulkOverwrite(AppID, DefaultGuildID, cmds); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands(DefaultGuildID); len(got) != 1 || got[0].Name != "ask" || got[0].ID == "" {
		t.Errorf("Commands = %+v", got)
	}
}

func TestConcurrentAnswers(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	s.AddHandler(finished(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 5}); err != nil {
			t.Errorf("defer: %v", err)
			return
		}
		_, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr("Antwort [1]"), AllowedMentions: noPing,
			Embeds: &[]*discordgo.MessageEmbed{{Title: "Quellen", Fields: []*discordgo.MessageEmbedField{{Name: "[1] ¶12", Value: "„Technofeudalismus …“"}}}},
			Components: &[]discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{CustomID: "vote:up", Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton},
				discordgo.Button{CustomID: "vote:down", Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton},
			}}}})
		if err != nil {
			t.Errorf("edit: %v", err)
		}
		if _, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "Teil 2", AllowedMentions: noPing}); err != nil {
			t.Errorf("follow-up: %v", err)
		}
	}))
	const n = 20
	var refs []InteractionRef
	for range n {
		refs = append(refs, srv.SendInteraction(Interaction{Name: "ask", Options: []CommandOption{Str("question", "Was ist DOGE?")}}))
	}
	err := srv.Wait(ctxT(t), func() bool {
		for _, r := range refs {
			if m := srv.Original(r.Token); m == nil || m.Content == "" || len(srv.Followups(r.Token)) == 0 {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Original(refs[0].Token)
	if len(m.Embeds) != 1 || len(m.Components) != 1 {
		t.Errorf("original = %+v", m)
	}
	if v := srv.Violations(); len(v) != 0 {
		t.Errorf("violations: %+v", v)
	}
}

// TestRequestListedOnceItsEffectShows: a route changes the fake's state
// before the middleware lists its request; a test that has seen the effect
// (here the edited @original) must find the request in Requests.
func TestRequestListedOnceItsEffectShows(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	ch := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { ch <- i.Interaction })
	ref := srv.SendInteraction(Interaction{Name: "ask"})
	i := <-ch
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{Type: 5}); err != nil {
		t.Fatal(err)
	}
	for n := range 50 {
		text := fmt.Sprintf("Stand %d", n)
		done := make(chan error, 1)
		go func() {
			_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr(text), AllowedMentions: noPing})
			done <- err
		}()
		if err := srv.Wait(ctxT(t), func() bool { m := srv.Original(ref.Token); return m != nil && m.Content == text }); err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, r := range srv.Requests() {
			listed = listed || r.Method == http.MethodPatch && strings.Contains(string(r.Raw), `"`+text+`"`) && r.Status == 200
		}
		if !listed {
			t.Fatalf("edit %d shows in @original but is not in Requests", n)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkValidateEdit measures the OpenAPI check of one @original edit.
func BenchmarkValidateEdit(b *testing.B) {
	if _, err := loadSpec(); err != nil {
		b.Fatal(err)
	}
	raw := []byte(`{"content":"Antwort [1]","allowed_mentions":{"parse":[]},"embeds":[{"title":"Quellen","description":"x"}]}`)
	r, _ := http.NewRequest(http.MethodPatch, "http://127.0.0.1/api/v9/webhooks/1/tok/messages/@original", nil)
	r.Header.Set("Content-Type", "application/json")
	req := Request{Method: r.Method, Path: "/webhooks/1/tok/messages/@original", Raw: raw}
	b.ResetTimer()
	for b.Loop() {
		if err := validateSpec(r, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadSpec measures what the first New of a process pays.
func BenchmarkLoadSpec(b *testing.B) {
	for b.Loop() {
		if _, _, err := parseSpec(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLateCallbackIsUnknown(t *testing.T) {
	t.Parallel()
	// Any callback comes more than a nanosecond after the event: like a bot
	// that answers after Discord's 3 seconds.
	srv := New(t, WithResponseDeadline(time.Nanosecond))
	s := connected(t, srv, discordgo.IntentsGuilds)
	errs := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		errs <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 5})
	})
	srv.SendInteraction(Interaction{Name: "ask"})
	if err := <-errs; restCode(err) != 10062 {
		t.Errorf("late callback: %v, want 10062", err)
	}
}

func TestReconnectAndCloseCodeResume(t *testing.T) {
	t.Parallel()
	srv := New(t)
	connected(t, srv, discordgo.IntentsGuilds)
	srv.Reconnect()
	if err := srv.Wait(ctxT(t), func() bool { return srv.Resumes() == 1 && srv.Connected() && srv.Heartbeats() > 0 }); err != nil {
		t.Fatalf("after op 7: %v", err)
	}
	srv.CloseWith(4000)
	if err := srv.Wait(ctxT(t), func() bool { return srv.Resumes() == 2 && srv.Connected() }); err != nil {
		t.Fatalf("after close 4000: %v", err)
	}
	if c := srv.CloseCodes(); len(c) != 1 || c[0] != 4000 {
		t.Errorf("close codes %v", c)
	}
}

func TestButtonUpdatesMessage(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	s.AddHandler(finished(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Antwort ✓", AllowedMentions: noPing, Components: []discordgo.MessageComponent{}}})
		if err != nil {
			t.Errorf("update: %v", err)
		}
	}))
	answer := srv.AddMessage(&discordgo.Message{Author: srv.botUser(), Content: "Antwort", Components: []discordgo.MessageComponent{
		&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.Button{CustomID: "vote:up", Label: "👍"}}}}})
	ref := srv.SendInteraction(Interaction{Type: discordgo.InteractionMessageComponent, CustomID: "vote:up", MessageID: answer.ID})
	if err := srv.Wait(ctxT(t), func() bool { return len(srv.Callbacks()) == 1 }); err != nil {
		t.Fatal(err)
	}
	if cb := srv.Callbacks()[0]; cb.Data.Content != "Antwort ✓" || cb.Token != ref.Token {
		t.Errorf("callback = %+v", cb)
	}
	if ms := srv.Messages(DefaultChannelID); len(ms) != 1 || ms[0].Content != "Antwort ✓" || len(ms[0].Components) != 0 {
		t.Errorf("clicked message after update = %+v", ms)
	}
}

// Edits are parsed anew by Discord, so each one needs allowed_mentions too.
func TestEditsWithoutAllowedMentionsAreFlagged(t *testing.T) {
	t.Parallel()
	srv := New(t, AllowViolations())
	s := connected(t, srv, discordgo.IntentsGuilds)
	ch := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { ch <- i.Interaction })
	srv.SendInteraction(Interaction{Name: "ask"})
	i := <-ch
	steps := []struct {
		name string
		do   func() error
		want int // violations of kind "mentions" after this step
	}{
		{"callback with content", func() error {
			return s.InteractionRespond(i, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "<@&1> hi"}})
		}, 1},
		{"safe @original edit", func() error {
			_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("ok"), AllowedMentions: noPing})
			return err
		}, 1},
		{"@original edit without", func() error {
			_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("@everyone")})
			return err
		}, 2},
		{"follow-up with replied_user", func() error {
			_, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "x",
				AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, RepliedUser: true}})
			return err
		}, 3},
		{"channel message edit without", func() error {
			m, err := s.ChannelMessageSendComplex(DefaultChannelID, &discordgo.MessageSend{Content: "a", AllowedMentions: noPing})
			if err != nil {
				return err
			}
			_, err = s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: m.ID, Channel: m.ChannelID, Content: ptr("<@1>")})
			return err
		}, 4},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v (Discord accepts these)", st.name, err)
		}
		n := 0
		for _, v := range srv.Violations() {
			if v.Kind == "mentions" {
				n++
			}
		}
		if n != st.want {
			t.Errorf("after %s: %d mention violations, want %d: %+v", st.name, n, st.want, srv.Violations())
		}
	}
}

// recordingTB catches Errorf so a test can check that the fake reports.
type recordingTB struct {
	*testing.T
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, format)
}

func TestViolationFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{T: t}
	srv := New(rec)
	s := session(t, srv, 0)
	_, err := s.ChannelMessageSendComplex(DefaultChannelID, &discordgo.MessageSend{Content: strings.Repeat("x", 2001), AllowedMentions: noPing})
	if restCode(err) != 50035 {
		t.Errorf("2001 characters: %v, want 50035", err)
	}
	_, err = s.ChannelMessageSendComplex(DefaultChannelID, &discordgo.MessageSend{Content: "@here"})
	if err != nil {
		t.Errorf("without allowed_mentions: %v, want accepted", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 2 {
		t.Errorf("the fake reported %d errors, want 2 (limit and mentions)", len(rec.errs))
	}
}

// TestFollowupWhileLoadingEditsTheOriginal: as on Discord, a follow-up sent
// right after a public deferral replaces the loading message and stays
// public whatever its flags; after deleting the loading message, an
// ephemeral follow-up is a new message only the asker sees.
func TestFollowupWhileLoadingEditsTheOriginal(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	s.AddHandler(finished(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: 5}); err != nil {
			t.Errorf("defer: %v", err)
			return
		}
		q := i.ApplicationCommandData().Options[0].StringValue()
		if q == "delete first" {
			if err := s.InteractionResponseDelete(i.Interaction); err != nil {
				t.Errorf("delete: %v", err)
			}
		}
		if _, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "nur für dich",
			Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPing}); err != nil {
			t.Errorf("follow-up: %v", err)
		}
	}))
	loading := srv.SendInteraction(Interaction{Name: "ask", Options: []CommandOption{Str("question", "while loading")}})
	deleted := srv.SendInteraction(Interaction{Name: "ask", Options: []CommandOption{Str("question", "delete first")}})
	err := srv.Wait(ctxT(t), func() bool {
		o := srv.Original(loading.Token)
		return o != nil && o.Content == "nur für dich" && len(srv.Followups(deleted.Token)) == 1
	})
	if err != nil {
		t.Fatal(err)
	}
	if o := srv.Original(loading.Token); o.Flags&(discordgo.MessageFlagsEphemeral|discordgo.MessageFlagsLoading) != 0 || len(srv.Followups(loading.Token)) != 0 {
		t.Errorf("follow-up while loading: original %+v, follow-ups %d", o, len(srv.Followups(loading.Token)))
	}
	if f := srv.Followups(deleted.Token)[0]; f.Flags&discordgo.MessageFlagsEphemeral == 0 || srv.Original(deleted.Token) != nil {
		t.Errorf("follow-up after delete = %+v", f)
	}
	public := 0
	for _, m := range srv.Messages(DefaultChannelID) {
		if m.Content == "nur für dich" {
			public++
		}
	}
	if public != 1 {
		t.Errorf("%d public copies, want 1 (the edited loading message)", public)
	}
}

// Forget drops the records of what happened, keeping the channels and the
// connection: the fake serves on as before.
func TestForget(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := connected(t, srv, discordgo.IntentsGuilds)
	s.AddHandler(finished(t, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "ok", AllowedMentions: noPing}}); err != nil {
			t.Errorf("respond: %v", err)
		}
	}))
	ref := srv.SendInteraction(Interaction{Name: "help"})
	if err := srv.Wait(ctxT(t), func() bool { return srv.Original(ref.Token) != nil }); err != nil {
		t.Fatal(err)
	}
	srv.Forget()
	if srv.Original(ref.Token) != nil || len(srv.Requests()) != 0 || len(srv.Callbacks()) != 0 || len(srv.Messages(DefaultChannelID)) != 0 {
		t.Errorf("records kept: %d requests, %d callbacks", len(srv.Requests()), len(srv.Callbacks()))
	}
	ref = srv.SendInteraction(Interaction{Name: "help"})
	if err := srv.Wait(ctxT(t), func() bool { m := srv.Original(ref.Token); return m != nil && m.Content == "ok" }); err != nil {
		t.Fatalf("no answer after Forget: %v", err)
	}
}
