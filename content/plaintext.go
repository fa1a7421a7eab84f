package content

import (
	"regexp"
	"strings"
)

// blankLine separates paragraphs of plain text: a line with nothing but
// white space on it.
var blankLine = regexp.MustCompile(`\n[ \t\f\v\r]*\n`)

// parsePlainText reads paragraphs separated by blank lines; the lines of a
// paragraph are joined by a space (plain text files wrap lines for display).
// Plain text has no headings, metadata or notes.
func parsePlainText(src string, b *builder) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	for _, block := range blankLine.Split(src, -1) {
		b.paragraph(KindBody, collapseSpace(block))
	}
}
