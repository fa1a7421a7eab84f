package content

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"
)

// fontObfuscation are the encryption algorithms EPUBs use to scramble
// embedded fonts (IDPF, Adobe). They leave the text readable; any other
// algorithm in META-INF/encryption.xml is DRM.
var fontObfuscation = map[string]bool{
	"http://www.idpf.org/2008/embedding": true,
	"http://ns.adobe.com/pdf/enc#RC":     true,
}

// parseEPUB reads an EPUB: the package document (OPF) named by
// META-INF/container.xml gives the metadata and the reading order (spine);
// each chapter of the spine is read with the HTML parser, sections and
// numbering running on across chapters. An EPUB whose content is encrypted
// (DRM) is refused with ErrDRM. limit bounds every unpacked part, and four
// times limit all of them.
func parseEPUB(data []byte, b *builder, limit int64) (Meta, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Meta{}, fmt.Errorf("couldn't open the EPUB as a ZIP archive: %w", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	// A ZIP can unpack to far more than it weighs: every part is bounded by
	// limit, and all parts together by a few times that.
	budget := 4 * limit
	read := func(name string) ([]byte, error) {
		f, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s is missing", name)
		}
		if f.UncompressedSize64 > uint64(limit) {
			return nil, fmt.Errorf("%s unpacks to %d bytes, the limit is %d", name, f.UncompressedSize64, limit)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("couldn't open %s: %w", name, err)
		}
		defer rc.Close()
		// The header's size may lie; the reader is bounded all the same.
		b, err := io.ReadAll(io.LimitReader(rc, limit+1))
		if err != nil {
			return nil, fmt.Errorf("couldn't unpack %s: %w", name, err)
		}
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("%s unpacks to more than %d bytes", name, limit)
		}
		if budget -= int64(len(b)); budget < 0 {
			return nil, fmt.Errorf("the EPUB unpacks to more than %d bytes", 4*limit)
		}
		return b, nil
	}
	if err := checkDRM(files, read); err != nil {
		return Meta{}, err
	}
	containerXML, err := read("META-INF/container.xml")
	if err != nil {
		return Meta{}, err
	}
	var container struct {
		Rootfiles []struct {
			FullPath  string `xml:"full-path,attr"`
			MediaType string `xml:"media-type,attr"`
		} `xml:"rootfiles>rootfile"`
	}
	if err := xml.Unmarshal(containerXML, &container); err != nil {
		return Meta{}, fmt.Errorf("couldn't read META-INF/container.xml: %w", err)
	}
	opfPath := ""
	for _, r := range container.Rootfiles {
		if r.MediaType == "" || r.MediaType == "application/oebps-package+xml" {
			opfPath = r.FullPath
			break
		}
	}
	if opfPath == "" {
		return Meta{}, fmt.Errorf("META-INF/container.xml names no package document")
	}
	opfXML, err := read(opfPath)
	if err != nil {
		return Meta{}, err
	}
	var pkg opfPackage
	if err := xml.Unmarshal(opfXML, &pkg); err != nil {
		return Meta{}, fmt.Errorf("couldn't read the package document %s: %w", opfPath, err)
	}
	items := map[string]opfItem{}
	for _, it := range pkg.Manifest {
		items[it.ID] = it
	}
	dir := path.Dir(opfPath)
	for _, ref := range pkg.Spine {
		it, ok := items[ref.IDRef]
		if !ok {
			continue
		}
		switch it.MediaType {
		case "application/xhtml+xml", "text/html", "application/x-dtbook+xml":
		default:
			continue
		}
		href := it.Href
		if u, err := url.PathUnescape(href); err == nil {
			href = u
		}
		href, _, _ = strings.Cut(href, "#")
		name := path.Join(dir, href)
		chapter, err := read(name)
		if err != nil {
			return Meta{}, err
		}
		// A stray bad byte must not cost the whole book.
		if !utf8.Valid(chapter) {
			chapter = bytes.ToValidUTF8(chapter, []byte("\uFFFD"))
		}
		if _, err := parseHTML(chapter, b); err != nil {
			return Meta{}, fmt.Errorf("couldn't read the chapter %s: %w", name, err)
		}
	}
	return pkg.meta(), nil
}

