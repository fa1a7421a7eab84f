// Package bot is Leviathan's answering engine: it takes a question (and the
// earlier turns of a conversation), retrieves passages of the essay, and
// answers with citations that point to exactly those passages.
//
// Without a language model the answers are extractive: sentences quoted from
// the essay, each cited. With one (any OpenAI-compatible backend, through the
// LLM interface declared here and implemented in bot/llm) the answer is prose
// grounded in the numbered passages; its citations are checked, and any
// failure of the backend falls back to the extractive answer with a notice.
//
// The front ends live in subpackages and share this engine: bot/discord (the
// Discord adapter) and bot/console (the local console). The engine knows
// nothing of them.
package bot
