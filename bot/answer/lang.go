package answer

import "github.com/leviathan-bot/leviathan/retrieval"

// isGerman reports whether a question is German rather than English, as
// retrieval's analyzer reads it. When it cannot tell (a lone keyword such
// as "Technofeudalismus"), the answer follows the text, which is German.
func isGerman(text string) bool { return retrieval.Language(text) != "en" }

// IsGerman reports whether text is German rather than English (undecided
// text counts as German, the essay's language). Front ends use it to label
// sources and notes in the language of the question.
func IsGerman(text string) bool { return isGerman(text) }
