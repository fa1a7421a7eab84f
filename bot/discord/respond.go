package discord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/command"
)

// noPing is sent with every message and edit: parse [] pings nobody (an
// empty struct would send "parse":null, and a missing one Discord's
// defaults), and a reply does not ping the asker either.
func noPing() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, RepliedUser: false}
}

// target is where a reply is shown: the first message (created on first
// use, edited after) and any further messages of a split.
type target interface {
	first(ctx context.Context, text string, comps []discordgo.MessageComponent) error
	next(ctx context.Context, text string, comps []discordgo.MessageComponent) error
}

// interactionTarget shows a reply in a deferred interaction's @original
// and its follow-ups.
type interactionTarget struct {
	s  *discordgo.Session
	i  *discordgo.Interaction
	tb *tokenBuckets
}

func (t interactionTarget) first(ctx context.Context, text string, comps []discordgo.MessageComponent) error {
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	_, err := t.s.InteractionResponseEdit(t.i, &discordgo.WebhookEdit{
		Content: &text, Components: &comps, AllowedMentions: noPing(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("couldn't edit the interaction response: %w", err)
	}
	return nil
}

func (t interactionTarget) next(ctx context.Context, text string, comps []discordgo.MessageComponent) error {
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	err := t.tb.followup(ctx, t.s, t.i, &discordgo.WebhookParams{
		Content: text, Components: comps, AllowedMentions: noPing(),
	})
	if err != nil {
		return fmt.Errorf("couldn't send a follow-up message: %w", err)
	}
	return nil
}

// private shows parts to the asker alone. A deferred public response cannot
// become ephemeral, and a follow-up sent while it still loads would only
// edit it (ignoring the ephemeral flag), so the loading or preview message
// is deleted first and the parts follow as ephemeral messages. If the
// deletion fails, the parts are shown publicly instead: better seen by all
// than not at all.
func (t interactionTarget) private(ctx context.Context, parts []string) error {
	if err := t.tb.deleteResponse(ctx, t.s, t.i); err != nil {
		for i, p := range parts {
			send := t.next
			if i == 0 {
				send = t.first
			}
			if err := send(ctx, p, nil); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range parts {
		err := t.tb.followup(ctx, t.s, t.i, &discordgo.WebhookParams{
			Content: p, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPing(),
		})
		if err != nil {
			return fmt.Errorf("couldn't send an ephemeral follow-up message: %w", err)
		}
	}
	return nil
}

// privateTarget is a target that can show a reply to the asker alone
// (interactions can; channel messages cannot, they are seen by all).
type privateTarget interface {
	private(ctx context.Context, parts []string) error
}

// messageTarget shows a reply as messages in a channel: replies to the
// question (so that replying to any part continues the conversation), or
// plain messages in a thread.
type messageTarget struct {
	s       *discordgo.Session
	tb      *tokenBuckets
	channel string
	replyTo *discordgo.MessageReference // nil: no reply (a thread)
	mu      sync.Mutex
	firstID string
}

func (t *messageTarget) send(ctx context.Context, text string, comps []discordgo.MessageComponent) (*discordgo.Message, error) {
	ms := &discordgo.MessageSend{Content: text, Components: comps, AllowedMentions: noPing()}
	if t.replyTo != nil {
		ref := *t.replyTo
		no := false
		ref.FailIfNotExists = &no // a deleted question still gets its answer
		ms.Reference = &ref
	}
	m, err := t.tb.sendMessage(ctx, t.s, t.channel, ms)
	if err != nil {
		return nil, fmt.Errorf("couldn't send a message to channel %s: %w", t.channel, err)
	}
	return m, nil
}

func (t *messageTarget) first(ctx context.Context, text string, comps []discordgo.MessageComponent) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.firstID == "" {
		m, err := t.send(ctx, text, comps)
		if err != nil {
			return err
		}
		t.firstID = m.ID
		return nil
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	err := t.tb.editMessage(ctx, t.s, &discordgo.MessageEdit{
		ID: t.firstID, Channel: t.channel, Content: &text, Components: &comps, AllowedMentions: noPing(),
	})
	if err != nil {
		return fmt.Errorf("couldn't edit message %s: %w", t.firstID, err)
	}
	return nil
}

func (t *messageTarget) next(ctx context.Context, text string, comps []discordgo.MessageComponent) error {
	_, err := t.send(ctx, text, comps)
	return err
}

// Feedback buttons carry "fb:up:<answer id>" or "fb:down:<answer id>".
const feedbackPrefix = "fb:"

func newAnswerID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

func feedbackButtons(answerID string) []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: feedbackPrefix + "up:" + answerID},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: feedbackPrefix + "down:" + answerID},
	}}}
}

