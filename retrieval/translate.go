package retrieval

// translate returns the analyzer stems of a question word's translations
// into the language of the texts: for a German text an English word's
// German translations, for an English one a German word's English ones,
// for texts of either (lang "") both. Translating toward a language the
// text is not in finds nothing but accidents: "kochen" would find Tim Cook.
// Nil without a dictionary.
func (d *Dictionary) translate(t Token, lang string) []string {
	if d == nil {
		return nil
	}
	var ways [][]string
	if lang != "en" {
		ways = append(ways, d.ToGerman(EnglishKey(t.Word)))
	}
	if lang != "de" {
		ways = append(ways, d.ToEnglish(GermanKey(t.Word)))
	}
	var out []string
	for _, alts := range ways {
		for _, a := range alts {
			// The dictionary translates into function words too ("safety"
			// gives »sich« of "sich sicher fühlen"): they are no evidence.
			if a != "" && !isStopword(a) && !containsString(t.Stems, a) && !containsString(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}
