package answer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

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
	seen := map[int]bool{}
	var cited []int
	out := replaceApart(citeGroup, text, func(m string) string {
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
			keep = append(keep, strconv.Itoa(k))
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
