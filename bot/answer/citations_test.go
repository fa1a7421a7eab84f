package answer

import (
	"slices"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
)

func TestCheckCitations(t *testing.T) {
	tests := []struct {
		in, want string
		cited    []int
	}{
		{"A [1]. B [2].", "A [1]. B [2].", []int{1, 2}},
		{"A [1, 2] and [1;3].", "A [1, 2] and [1, 3].", []int{1, 2, 3}},
		{"A [3][1].", "A [3][1].", []int{1, 3}},
		{"A [42].", "A.", nil},
		{"A [42] B.", "A B.", nil},
		{"A [1, 42] B [0] C [5].", "A [1] B C [5].", []int{1, 5}},
		{"[6] first.", "first.", nil},
		{"A [ 2 ].", "A [2].", []int{2}},
		{"No citation.", "No citation.", nil},
		{"A [x] and [sic].", "A [x] and [sic].", nil},                // not citations: left as written
		{"In [99999] years [2].", "In [99999] years [2].", []int{2}}, // not a citation (too long)
	}
	for _, tc := range tests {
		got, cited := checkCitations(tc.in, 5)
		if got != tc.want || !slices.Equal(cited, tc.cited) {
			t.Errorf("checkCitations(%q) = %q %v, want %q %v", tc.in, got, cited, tc.want, tc.cited)
		}
	}
}

func TestCheckPartialHoldsBackUnfinishedCitations(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Die These [", "Die These"},
		{"Die These [4", "Die These"},
		{"Die These [1, 4", "Die These"},
		{"Die These [4]", "Die These [4]"},
		{"Die These [42]", "Die These"},
		{"Die These [42] geht", "Die These geht"},
	}
	for _, tc := range tests {
		if got := testChecker(5).partial(tc.in); got != tc.want {
			t.Errorf("checkPartial(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckCitationsCleansOutput(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rot\x1b[31m und Titel\x1b]0;pwned\x07 [1].", "Rot[31m und Titel]0;pwned [1]."},
		{"Zeile eins\r\nZeile zwei\t[2]", "Zeile eins\nZeile zwei\t[2]"},
		{"\u202eevil\u202c und \u2066gut\u2069 [1]", "evil und gut [1]"},
		{"NUL\x00 und C1\u009b weg", "NUL und C1 weg"},
		// Joiners build emoji and stay; so does ordinary text.
		{"Familie 👩\u200d👩\u200d👧 [1]", "Familie 👩\u200d👩\u200d👧 [1]"},
	}
	for _, tc := range tests {
		got := testChecker(2).check(tc.in).Text
		if got != tc.want {
			t.Errorf("check(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if partial := testChecker(2).partial(tc.in); strings.ContainsFunc(partial, unwantedRune) {
			t.Errorf("checkPartial(%q) = %q keeps a control character", tc.in, partial)
		}
	}
}

// testChecker checks against the essay's first n passages.
func testChecker(n int) *outputChecker {
	e := content.Load()
	return &outputChecker{ps: e.Passages[:n], essay: e, quotes: newQuoteChecker(e), german: true}
}
