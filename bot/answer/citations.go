package answer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// citeGroup matches a citation: [3], [1, 2], [1; 4]. Runs such as [1][2]
// are two matches.
var citeGroup = regexp.MustCompile(` ?\[\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\]`)

var digits = regexp.MustCompile(`\d+`)

// checkCitations keeps the numbers of passages that were given (1..n) and
// removes every other one from text, so that no citation points nowhere.
// It returns the checked text and the numbers cited, ascending, each once.
func checkCitations(text string, n int) (string, []int) {
	text = cleanOutput(text)
	seen := map[int]bool{}
	var cited []int
	out := citeGroup.ReplaceAllStringFunc(text, func(m string) string {
		lead := ""
		if m[0] != '[' {
			lead = m[:1]
		}
		var keep []string
		for _, d := range digits.FindAllString(m, -1) {
			k, err := strconv.Atoi(d)
			if err != nil || k < 1 || k > n {
				continue
			}
			keep = append(keep, d)
			if !seen[k] {
				seen[k] = true
				cited = append(cited, k)
			}
		}
		if len(keep) == 0 {
			return ""
		}
		return lead + "[" + strings.Join(keep, ", ") + "]"
	})
	slices.Sort(cited)
	return strings.TrimSpace(out), cited
}

// unfinishedCite matches a citation still being streamed ("… [4"), which
// is held back until it is complete and can be checked.
var unfinishedCite = regexp.MustCompile(` ?\[[\d,; ]*$`)

// checkPartial checks text that is still being written.
func checkPartial(text string, n int) string {
	out, _ := checkCitations(unfinishedCite.ReplaceAllString(text, ""), n)
	return out
}

// citationsFor lists the cited passages under the numbers they had in the
// prompt, so that the text and the list agree.
func citationsFor(cited []int, ps []content.Passage) []bot.Citation {
	out := make([]bot.Citation, 0, len(cited))
	for _, k := range cited {
		p := ps[k-1]
		out = append(out, bot.Citation{N: k, ID: p.ID, Label: p.Label, Section: p.Section, Kind: p.Kind, Text: p.Text})
	}
	return out
}

// cleanOutput drops what a model may write that no reader should get: control
// characters other than line breaks and tabs (an escape sequence printed by
// `ask` or the console would drive the user's terminal: colours, the window
// title, worse) and the bidi overrides that make text read differently from
// what it is. Carriage returns go too, so "\r\n" becomes "\n". Other format
// characters stay: the zero-width joiner builds emoji and the soft hyphen is
// harmless. The check runs on partial text as well, so a streamed preview is
// as clean as the final answer.
func cleanOutput(s string) string {
	if !strings.ContainsFunc(s, unwantedRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unwantedRune(r) {
			return -1
		}
		return r
	}, s)
}

func unwantedRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
