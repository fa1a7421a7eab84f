package discord

import (
	"context"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// TestClicksDuringShutdownAreAnswered: while the bot shuts down (answers
// in flight still finishing), a click on 👍/👎 and an autocomplete ask
// nothing of the engine; they must not end in Discord's "This interaction
// failed" / "Loading options failed".
func TestClicksDuringShutdownAreAnswered(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	eng := &fakeEngine{ask: func(ctx context.Context, r bot.Request) (bot.Answer, error) {
		started <- struct{}{}
		if r.Question == "Langsam" {
			<-release
		}
		return citing("Antwort auf " + r.Question + " [1]."), nil
	}}
	r := newRig(t, Config{}, eng)
	m := r.final(r.ask("Schnell", ""), "Antwort auf Schnell")
	<-started
	slow := r.ask("Langsam", "")
	<-started
	r.cancel()
	r.wait("not ready while shutting down", func() bool { _, why := r.bot.Ready(); return why == "shutting down" })

	click := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: buttons(m)[0], MessageID: m.ID})
	if got := r.ephemeral(click); got != feedbackThanks {
		t.Errorf("a click during shutdown got %q", got)
	}
	r.wait("the vote counted", func() bool { return slices.Equal(r.metrics.snapshot().feedback, []string{"up"}) })
	typed := discordtest.Str("topic", "¶1")
	typed.Focused = true
	ac := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: "quote",
		Options: []discordtest.CommandOption{typed}})
	r.wait("choices", func() bool { return len(r.srv.Choices(ac.Token)) > 0 })

	close(release)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r.final(slow, "Antwort auf Langsam")
}
