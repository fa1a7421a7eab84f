package discord

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// tokenBucketLife is how long the rate-limit buckets of token URLs are
// kept: an interaction token is valid for 15 minutes.
const tokenBucketLife = 15 * time.Minute

// tokenBuckets holds the rate-limit buckets of requests whose URL is new
// with every answer: an interaction's callback, follow-ups and deletion
// carry its token, a thread is started on the question's message, and with
// DISCORD_THREADS every mention opens a new channel (its messages, edits
// and lookups are per channel). So that no such request is missed, every
// message the bot sends to a channel goes through here.
// discordgo keeps a bucket for every URL it has called for the life of the
// session (discordgo#1333; the map is unexported), which cost about 300
// bytes per answer, forever. These requests take their buckets from a
// discordgo.RateLimiter of their own instead, replaced by a new one every
// tokenBucketLife. A bucket dropped while its token is still in use starts
// afresh; the worst that can do is one 429, which discordgo waits out and
// retries. Interaction endpoints are not bound by the global rate limit,
// so a limiter of their own loses nothing there either.
type tokenBuckets struct {
	now  func() time.Time // time.Now; tests inject a clock
	life time.Duration

	mu    sync.Mutex
	rl    *discordgo.RateLimiter
	since time.Time
}

func newTokenBuckets() *tokenBuckets {
	return &tokenBuckets{now: time.Now, life: tokenBucketLife}
}

// limiter returns the current limiter, replacing it when it is due.
func (tb *tokenBuckets) limiter() *discordgo.RateLimiter {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if now := tb.now(); tb.rl == nil || now.Sub(tb.since) >= tb.life {
		tb.rl, tb.since = discordgo.NewRatelimiter(), now
	}
	return tb.rl
}

// request sends a JSON request to url through s (its client, retries and
// 429 handling), with the bucket from tb, and decodes the response into out
// unless out is nil. The bucket is discordgo's for the same call: key, or
// the URL without its query when key is empty.
func (tb *tokenBuckets) request(ctx context.Context, s *discordgo.Session, method, url, key string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = discordgo.Marshal(body); err != nil {
			return fmt.Errorf("couldn't encode the request: %w", err)
		}
	}
	if key == "" {
		key, _, _ = strings.Cut(url, "?")
	}
	resp, err := s.RequestWithLockedBucket(method, url, "application/json", raw, tb.limiter().LockBucket(key), 0, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	if out != nil {
		if err := discordgo.Unmarshal(resp, out); err != nil {
			return fmt.Errorf("couldn't decode Discord's answer: %w", err)
		}
	}
	return nil
}

// interactionRespond is Session.InteractionRespond with its bucket from tb.
func (tb *tokenBuckets) interactionRespond(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	return tb.request(ctx, s, "POST", discordgo.EndpointInteractionResponse(i.ID, i.Token), "", resp, nil)
}

// followup is Session.FollowupMessageCreate (wait=true) with its bucket
// from tb.
func (tb *tokenBuckets) followup(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	return tb.request(ctx, s, "POST", discordgo.EndpointWebhookToken(i.AppID, i.Token)+"?wait=true", "", p, nil)
}

// deleteResponse is Session.InteractionResponseDelete with its bucket from
// tb.
func (tb *tokenBuckets) deleteResponse(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction) error {
	return tb.request(ctx, s, "DELETE", discordgo.EndpointInteractionResponseActions(i.AppID, i.Token), "", nil, nil)
}

// startThread is Session.MessageThreadStartComplex with its bucket from tb.
func (tb *tokenBuckets) startThread(ctx context.Context, s *discordgo.Session, channelID, messageID string, data *discordgo.ThreadStart) (*discordgo.Channel, error) {
	var ch *discordgo.Channel
	err := tb.request(ctx, s, "POST", discordgo.EndpointChannelMessageThread(channelID, messageID), "", data, &ch)
	return ch, err
}

// sendMessage is Session.ChannelMessageSendComplex (without files) with
// its bucket from tb.
func (tb *tokenBuckets) sendMessage(ctx context.Context, s *discordgo.Session, channelID string, data *discordgo.MessageSend) (*discordgo.Message, error) {
	var m *discordgo.Message
	err := tb.request(ctx, s, "POST", discordgo.EndpointChannelMessages(channelID), "", data, &m)
	return m, err
}

// editMessage is Session.ChannelMessageEditComplex (without files) with
// its bucket from tb.
func (tb *tokenBuckets) editMessage(ctx context.Context, s *discordgo.Session, e *discordgo.MessageEdit) error {
	return tb.request(ctx, s, "PATCH", discordgo.EndpointChannelMessage(e.Channel, e.ID), discordgo.EndpointChannelMessage(e.Channel, ""), e, nil)
}

// message is Session.ChannelMessage with its bucket from tb.
func (tb *tokenBuckets) message(ctx context.Context, s *discordgo.Session, channelID, messageID string) (*discordgo.Message, error) {
	var m *discordgo.Message
	err := tb.request(ctx, s, "GET", discordgo.EndpointChannelMessage(channelID, messageID), discordgo.EndpointChannelMessage(channelID, ""), nil, &m)
	return m, err
}

// messagesBefore is Session.ChannelMessages(channelID, limit, before, "",
// "") with its bucket from tb.
func (tb *tokenBuckets) messagesBefore(ctx context.Context, s *discordgo.Session, channelID string, limit int, before string) ([]*discordgo.Message, error) {
	v := url.Values{}
	v.Set("limit", strconv.Itoa(limit))
	if before != "" {
		v.Set("before", before)
	}
	var ms []*discordgo.Message
	err := tb.request(ctx, s, "GET", discordgo.EndpointChannelMessages(channelID)+"?"+v.Encode(), "", nil, &ms)
	return ms, err
}

// channel is Session.Channel (without the state cache) with its bucket
// from tb.
func (tb *tokenBuckets) channel(ctx context.Context, s *discordgo.Session, channelID string) (*discordgo.Channel, error) {
	var c *discordgo.Channel
	err := tb.request(ctx, s, "GET", discordgo.EndpointChannel(channelID), "", nil, &c)
	return c, err
}
