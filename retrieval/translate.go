package retrieval

// translate returns the analyzer stems of a question word's translations,
// both ways (the analyzer does not know the question's language, and a
// word can be both): an English word's German translations and a German
// word's English ones. Nil without a dictionary.
func (d *Dictionary) translate(t Token) []string {
	if d == nil {
		return nil
	}
	var out []string
	for _, alts := range [][]string{d.ToGerman(EnglishKey(t.Word)), d.ToEnglish(GermanKey(t.Word))} {
		for _, a := range alts {
			if a != "" && !containsString(t.Stems, a) && !containsString(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}
