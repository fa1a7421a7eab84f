package command

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MessageLimit is Discord's limit on a message's content. Discord counts
// UTF-16 code units (it is a JavaScript string length), which Len does too.
const MessageLimit = 2000

// SourcesHeading starts the source list under an answer. Conversations read
// from Discord cut a bot message here, so the list does not end up in the
// history sent to the engine.
const SourcesHeading = "**Quellen / Sources**"

// Len is the length of s as Discord counts it: UTF-16 code units.
func Len(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

var massMention = regexp.MustCompile(`(?i)@(everyone|here)`)

// Sanitize makes text safe to display: @everyone and @here get a zero-width
// joiner after the @ so they are shown but cannot ping, even where a
// message goes out without allowed_mentions. User and role mentions are left
// as they are: allowed_mentions with parse [] keeps them silent, and
// rewriting them would garble quotes of messages.
func Sanitize(s string) string {
	return massMention.ReplaceAllString(s, "@\u200d$1")
}

// footnoteRef is a footnote marker as the essay's Markdown writes it
// ("…«[^2]"). Discord shows it literally, so it is rewritten to the label
// /quote takes for the note.
var footnoteRef = regexp.MustCompile(`\[\^(\d+)\]`)

// display is text as a front end shows it: footnote markers as labels,
// mass mentions defused.
func display(s string) string {
	return Sanitize(footnoteRef.ReplaceAllString(s, "[Fn$1]"))
}

// Excerpt shortens s to about n characters at a word boundary, with "…".
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := s[:byteIndexOfRune(s, n)]
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.–-") + "…"
}

// byteIndexOfRune returns the byte offset of the n-th rune of s (len(s) if
// s is shorter).
func byteIndexOfRune(s string, n int) int {
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}

// Body is the reply as one text: notice, text and source list, sanitised.
func (r Reply) Body() string {
	var b strings.Builder
	if r.Notice != "" {
		fmt.Fprintf(&b, "*%s*\n\n", strings.TrimSpace(r.Notice))
	}
	b.WriteString(strings.TrimSpace(r.Text))
	if len(r.Sources) > 0 {
		b.WriteString("\n\n" + SourcesHeading)
		for _, s := range r.Sources {
			fmt.Fprintf(&b, "\n[%d] %s · %s — „%s“", s.N, s.Label, s.Section, s.Excerpt)
		}
	}
	return display(b.String())
}

// Messages is the reply split into Discord messages of at most limit
// characters (MessageLimit when limit is 0).
func (r Reply) Messages(limit int) []string {
	return Split(r.Body(), limit)
}

// Preview is text still being written (a streaming answer) as one message:
// sanitised, and cut with "…" when it is too long, since the final answer
// will be split properly anyway.
func Preview(text string) string {
	text = display(strings.TrimSpace(text)) + " ▍"
	if Len(text) <= MessageLimit {
		return text
	}
	return cutTo(text, MessageLimit-2) + " …"
}

// cutTo returns the longest prefix of s that is at most n characters
// (Len) long, on a rune boundary.
func cutTo(s string, n int) string {
	used := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if used+w > n {
			return s[:i]
		}
		used += w
	}
	return s
}

// Split cuts text into parts of at most limit characters (MessageLimit when
// limit is 0), preferring, in order, a paragraph break, a line break, the end
// of a sentence and a space in the second half of the window; only a text
// with no such place is cut mid-word. Parts are trimmed and never empty.
func Split(text string, limit int) []string {
	if limit <= 0 {
		limit = MessageLimit
	}
	text = strings.TrimSpace(text)
	var parts []string
	for text != "" {
		if Len(text) <= limit {
			parts = append(parts, text)
			break
		}
		window := cutTo(text, limit)
		if window == "" {
			// The first character alone is longer than limit (an emoji,
			// two UTF-16 units, against a limit of one): it becomes its
			// own part, or the loop would never move on.
			_, size := utf8.DecodeRuneInString(text)
			window = text[:size]
		}
		at := cutPoint(window)
		part := strings.TrimSpace(text[:at])
		if part == "" { // only whitespace before the cut: cut hard
			part, at = window, len(window)
		}
		parts = append(parts, part)
		text = strings.TrimSpace(text[at:])
	}
	return parts
}

// cutPoint returns where to end a part within window (a byte offset).
func cutPoint(window string) int {
	half := len(window) / 2
	if i := strings.LastIndex(window, "\n\n"); i > half {
		return i
	}
	if i := strings.LastIndexByte(window, '\n'); i > half {
		return i
	}
	if i := lastSentenceEnd(window); i > half {
		return i
	}
	if i := strings.LastIndexFunc(window, unicode.IsSpace); i > half {
		return i
	}
	return len(window)
}

// lastSentenceEnd returns the offset just after the last ".", "!", "?" or
// "…" (with any closing quote or bracket) that is followed by a space, or -1.
func lastSentenceEnd(s string) int {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ' ' {
			continue
		}
		j := i
		for j > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:j])
			if strings.ContainsRune("»«“”\"')]", r) {
				j -= size
				continue
			}
			if strings.ContainsRune(".!?…", r) {
				return i
			}
			break
		}
	}
	return -1
}

// StripSources returns a bot message without its source list, for the
// history of a conversation.
func StripSources(msg string) string {
	if i := strings.Index(msg, SourcesHeading); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
