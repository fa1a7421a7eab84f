// Package discord is Leviathan's Discord front end: an adapter over
// discordgo that turns slash commands, mentions, replies and thread messages
// into requests for the shared command handling (bot/command) and shows the
// replies, streamed and cited, without ever pinging anyone.
//
// How it talks to Discord:
//   - Slash commands (/ask, /summary, /quote, /help) are registered with one
//     bulk overwrite at start, on one guild (instant) or globally. With a
//     library of several texts, /ask, /summary and /quote take a text option
//     (else the channel's text, Config.ChannelTexts, else the library
//     routes) and /texts lists the texts. /reading (members who may manage
//     messages) sets where the channel's group has read to (Config.Reading,
//     kept in Config.ReadingFile); every request there carries it.
//   - Refusals (unknown section or label, a question too long, the rate limit,
//     access) are ephemeral replies sent before any deferral; an error that
//     only shows after it replaces the loading message with an ephemeral
//     follow-up, since a public deferral cannot turn ephemeral.
//   - /ask, /summary and /quote are deferred at once (Discord wants an
//     answer within 3 s); the answer then grows by edits of @original while
//     a language model streams it, at most one edit per EditInterval, and the
//     final text is always sent. Long answers are split into follow-ups, at
//     most 5 messages (a longer answer is cut, says so, keeps its sources).
//   - "@Leviathan question" is answered as a reply (a mention of the bot's
//     managed role counts, as users often pick it from the list); without
//     MESSAGE_CONTENT, a message to the bot that Discord delivers empty gets
//     a hint on how to be heard instead of silence. Replying to the bot's
//     answer asks a follow-up with the reply chain as the conversation's
//     memory. With Threads on, each mention opens a thread in which
//     follow-ups need no mention (this needs MESSAGE_CONTENT). The bot knows
//     its threads by their owner in Discord's state, so after a restart it
//     still follows them and reads their conversation back once.
//   - Answers carry 👍/👎 buttons; a click is acknowledged to the clicker only
//     and counted.
//
// Every message sent and every edit carries allowed_mentions {"parse":[]}
// (and replied_user false): Discord parses an edit again with its defaults
// when it lacks them, so a streamed answer quoting "@everyone" would ping.
//
// Operational behaviour: REST calls and the gateway lookup go to APIURL (a
// REST proxy, or a fake in tests) through an http.Client that rewrites the
// origin; discordgo's endpoint variables are left alone. Run keeps trying to
// connect with backoff while Discord is unreachable and reports why through
// Ready. On shutdown it stops taking questions, lets answers in flight finish
// within ShutdownTimeout, and closes the gateway.
package discord
