// Package discordtest is a fake Discord for tests: a REST API (net/http/httptest)
// and a WebSocket gateway (gorilla/websocket) on 127.0.0.1 that the real
// discordgo v0.29.0 client talks to, so the bot is tested through the same
// library and wire format it uses in production.
//
// # Wiring
//
// [New] starts the fake and closes it when the test ends. [Server.URL] is the
// origin to use instead of https://discord.com (the bot's DISCORD_API_URL);
// REST lives under /api/v9 as discordgo calls it, and GET /api/v9/gateway
// returns the fake's ws:// gateway. A test without the bot's own rewrite can
// set discordgo.Session.Client to [Server.HTTPClient]. The bot token is
// [Token]; the bot user and application ID are [BotID] and [AppID].
//
// # Driving the bot
//
//   - [Server.SendInteraction]: slash commands (Name, Options built with
//     [Str]), autocomplete (an option marked Focused), button clicks
//     (CustomID, MessageID of the clicked message), in a guild (member with
//     roles and permissions) or a DM (user). Returns the token that keys
//     [Server.Original], [Server.Followups] and [Server.Choices].
//   - [Server.SendMessageCreate]: a user's message; mentions are parsed from
//     the content ([Server.BotMention]), ReplyTo makes it a reply. It is
//     delivered only if the bot asked for GUILD_MESSAGES (DIRECT_MESSAGES in
//     DMs), and without MESSAGE_CONTENT its content arrives empty unless it
//     mentions the bot, is a DM or is the bot's own, as on Discord.
//   - [Server.AddMessage] and [Server.AddChannel] seed history and channels
//     (threads: Type discordgo.ChannelTypeGuildPublicThread, ParentID set).
//   - Gateway: [Server.DropConnection] (discordgo resumes; missed events are
//     replayed), [Server.Reconnect] (op 7), [Server.CloseWith] (a close
//     code), [WithoutMessageContentIntent] (IDENTIFY with MESSAGE_CONTENT is
//     closed with 4014, and Open returns a *websocket.CloseError).
//   - Faults: [Server.RateLimitNext] (429 with Discord's body and headers;
//     discordgo sleeps retry_after and retries), [Server.FailNext].
//
// # Looking at what the bot did
//
// [Server.Requests] (every REST call with its decoded body and the status
// answered; a request whose effect shows is listed), [Server.Callbacks],
// [Server.Original] (the interaction response after all edits),
// [Server.Messages] (a channel's history, including the
// bot's non-ephemeral responses), [Server.Commands] (the last bulk
// overwrite), [Server.Identifies], [Server.Resumes], [Server.CloseCodes],
// [Server.Violations]. [Server.Forget] drops these records (for a long
// run that measures the bot's memory). Wait with [Server.Wait] (any condition, re-checked
// on every change of the fake's state), [Server.WaitFor], [Server.WaitReady]
// and [Server.WaitIdentify]; never sleep. Before dropping or closing the
// gateway connection, wait for [Server.Heartbeats] > 0: discordgo sends its
// first heartbeat from a goroutine of its own, and a close that meets it
// makes discordgo reconnect twice and close its own new connection.
//
// # What Discord would refuse
//
// Every REST request is checked against Discord's OpenAPI spec (embedded from
// testdata/openapi.json, loaded once per process) and against the limits the
// spec does not encode: 2000 characters of content, 10 embeds and 6000
// characters over them (title 256, description 4096, 25 fields of 256/1024,
// footer 2048, author 256), 5 action rows, 25 autocomplete choices, command
// and option names of 1-32 lowercase characters with descriptions of 1-100.
// Such a request is answered like Discord does (400, code 50035 "Invalid Form
// Body") and fails the test through t.Errorf. Message content sent without
// allowed_mentions {"parse":[]} (or with users, roles or replied_user) is
// accepted, as Discord would, but recorded as a [Violation] of kind
// "mentions" and fails the test too: the bot must never ping anyone.
// [AllowViolations] keeps the records without failing, for tests that
// provoke them.
//
// Discord's errors are modelled where the bot can meet them: 10062 Unknown
// interaction (bad token, or a first response later than 3 s, see
// [WithResponseDeadline]), 40060 already acknowledged, 10008 Unknown Message,
// 10003 Unknown Channel, 10015 Unknown Webhook, 50005 editing another user's
// message, 160004 a second thread on a message, 401 for a wrong token, 404
// {"message":"404: Not Found","code":0} for routes Discord doesn't have.
// A thread started from a message takes the message's ID, as on Discord.
// A follow-up sent while a deferred response still loads edits that
// response and keeps its ephemeral state, whatever flags it carries (a
// deferred public answer cannot turn ephemeral; delete it first).
//
// # Example
//
//	srv := discordtest.New(t)
//	s, _ := discordgo.New("Bot " + discordtest.Token)
//	s.Client = srv.HTTPClient()
//	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
//		_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
//			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
//		_, _ = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{
//			Content:         ptr("answer [1]"),
//			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}})
//	})
//	_ = s.Open()
//	_ = srv.WaitReady(ctx)
//	ref := srv.SendInteraction(discordtest.Interaction{Name: "ask",
//		Options: []discordtest.CommandOption{discordtest.Str("question", "Was ist DOGE?")}})
//	_ = srv.Wait(ctx, func() bool { m := srv.Original(ref.Token); return m != nil && m.Content != "" })
//
// Paths given to [Server.RateLimitNext] and [Server.FailNext] and found in
// [Request.Path] leave out the /api/v9 prefix, e.g.
// "/webhooks/{app}/{token}/messages/@original"; a segment written {anything}
// or * matches any one segment.
//
// Not modelled: file uploads (multipart), the 15-minute token lifetime,
// global and per-route rate limits other than the ones injected, gateway
// send limits, MESSAGE_CREATE events for the bot's interaction responses
// (the bot's channel messages do produce one), guilds, roles and members
// beyond what interactions carry.
package discordtest
