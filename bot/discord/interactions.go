package discord

import (
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/command"
)

// onInteraction dispatches on the interaction's type first:
// ApplicationCommandData panics for any other type.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	if !b.enter() {
		// Shutting down: no new question is taken, but what needs no
		// engine (a vote, suggestions while typing) is still answered
		// rather than left to fail in the user's client.
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			b.respond(b.work, i, restartingText, true)
		case discordgo.InteractionApplicationCommandAutocomplete:
			b.onAutocomplete(i)
		case discordgo.InteractionMessageComponent:
			b.onComponent(i)
		}
		return
	}
	defer b.leave()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.onCommand(i)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.onAutocomplete(i)
	case discordgo.InteractionMessageComponent:
		b.onComponent(i)
	}
}

// respond answers an interaction at once with a message.
func (b *Bot) respond(ctx context.Context, i *discordgo.Interaction, text string, ephemeral bool) {
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	// The texts answered at once (help, refusals) fit one message; Split
	// only guards the limit.
	text = command.Split(command.Sanitize(text), command.MessageLimit)[0]
	err := b.buckets.interactionRespond(ctx, b.s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: flags, AllowedMentions: noPing()},
	})
	if err != nil {
		b.log.Error("couldn't respond to an interaction", "interaction", i.ID, "err", err)
	}
}

func interactionUser(i *discordgo.Interaction) (*discordgo.User, []string) {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User, i.Member.Roles
	}
	return i.User, nil
}

func stringOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name && o.Type == discordgo.ApplicationCommandOptionString {
			return o.StringValue()
		}
	}
	return ""
}

// chosenText is the text a command is about: its text option, else the
// channel's text (Config.ChannelTexts), else "" (the library chooses).
func (b *Bot) chosenText(opts []*discordgo.ApplicationCommandInteractionDataOption, channelID string) string {
	if id := strings.ToLower(strings.TrimSpace(stringOption(opts, textOption))); id != "" {
		return id
	}
	return b.channelText(b.work, channelID)
}

// channelText is the text of a channel, or of a thread's parent channel
// (a thread opened on a question stays with the channel's text); "" for
// none.
func (b *Bot) channelText(ctx context.Context, channelID string) string {
	if len(b.cfg.ChannelTexts) == 0 {
		return ""
	}
	if id, ok := b.cfg.ChannelTexts[channelID]; ok {
		return id
	}
	return b.cfg.ChannelTexts[b.parentOf(ctx, channelID)]
}

func (b *Bot) onCommand(i *discordgo.Interaction) {
	start := time.Now()
	ctx := b.work
	data := i.ApplicationCommandData()
	var cmd command.Command
	switch data.Name {
	case command.Ask:
		cmd = command.Command{Name: command.Ask, Arg: stringOption(data.Options, "question")}
	case command.Summary:
		cmd = command.Command{Name: command.Summary, Arg: stringOption(data.Options, "section")}
	case command.Quote:
		cmd = command.Command{Name: command.Quote, Arg: stringOption(data.Options, "topic")}
	case command.TextsName:
		cmd = command.Command{Name: command.TextsName}
	default: // help, and commands of an older registration
		cmd = command.Command{Name: command.Help}
	}
	if cmd.Name != command.Help && cmd.Name != command.TextsName {
		cmd.Text = b.chosenText(data.Options, i.ChannelID)
		cmd.UpTo = b.readingOf(ctx, i.ChannelID)
	}
	user, roles := interactionUser(i)
	if user == nil {
		b.log.Warn("interaction without a user", "interaction", i.ID)
		return
	}
	if no := b.admit(ctx, asker{userID: user.ID, roles: roles, channelID: i.ChannelID, dm: i.GuildID == ""}, false); no != nil {
		b.respond(ctx, i, no.text, true)
		b.metrics.Question(cmd.Name, no.outcome, time.Since(start))
		return
	}
	if data.Name == readingName && i.GuildID != "" {
		b.onReading(ctx, i)
		return
	}
	if cmd.Name == command.Help {
		b.respond(ctx, i, b.h.HelpReply().Body(), true)
		b.metrics.Question(command.Help, command.OutcomeOK, time.Since(start))
		return
	}
	if cmd.Name == command.TextsName {
		b.respond(ctx, i, b.h.TextsReply(b.channelText(ctx, i.ChannelID)).Body(), true)
		b.metrics.Question(command.TextsName, command.OutcomeOK, time.Since(start))
		return
	}
	// What can be refused without the engine is refused now, before the
	// deferral, so that the refusal is seen by the asker alone.
	if err := b.h.Check(cmd); err != nil {
		b.respond(ctx, i, err.Error(), true)
		b.metrics.Question(cmd.Name, command.OutcomeRejected, time.Since(start))
		return
	}
	if wait := b.takeAllowance(user.ID, cmd); wait > 0 {
		b.respond(ctx, i, cooldownText(wait), true)
		b.metrics.Question(cmd.Name, "cooldown", time.Since(start))
		return
	}
	// Discord wants a response within 3 s: defer ("Leviathan is thinking…")
	// before anything slow.
	err := b.buckets.interactionRespond(ctx, b.s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	})
	if err != nil {
		b.log.Error("couldn't defer an interaction", "interaction", i.ID, "command", cmd.Name, "err", err)
		b.metrics.Question(cmd.Name, command.OutcomeError, time.Since(start))
		return
	}
	b.answer(ctx, interactionTarget{s: b.s, i: i, tb: b.buckets}, cmd.Name, cmd, nil, start, nil)
}

func (b *Bot) onAutocomplete(i *discordgo.Interaction) {
	data := i.ApplicationCommandData()
	var typed, focus string
	for _, o := range data.Options {
		if o.Focused {
			typed, focus = o.StringValue(), o.Name
		}
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	switch {
	case focus == textOption:
		choices = textChoices(b.h.Texts(), typed)
	case data.Name == command.Quote:
		choices = labelChoices(b.h.EssayOf(b.chosenText(data.Options, i.ChannelID)), typed)
	case data.Name == readingName:
		choices = readingChoices(b.h.EssayOf(b.channelText(b.work, i.ChannelID)), typed)
	case data.Name == command.Summary:
		choices = sectionChoices(b.h.EssayOf(b.chosenText(data.Options, i.ChannelID)), typed)
	}
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	err := b.buckets.interactionRespond(b.work, b.s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	})
	if err != nil {
		b.log.Warn("couldn't answer an autocomplete", "err", err)
	}
}

func (b *Bot) onComponent(i *discordgo.Interaction) {
	id := i.MessageComponentData().CustomID
	rest, ok := strings.CutPrefix(id, feedbackPrefix)
	vote, answerID, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || (vote != "up" && vote != "down") {
		b.log.Warn("unknown button", "custom_id", id)
		b.respond(b.work, i, command.Apology, true)
		return
	}
	user, _ := interactionUser(i)
	userID := ""
	if user != nil {
		userID = user.ID
	}
	messageID := ""
	if i.Message != nil {
		messageID = i.Message.ID
	}
	b.log.Info("feedback", "vote", vote, "answer", answerID, "message", messageID, "channel", i.ChannelID, "user", userID)
	b.metrics.Feedback(vote)
	b.respond(b.work, i, feedbackThanks, true)
}
