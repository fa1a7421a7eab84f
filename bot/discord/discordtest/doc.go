// Package discordtest is a fake Discord for tests: a REST API (net/http/httptest)
// and a WebSocket gateway (gorilla/websocket) on 127.0.0.1 that the real
// discordgo v0.29.0 client talks to, so the bot is tested through the same
// library and wire format it uses in production.
//
// Every REST request is checked against Discord's OpenAPI spec (embedded from
// testdata/openapi.json, loaded once per process) and against the limits the
// spec does not encode: 2000 characters of content, 10 embeds and 6000
// characters over them, 5 action rows, lowercase command names of 1-32
// characters with 1-100 character descriptions. A request that breaks them is
// answered like Discord does (400, code 50035 "Invalid Form Body") and fails
// the test through t.Errorf. Message content sent without
// allowed_mentions {"parse":[]} is accepted, as Discord would, but recorded as
// a [Violation] of kind "mentions" and also fails the test: the bot must never
// ping anyone. [AllowViolations] keeps the records but stops the test failures,
// for tests that provoke them on purpose.
//
// Discord's behaviour is modelled where the bot can observe it: interaction
// tokens and acknowledgement (10062 unknown interaction, 40060 already
// acknowledged), @original and follow-ups, messages kept per channel (so reply
// chains can be fetched), threads started from messages, MESSAGE_CONTENT
// blanking for apps without the intent, 429s with Discord's body and headers,
// gateway HELLO/IDENTIFY/READY, heartbeats, RESUME with replay of missed
// events, and close codes such as 4014 (disallowed intents).
//
// Point discordgo at the fake by rewriting the origin of its requests: the
// bot does that for DISCORD_API_URL; a test can use [Server.HTTPClient].
// discordgo finds the gateway through GET /api/v9/gateway, which the fake
// answers with its own ws:// URL.
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
// Paths given to [Server.RateLimitNext], [Server.FailNext] and found in
// [Request.Path] leave out the /api/v9 prefix, e.g.
// "/webhooks/{app}/{token}/messages/@original"; a segment written {anything}
// or * matches any one segment.
package discordtest
