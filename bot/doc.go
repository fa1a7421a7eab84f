// Package bot holds what Leviathan's talking parts share: the request and
// answer types that pass between the front ends (bot/discord, bot/console,
// bot/command) and the answering engine (bot/answer), and the LLM interface
// the engine talks to (implemented in bot/llm).
//
// It is deliberately small and imports nothing heavy, so that a front end
// depends on the engine's types without linking the vector store, the model
// client or the text analysis.
package bot
