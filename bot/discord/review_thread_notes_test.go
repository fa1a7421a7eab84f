package discord

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// TestAdoptedThreadSkipsNotes: the bot's messages in its thread are not
// all answers. Its help (for a bare mention), a cooldown note or the note
// that it restarts answer nothing, and a thread the bot follows in one run
// never remembers them (only answers, which carry 👍/👎). Read back after a
// restart, they must not become turns of the conversation either.
func TestAdoptedThreadSkipsNotes(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
	botUser := &discordgo.User{ID: discordtest.BotID, Username: discordtest.BotName, Bot: true}
	alice := &discordgo.User{ID: discordtest.DefaultUserID, Username: "alice"}
	answer := func(text string) *discordgo.Message {
		return &discordgo.Message{Author: botUser, Content: text, Components: feedbackButtons("0123456789ab")}
	}
	note := func(text string) *discordgo.Message { return &discordgo.Message{Author: botUser, Content: text} }
	thread := r.oldThread(discordtest.BotID,
		answer("Ein Amt unter Musk [1].\n\n"+command.SourcesHeading+"\n[1] ¶4 …"),
		&discordgo.Message{Author: alice, Content: r.srv.BotMention()},
		note(command.HelpReply().Body()),
		&discordgo.Message{Author: alice, Content: "und wer leitet es?"},
		note(cooldownText(30e9)),
		&discordgo.Message{Author: alice, Content: "und wer leitet es?"},
		note(restartingText),
		&discordgo.Message{Author: alice, Content: "und wer leitet es denn?"},
		// An answer split in two: the buttons are on its last part.
		note("Elon Musk [1]."),
		answer(command.SourcesHeading+"\n[1] ¶4 …"),
	)
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "und seit wann?"})
	r.answerIn(thread, "Antwort auf „und seit wann?“")
	want := []bot.Turn{
		{Question: "Was ist DOGE?", Answer: "Ein Amt unter Musk [1]."},
		{Question: "und wer leitet es denn?", Answer: "Elon Musk [1]."},
	}
	if h := eng.history(0); !slices.Equal(h, want) {
		t.Errorf("history = %q,\nwant %q", h, want)
	}
}
