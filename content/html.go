package content

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlSkip are elements that are not the text: site navigation, page
// furniture, scripts, forms and media.
var htmlSkip = map[atom.Atom]bool{
	atom.Head: true, atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Form: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Label: true,
	atom.Iframe: true, atom.Svg: true, atom.Math: true, atom.Menu: true, atom.Dialog: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Audio: true, atom.Video: true,
	atom.Map: true,
}

// htmlBlock are elements that end the paragraph before them and start a new
// one; everything else (links, emphasis, spans) runs inside a paragraph.
var htmlBlock = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Blockquote: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Table: true, atom.Tr: true, atom.Pre: true, atom.Figure: true, atom.Figcaption: true,
	atom.Address: true, atom.Hr: true, atom.Body: true, atom.Center: true, atom.Details: true,
	atom.Summary: true, atom.Caption: true, atom.Hgroup: true, atom.Fieldset: true,
}

// parseHTML reads an HTML page: the <article> or <main> element when there
// is one, else the body. Headings start sections; paragraphs, list items and
// other blocks are body passages, block quotes quote passages; EPUB
// footnotes (epub:type="footnote" or "endnote") are note passages.
// Navigation, headers, footers, asides, scripts, styles and forms are
// dropped. Text is the page's text with entities decoded and white space
// collapsed. Metadata comes from <title>, <meta name="author">, the lang
// attribute and Dublin Core <meta> names.
func parseHTML(src []byte, b *builder) (Meta, error) {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return Meta{}, fmt.Errorf("couldn't parse the HTML: %w", err)
	}
	meta := htmlMeta(doc)
	root := findElement(doc, atom.Article)
	if root == nil {
		root = findElement(doc, atom.Main)
	}
	if root == nil {
		root = doc
	}
	w := &htmlWalker{b: b}
	w.walk(root)
	w.flush()
	return meta, nil
}

type htmlWalker struct {
	b     *builder
	buf   strings.Builder
	quote int
}

func (w *htmlWalker) flush() {
	text := collapseSpace(w.buf.String())
	w.buf.Reset()
	if text == "" {
		return
	}
	kind := KindBody
	if w.quote > 0 {
		kind = KindQuote
	}
	w.b.paragraph(kind, text)
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.buf.WriteString(n.Data)
		return
	case html.DocumentNode:
		w.children(n)
		return
	case html.ElementNode:
	default:
		return
	}
	if isNote(n) {
		w.flush()
		w.b.footnote("", collapseSpace(textOf(n)))
		return
	}
	if htmlSkip[n.DataAtom] || hidden(n) {
		w.buf.WriteByte(' ') // the words on either side are not one word
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.flush()
		w.b.heading(textOf(n))
		return
	case atom.Br, atom.Td, atom.Th:
		w.buf.WriteByte(' ')
	}
	if !htmlBlock[n.DataAtom] {
		w.children(n)
		return
	}
	w.flush()
	if n.DataAtom == atom.Blockquote {
		w.quote++
		defer func() { w.quote-- }()
	}
	w.children(n)
	w.flush()
}

func (w *htmlWalker) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// hidden reports elements a browser would not show or that mark themselves
// as page furniture.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			return a.Val == "true"
		case "role":
			switch a.Val {
			case "navigation", "banner", "contentinfo", "search", "complementary":
				return true
			}
		}
	}
	return false
}

// isNote reports an EPUB footnote or endnote (<aside epub:type="footnote">,
// also on other elements).
func isNote(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "epub:type" || a.Namespace == "epub" && a.Key == "type" {
			for _, t := range strings.Fields(a.Val) {
				if t == "footnote" || t == "endnote" || t == "rearnote" {
					return true
				}
			}
		}
	}
	return false
}

// textOf is the visible text under n (n itself is shown even if it is of
// a kind that is skipped elsewhere, such as a footnote's <aside>).
func textOf(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
		case n.Type == html.ElementNode && (htmlSkip[n.DataAtom] || hidden(n)):
		default:
			if n.Type == html.ElementNode && (n.DataAtom == atom.Br || htmlBlock[n.DataAtom]) {
				sb.WriteByte(' ')
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c)
	}
	return sb.String()
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// htmlMeta reads the page's metadata: <title>, <html lang>, and <meta>
// names for author, language and date (plain, Dublin Core and Open Graph).
func htmlMeta(doc *html.Node) Meta {
	var m Meta
	if h := findElement(doc, atom.Html); h != nil {
		m.Language = normLanguage(attr(h, "lang"))
		if m.Language == "" {
			m.Language = normLanguage(attr(h, "xml:lang"))
		}
	}
	if t := findElement(doc, atom.Title); t != nil {
		m.Title = collapseSpace(textOf(t))
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Meta {
			name := strings.ToLower(attr(n, "name") + attr(n, "property"))
			val := collapseSpace(attr(n, "content"))
			set := func(field *string) {
				if *field == "" {
					*field = val
				}
			}
			switch name {
			case "author", "dc.creator", "dcterms.creator", "article:author":
				set(&m.Author)
			case "dc.title", "dcterms.title", "og:title":
				set(&m.Title)
			case "dc.language", "dcterms.language", "language", "content-language":
				if m.Language == "" {
					m.Language = normLanguage(val)
				}
			case "date", "dc.date", "dcterms.date", "dcterms.issued", "article:published_time":
				set(&m.Published)
			case "dc.source", "dcterms.source", "og:url":
				set(&m.Source)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}
