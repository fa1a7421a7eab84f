package discord

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
)

// Texts users see. Each is short and says what to do; German first, as the
// essay is German.
const (
	busyText       = "⏳ Ich beantworte gerade andere Fragen – gleich bist du dran. (Busy with other questions – you're next.)"
	restartingText = "Ich starte gerade neu. Bitte frag in einer Minute noch einmal. (I'm restarting; please ask again in a minute.)"
	notHereText    = "Hier beantworte ich keine Fragen. (I don't answer questions in this channel.)"
	notAllowedText = "Du kannst mir hier leider keine Fragen stellen. (Sorry, you can't ask me questions here.)"
	noDMsText      = "Direktnachrichten beantworte ich nicht – frag mich bitte im Server. (I don't answer DMs; please ask in the server.)"
	feedbackThanks = "Danke für dein Feedback! (Thanks for the feedback!)"
	tooBusyText    = "Gerade ist zu viel los – bitte frag in ein paar Minuten noch einmal. (Too busy right now – please ask again in a few minutes.)"
)

// maxQueueWait bounds how long a question waits for a free slot. Discord's
// interaction token lasts 15 minutes; a slash command still waiting then
// could not be answered at all, and would show "thinking…" until Discord
// gives up on it. Saying so in time is better.
const maxQueueWait = 10 * time.Minute

// outcomeBusy is a question given up after waiting maxQueueWait.
const outcomeBusy = "busy"

