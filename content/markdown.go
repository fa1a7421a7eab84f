package content

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"gopkg.in/yaml.v3"
)

// markdown parses CommonMark with footnotes; nothing is rendered, the parser
// only finds the blocks.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Footnote))

// parseMarkdown reads CommonMark with optional YAML front matter. Headings
// start sections; paragraphs and list items are body passages; paragraphs in
// block quotes are quote passages; [^n] footnotes are note passages. Code
// blocks, HTML blocks (comments, layout) and thematic breaks are not prose
// and are left out. A passage is the block's source lines joined by a space:
// Markdown inline syntax (*emphasis*, [^1] markers) is kept, so a passage is
// found verbatim in the file once line breaks count as spaces.
func parseMarkdown(src []byte, b *builder) (Meta, error) {
	body, fm, err := splitFrontMatter(src)
	if err != nil {
		return Meta{}, err
	}
	meta, err := parseFrontMatter(fm)
	if err != nil {
		return Meta{}, err
	}
	doc := markdown.Parser().Parse(text.NewReader(body))
	var walk func(n ast.Node, kind Kind)
	walk = func(n ast.Node, kind Kind) {
		switch n := n.(type) {
		case *ast.Heading:
			b.heading(blockLines(n, body))
		case *ast.Paragraph, *ast.TextBlock:
			b.paragraph(kind, blockLines(n, body))
		case *ast.Blockquote:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				walk(c, KindQuote)
			}
		case *extast.FootnoteList:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				fn, ok := c.(*extast.Footnote)
				if !ok {
					continue
				}
				var parts []string
				for p := fn.FirstChild(); p != nil; p = p.NextSibling() {
					if s := blockLines(p, body); s != "" {
						parts = append(parts, s)
					}
				}
				b.footnote(string(fn.Ref), strings.Join(parts, " "))
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *ast.ThematicBreak:
		default:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				walk(c, kind)
			}
		}
	}
	walk(doc, KindBody)
	return meta, nil
}

// blockLines is a leaf block's source text, its lines trimmed and joined by
// a space.
func blockLines(n ast.Node, src []byte) string {
	if n.Type() != ast.TypeBlock {
		return ""
	}
	lines := n.Lines()
	var parts []string
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if s := strings.TrimSpace(string(seg.Value(src))); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

var errFrontMatter = errors.New("front matter starts with --- but has no closing --- line")

// splitFrontMatter cuts a leading "---" … "---" block off src.
func splitFrontMatter(src []byte) (body, fm []byte, err error) {
	first, rest, ok := bytes.Cut(src, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return src, nil, nil
	}
	for off := 0; off < len(rest); {
		line := rest[off:]
		end := bytes.IndexByte(line, '\n')
		if end < 0 {
			end = len(line)
		} else {
			line = line[:end]
		}
		if s := string(bytes.TrimRight(line, " \t\r")); s == "---" || s == "..." {
			next := off + end + 1
			if next > len(rest) {
				next = len(rest)
			}
			return rest[next:], rest[:off], nil
		}
		off += end + 1
	}
	return nil, nil, errFrontMatter
}

// frontMatter is the YAML header of a Markdown text. Author and translators
// may be one string or a list.
type frontMatter struct {
	Title               string     `yaml:"title"`
	OriginalTitle       string     `yaml:"original_title"`
	Author              stringList `yaml:"author"`
	Authors             stringList `yaml:"authors"`
	Translators         stringList `yaml:"translators"`
	Language            string     `yaml:"language"`
	Lang                string     `yaml:"lang"`
	Published           string     `yaml:"published"`
	Date                string     `yaml:"date"`
	OriginalPublication string     `yaml:"original_publication"`
	Source              string     `yaml:"source"`
}

type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = stringList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*l = list
	return nil
}

func parseFrontMatter(fm []byte) (Meta, error) {
	if len(bytes.TrimSpace(fm)) == 0 {
		return Meta{}, nil
	}
	var f frontMatter
	if err := yaml.Unmarshal(fm, &f); err != nil {
		return Meta{}, fmt.Errorf("couldn't read the front matter: %w", err)
	}
	first := func(ss ...string) string {
		for _, s := range ss {
			if s = strings.TrimSpace(s); s != "" {
				return s
			}
		}
		return ""
	}
	return Meta{
		Title:               first(f.Title),
		OriginalTitle:       first(f.OriginalTitle),
		Author:              first(strings.Join(f.Author, ", "), strings.Join(f.Authors, ", ")),
		Translators:         strings.Join(f.Translators, ", "),
		OriginalPublication: first(f.OriginalPublication),
		Language:            normLanguage(first(f.Language, f.Lang)),
		Published:           first(f.Published, f.Date),
		Source:              first(f.Source),
	}, nil
}