// checkDRM refuses EPUBs whose content is encrypted: Adobe ADEPT and others
// put a META-INF/rights.xml beside an encryption.xml that encrypts the
// chapters. Font obfuscation alone is not DRM.
func checkDRM(files map[string]*zip.File, read func(string) ([]byte, error)) error {
	const advice = "only DRM-free EPUBs can be read; use a DRM-free edition"
	if _, ok := files["META-INF/rights.xml"]; ok {
		return fmt.Errorf("%w: the EPUB has META-INF/rights.xml (a DRM licence); %s", ErrDRM, advice)
	}
	if _, ok := files["META-INF/encryption.xml"]; !ok {
		return nil
	}
	enc, err := read("META-INF/encryption.xml")
	if err != nil {
		return err
	}
	var doc struct {
		Data []struct {
			Method struct {
				Algorithm string `xml:"Algorithm,attr"`
			} `xml:"EncryptionMethod"`
			Cipher struct {
				Reference struct {
					URI string `xml:"URI,attr"`
				} `xml:"CipherReference"`
			} `xml:"CipherData"`
		} `xml:"EncryptedData"`
	}
	if err := xml.Unmarshal(enc, &doc); err != nil {
		return fmt.Errorf("%w: META-INF/encryption.xml cannot be read (%v); %s", ErrDRM, err, advice)
	}
	for _, d := range doc.Data {
		if !fontObfuscation[d.Method.Algorithm] {
			return fmt.Errorf("%w: META-INF/encryption.xml encrypts %s; %s", ErrDRM, d.Cipher.Reference.URI, advice)
		}
	}
	return nil
}

type opfItem struct {
	ID        string `xml:"id,attr"`
	Href      string `xml:"href,attr"`
	MediaType string `xml:"media-type,attr"`
}

type opfPerson struct {
	Name string `xml:",chardata"`
	Role string `xml:"role,attr"` // EPUB 2: opf:role="aut", "trl"
	ID   string `xml:"id,attr"`
}

// opfPackage is the part of the package document a library needs. Dublin
// Core elements are matched by local name, whatever their prefix.
type opfPackage struct {
	Titles       []string    `xml:"metadata>title"`
	Creators     []opfPerson `xml:"metadata>creator"`
	Contributors []opfPerson `xml:"metadata>contributor"`
	Languages    []string    `xml:"metadata>language"`
	Dates        []string    `xml:"metadata>date"`
	Sources      []string    `xml:"metadata>source"`
	Publishers   []string    `xml:"metadata>publisher"`
	Metas        []struct {
		Refines  string `xml:"refines,attr"`
		Property string `xml:"property,attr"`
		Value    string `xml:",chardata"`
	} `xml:"metadata>meta"`
	Manifest []opfItem `xml:"manifest>item"`
	Spine    []struct {
		IDRef string `xml:"idref,attr"`
	} `xml:"spine>itemref"`
}

func (p *opfPackage) meta() Meta {
	// EPUB 3 gives roles as <meta refines="#id" property="role">.
	roles := map[string]string{}
	for _, m := range p.Metas {
		if m.Property == "role" {
			roles[strings.TrimPrefix(m.Refines, "#")] = strings.TrimSpace(m.Value)
		}
	}
	var authors, translators []string
	for _, c := range append(append([]opfPerson{}, p.Creators...), p.Contributors...) {
		name := collapseSpace(c.Name)
		role := c.Role
		if r := roles[c.ID]; r != "" {
			role = r
		}
		switch {
		case name == "":
		case role == "trl":
			translators = append(translators, name)
		case role == "aut" || role == "" && containsPerson(p.Creators, c):
			authors = append(authors, name)
		}
	}
	first := func(ss []string) string {
		for _, s := range ss {
			if s = collapseSpace(s); s != "" {
				return s
			}
		}
		return ""
	}
	return Meta{
		Title:       first(p.Titles),
		Author:      strings.Join(authors, ", "),
		Translators: strings.Join(translators, ", "),
		Language:    normLanguage(first(p.Languages)),
		Published:   first(p.Dates),
		Source:      first(append(append([]string{}, p.Sources...), p.Publishers...)),
	}
}

func containsPerson(list []opfPerson, p opfPerson) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}