// cooldownText says how long to wait, in seconds or, from 90 s on, in
// whole minutes (rounded up: asking again at the time named must work).
func cooldownText(wait time.Duration) string {
	s := int((wait + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	de, en := fmt.Sprintf("%d Sekunden", s), fmt.Sprintf("%d seconds", s)
	switch {
	case s == 1:
		de, en = "einer Sekunde", "a second"
	case s >= 90:
		m := (s + 59) / 60
		de, en = fmt.Sprintf("%d Minuten", m), fmt.Sprintf("%d minutes", m)
	}
	return fmt.Sprintf("Kurz durchatmen: Du kannst in %s wieder fragen. (Please wait %s before your next question.)", de, en)
}

// asker is who asks where, for the access rules.
type asker struct {
	userID    string
	roles     []string
	channelID string
	dm        bool
}

// refusal says why a question is not taken: text for the user (empty:
// ignore silently) and the outcome for metrics.
type refusal struct {
	text    string
	outcome string
}

// admit applies the access rules. Messages in channels the bot does not
// serve are ignored without a word (silentChannel), since the bot may read
// every channel; a slash command there gets a short ephemeral note.
func (b *Bot) admit(ctx context.Context, a asker, silentChannel bool) *refusal {
	switch {
	case a.dm && !b.cfg.AllowDMs:
		return &refusal{noDMsText, command.OutcomeRejected}
	case !a.dm && !b.channelAllowed(ctx, a.channelID):
		if silentChannel {
			return &refusal{"", command.OutcomeRejected}
		}
		return &refusal{notHereText, command.OutcomeRejected}
	case !b.userAllowed(a):
		return &refusal{notAllowedText, command.OutcomeRejected}
	}
	return nil
}

func (b *Bot) userAllowed(a asker) bool {
	if len(b.cfg.AllowedUsers) == 0 && len(b.cfg.AllowedRoles) == 0 {
		return true
	}
	if slices.Contains(b.cfg.AllowedUsers, a.userID) {
		return true
	}
	for _, r := range a.roles {
		if slices.Contains(b.cfg.AllowedRoles, r) {
			return true
		}
	}
	return false
}

// channelAllowed checks the channel, or for a thread its parent channel.
func (b *Bot) channelAllowed(ctx context.Context, id string) bool {
	if len(b.cfg.AllowedChannels) == 0 || slices.Contains(b.cfg.AllowedChannels, id) {
		return true
	}
	parent := b.parentOf(ctx, id)
	return parent != "" && slices.Contains(b.cfg.AllowedChannels, parent)
}

// parentOf returns a thread's parent channel ("" for other channels or if
// it cannot be found out), from the bot's own threads, the state cache or
// one REST lookup, remembered.
func (b *Bot) parentOf(ctx context.Context, id string) string {
	b.mu.Lock()
	p, ok := b.parents[id]
	b.mu.Unlock()
	if ok {
		return p
	}
	c, err := b.s.State.Channel(id)
	if err != nil {
		c, err = b.buckets.channel(ctx, b.s, id)
	}
	if err != nil {
		b.log.Warn("couldn't look up a channel", "channel", id, "err", err)
		return ""
	}
	if c.IsThread() {
		p = c.ParentID
	}
	b.mu.Lock()
	if len(b.parents) > 10000 { // a bound, not a cache policy: lookups are rare
		clear(b.parents)
	}
	b.parents[id] = p
	b.mu.Unlock()
	return p
}

// takeAllowance takes cmd from the user's allowance and returns 0, or
// returns how long they have to wait. Help is free; a question a language
// model answers also takes from the model allowance.
func (b *Bot) takeAllowance(userID string, cmd command.Command) time.Duration {
	costly := b.cfg.LLM && (cmd.Name == command.Ask || cmd.Name == command.Summary)
	return b.limits.take(userID, costly)
}

// answer runs cmd and shows the reply on t: it waits for a free slot
// (saying so when it has to wait), streams the answer as it is written,
// then sends the final reply. kind names the question for metrics. answered,
// if set, sees the reply before it is shown, so that a conversation
// remembers it before the user can answer it.
func (b *Bot) answer(ctx context.Context, t target, kind string, cmd command.Command, history []bot.Turn, start time.Time, answered func(command.Reply)) {
	select {
	case b.sem <- struct{}{}:
	default:
		if err := t.first(ctx, busyText, nil); err != nil {
			b.log.Warn("couldn't show the busy note", "err", err)
		}
		wait := time.NewTimer(b.queueWait)
		defer wait.Stop()
		select {
		case b.sem <- struct{}{}:
		case <-ctx.Done():
			r := command.Reply{Command: cmd.Name, Text: restartingText, Ephemeral: true, Outcome: command.OutcomeError, Err: ctx.Err()}
			b.finish(ctx, t, kind, r, start)
			return
		case <-wait.C:
			b.log.Warn("gave up waiting for a free slot", "command", kind, "waited", b.queueWait, "max_concurrent", cap(b.sem))
			r := command.Reply{Command: cmd.Name, Text: tooBusyText, Ephemeral: true, Outcome: outcomeBusy}
			b.finish(ctx, t, kind, r, start)
			return
		}
	}
	defer func() { <-b.sem }()
	st := startStreamer(ctx, t, b.cfg.EditInterval, func(err error) {
		b.log.Warn("couldn't show the answer so far", "err", err)
	})
	r := b.h.Handle(ctx, cmd, history, st.update)
	st.stop()
	if ctx.Err() != nil && r.Outcome == command.OutcomeError {
		r.Text = restartingText // cancelled by shutdown
	}
	if answered != nil {
		answered(r)
	}
	b.finish(ctx, t, kind, r, start)
}

// finish sends the final reply and records it. Sending uses a context that
// survives the answer's cancellation, so a user whose answer was cut by a
// shutdown still hears why.
func (b *Bot) finish(ctx context.Context, t target, kind string, r command.Reply, start time.Time) {
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.HTTPTimeout)
	defer cancel()
	outcome := r.Outcome
	if r.Err != nil {
		b.log.Error("couldn't answer", "command", kind, "err", r.Err)
	}
	if err := deliver(sendCtx, t, r); err != nil {
		outcome = command.OutcomeError
		b.log.Error("couldn't send the answer", "command", kind, "err", err)
		if err := t.next(sendCtx, command.Apology, nil); err != nil {
			b.log.Error("couldn't send the apology either", "command", kind, "err", err)
		}
	}
	if r.Fallback != "" {
		b.metrics.Fallback(r.Fallback)
	}
	if r.Usage != nil {
		b.metrics.Tokens(r.Usage.PromptTokens, r.Usage.CompletionTokens)
	}
	b.metrics.Question(kind, outcome, time.Since(start))
	b.log.Info("answered", "command", kind, "outcome", outcome, "took", time.Since(start).Round(time.Millisecond))
}
