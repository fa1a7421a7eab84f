// Package command is what Leviathan's front ends share: it parses what a
// user typed (/ask, /summary, /quote, /help or a plain question), runs it
// against the engine, and turns the result into a Reply that any front end
// can show: the answer text with its [n] citations, a compact list of the
// cited passages, and flags such as "only the asker sees this" or "this is an
// answer that gets 👍/👎 buttons".
//
// It also owns the rules every front end must keep when it displays text:
// Discord's 2000-character limit (Split cuts at paragraph and sentence
// boundaries), and text that must not ping anyone (Sanitize defuses
// @everyone and @here; on Discord allowed_mentions is the real guard).
//
// The Discord adapter (bot/discord) and the local console (bot/console) both
// use it, so the console shows exactly what Discord would.
package command
