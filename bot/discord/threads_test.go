package discord

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// oldThread puts into the fake a thread the bot opened in an earlier run:
// the question it was opened on (in the parent channel), the thread owned
// by the bot, and msgs in it. Then Discord tells the new run about the
// guild's active threads, as GUILD_CREATE does after every connect.
func (r *rig) oldThread(owner string, msgs ...*discordgo.Message) (thread string) {
	r.t.Helper()
	g := discordtest.DefaultGuildID
	q := r.srv.AddMessage(&discordgo.Message{GuildID: g, Content: r.srv.BotMention() + " Was ist DOGE?"})
	th := &discordgo.Channel{ID: q.ID, GuildID: g, ParentID: discordtest.DefaultChannelID, OwnerID: owner,
		Type: discordgo.ChannelTypeGuildPublicThread, Name: "Was ist DOGE?",
		ThreadMetadata: &discordgo.ThreadMetadata{AutoArchiveDuration: 1440}}
	r.srv.AddChannel(th)
	for _, m := range msgs {
		m.ChannelID, m.GuildID = th.ID, g
		r.srv.AddMessage(m)
	}
	r.srv.Dispatch("GUILD_CREATE", map[string]any{"id": g, "name": "Lesekreis", "threads": []any{th}})
	// discordgo updates its state from the event in its own goroutine,
	// which the fake does not see: poll.
	ctx, cancel := context.WithTimeout(r.t.Context(), 30*time.Second)
	defer cancel()
	for !r.bot.ownThread(th.ID, owner) {
		select {
		case <-ctx.Done():
			r.t.Fatalf("discordgo's state never learned the thread from GUILD_CREATE\nlog:\n%s", r.logs)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return th.ID
}

func (r *rig) answerIn(channel, contains string) {
	r.t.Helper()
	r.wait("the answer "+contains, func() bool {
		for _, m := range r.srv.Messages(channel) {
			if strings.Contains(m.Content, contains) && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
}

// In an old thread: what people said, the bot's answers (which carry the
// 👍/👎 buttons) and the bot's notes (help, cooldown, restart: no buttons).
func said(text string) *discordgo.Message { return &discordgo.Message{Author: alice(), Content: text} }
func answered(text string) *discordgo.Message {
	return &discordgo.Message{Author: botUser(), Content: text, Components: feedbackButtons("0123456789ab")}
}
func noted(text string) *discordgo.Message {
	return &discordgo.Message{Author: botUser(), Content: text}
}

// TestThreadAdoptedAfterRestart: a deploy restarts the bot while people
// talk in a thread it opened. The new run knows the thread is its own from
// Discord's state, answers there without a mention, and reads the
// conversation back (once) so follow-ups keep their context: the question
// the thread was opened on, then each answer with the message before it.
func TestThreadAdoptedAfterRestart(t *testing.T) {
	slash := answered("Zusammenfassung des Essays [1].")
	slash.Type = discordgo.MessageTypeChatInputCommand
	rename := said("DOGE-Fragen")
	rename.Type = discordgo.MessageTypeChannelNameChange
	opened := bot.Turn{Question: "Was ist DOGE?", Answer: "Ein Amt unter Musk [1]."}
	tests := []struct {
		name string
		msgs []*discordgo.Message
		want []bot.Turn
	}{
		{"an answer split in two, the sources and buttons in its second part; other bots and empty messages skipped",
			[]*discordgo.Message{
				answered("Ein Amt unter Musk [1].\n\n" + command.SourcesHeading + "\n[1] ¶4 …"),
				said("und wer leitet es?"),
				noted("Elon Musk [1]."), // the first part carries no buttons
				answered(command.SourcesHeading + "\n[1] ¶4 …"),
				{Author: &discordgo.User{ID: "900000000000000077", Username: "other", Bot: true}, Content: "Ping!"},
				{Author: alice()},
			},
			[]bot.Turn{opened, {Question: "und wer leitet es?", Answer: "Elon Musk [1]."}}},
		// A thread the bot follows in one run never remembers its notes;
		// read back, they must not become turns either.
		{"the bot's notes are no answers",
			[]*discordgo.Message{
				answered("Ein Amt unter Musk [1]."),
				said("<@" + discordtest.BotID + ">"), noted(command.HelpReply().Body()),
				said("und wer leitet es?"), noted(cooldownText(30 * time.Second)),
				said("und wer leitet es?"), noted(restartingText),
				said("und wer leitet es denn?"), answered("Elon Musk [1]."),
			},
			[]bot.Turn{opened, {Question: "und wer leitet es denn?", Answer: "Elon Musk [1]."}}},
		// A slash command's answer in the thread answers no message of it,
		// and a rename (the new name as content) is no question.
		{"other message types are skipped",
			[]*discordgo.Message{answered("Ein Amt unter Musk [1]."), slash, said("und wer leitet es?"), rename, answered("Elon Musk [1].")},
			[]bot.Turn{opened, {Question: "und wer leitet es?", Answer: "Elon Musk [1]."}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eng := &fakeEngine{}
			r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
			thread := r.oldThread(discordtest.BotID, tc.msgs...)
			r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "und seit wann?"})
			r.answerIn(thread, "Antwort auf „und seit wann?“")
			if h := eng.history(0); !slices.Equal(h, tc.want) {
				t.Errorf("history = %q,\nwant %q", h, tc.want)
			}
			// The next follow-up builds on what the bot now remembers;
			// the thread is not read again.
			r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "und warum?"})
			r.answerIn(thread, "Antwort auf „und warum?“")
			want := append(slices.Clone(tc.want), bot.Turn{Question: "und seit wann?", Answer: "Antwort auf „und seit wann?“ [1]."})
			if h := eng.history(1); !slices.Equal(h, want) {
				t.Errorf("second history = %q,\nwant %q", h, want)
			}
			reads := 0
			for _, req := range r.srv.Requests() {
				if req.Method == "GET" && req.Path == "/channels/"+thread+"/messages" {
					reads++
				}
			}
			if reads != 1 {
				t.Errorf("the thread's history was read %d times, want once", reads)
			}
		})
	}
}

// TestAdoptedThreadUnreadableHistory: when the history can't be read, the
// question is still answered, without context, and the log says why.
func TestAdoptedThreadUnreadableHistory(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
	thread := r.oldThread(discordtest.BotID)
	r.srv.FailNext("GET", "/channels/{c}/messages", 403, 50001)
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "und seit wann?"})
	r.answerIn(thread, "Antwort auf „und seit wann?“")
	if h := eng.history(0); len(h) != 0 {
		t.Errorf("history = %q, want none", h)
	}
	if !strings.Contains(r.logs.String(), "couldn't read a thread's history") {
		t.Errorf("log:\n%s", r.logs)
	}
}

// TestOthersThreadsNeedAMention: a thread someone else opened is not the
// bot's to follow; there it answers mentions only.
func TestOthersThreadsNeedAMention(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
	thread := r.oldThread(discordtest.DefaultUserID)
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "und seit wann?"})
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: r.srv.BotMention() + " und warum?"})
	r.wait("the reply to the mention", func() bool {
		for _, m := range r.srv.Messages(thread) {
			if strings.Contains(m.Content, "Antwort auf „und warum?“") && len(buttons(m)) > 0 {
				return true
			}
		}
		return false
	})
	for _, m := range r.srv.Messages(thread) {
		if strings.Contains(m.Content, "seit wann") && m.Author.ID == discordtest.BotID {
			t.Errorf("answered a message in someone else's thread that did not mention it: %q", m.Content)
		}
	}
	for _, req := range r.srv.Requests() {
		if req.Method == "GET" && req.Path == "/channels/"+thread+"/messages" {
			t.Errorf("read the history of a thread that is not the bot's")
		}
	}
}