// maxAnswerMessages is how many messages one reply may become. A model
// that ignores its token limit once wrote 100,000 characters, 58 messages:
// a wall nobody reads, and 58 requests in one rate-limit bucket.
const maxAnswerMessages = 5

// cutText ends a reply cut to maxAnswerMessages.
const cutText = "*[…] Die Antwort war zu lang und wurde gekürzt. (The answer was too long and has been cut.)*"

// messages is the reply as at most max messages of at most limit
// characters. A longer reply keeps its beginning, then cutText, then its
// source list (when that fits in the messages left): the sources are what
// makes the answer checkable.
func messages(r command.Reply, limit, max int) []string {
	parts := r.Messages(limit)
	if len(parts) <= max {
		return parts
	}
	var sources []string
	if len(r.Sources) > 0 {
		sources = command.Reply{Sources: r.Sources}.Messages(limit)
		if len(sources) >= max {
			sources = nil
		}
	}
	body := r
	body.Sources = nil
	parts = body.Messages(limit)[:max-len(sources)]
	last := parts[len(parts)-1]
	if room := limit - command.Len(cutText) - 2; command.Len(last) > room {
		last = command.Split(last, room)[0]
	}
	parts[len(parts)-1] = last + "\n\n" + cutText
	return append(parts, sources...)
}

// deliver shows the final reply: the first part replaces what target
// shows, the rest follow; answers get feedback buttons on the last part.
func deliver(ctx context.Context, t target, r command.Reply) error {
	parts := messages(r, command.MessageLimit, maxAnswerMessages)
	if pt, ok := t.(privateTarget); ok && r.Ephemeral {
		return pt.private(ctx, parts)
	}
	answerID := newAnswerID()
	for i, p := range parts {
		var comps []discordgo.MessageComponent
		if r.Answer && i == len(parts)-1 {
			comps = feedbackButtons(answerID)
		}
		send := t.next
		if i == 0 {
			send = t.first
		}
		if err := send(ctx, p, comps); err != nil {
			return err
		}
	}
	return nil
}

// streamer shows an answer while it is written, with at most one edit per
// interval: a fast model would otherwise hit the shared webhook rate limit
// bucket. The final text is not its job: after stop, deliver sends it.
type streamer struct {
	t        target
	interval time.Duration
	onError  func(error)

	mu     sync.Mutex
	latest string
	kick   chan struct{}
	done   chan struct{}
	exited chan struct{}
}

func startStreamer(ctx context.Context, t target, interval time.Duration, onError func(error)) *streamer {
	st := &streamer{t: t, interval: interval, onError: onError,
		kick: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{})}
	go st.loop(ctx)
	return st
}

// update records the text so far; it never blocks the model's stream.
func (st *streamer) update(text string) {
	st.mu.Lock()
	st.latest = text
	st.mu.Unlock()
	select {
	case st.kick <- struct{}{}:
	default:
	}
}

func (st *streamer) loop(ctx context.Context) {
	defer close(st.exited)
	var last time.Time
	var shown string
	for {
		select {
		case <-st.kick:
		case <-st.done:
			return
		}
		if wait := st.interval - time.Since(last); !last.IsZero() && wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-st.done:
				t.Stop()
				return
			}
		}
		st.mu.Lock()
		text := st.latest
		st.mu.Unlock()
		if text == shown {
			continue
		}
		if err := st.t.first(ctx, command.Preview(text), nil); err != nil {
			st.onError(err)
		}
		shown, last = text, time.Now()
	}
}

// stop ends the loop and waits for an edit in progress, so the final
// text cannot be overwritten by a late preview.
func (st *streamer) stop() {
	close(st.done)
	<-st.exited
}
