// Package answer is Leviathan's answering engine: it takes a question (and
// the earlier turns of a conversation), retrieves passages of the text, and
// answers with citations that point to exactly those passages.
//
// Without a language model the answers are extractive: sentences quoted from
// the text, each cited. With one (any OpenAI-compatible backend, through the
// bot.LLM interface, implemented in bot/llm) the answer is prose grounded in
// the numbered passages; its citations are checked, and any failure of the
// backend falls back to the extractive answer with a notice. Everything the
// model writes passes the output checks (output.go: links, citation forms,
// source lists, invisible characters, code fences; quotes.go: quotations
// not in the text are marked) before anyone sees it, streamed or not.
// Questions about the text as a whole get the whole text (wholetext.go).
//
// The front ends (bot/discord, bot/console, the command line) share this
// engine through the small interfaces they declare; the engine knows nothing
// of them.
package answer
