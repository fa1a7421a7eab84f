package answer

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
)

func TestQuotationsAreChecked(t *testing.T) {
	const verbatim = "Indem große Unternehmen Wissen und Daten monopolisieren, zentralisieren sie die algorithmischen Mittel"
	tests := []struct {
		name, in, want string
		german         bool
		unverified     int
	}{
		{"verbatim in »«", "Er schreibt: »" + verbatim + "« [1].", "", true, 0},
		{"verbatim in „“", "Er schreibt: „" + verbatim + "“ [1].", "", true, 0},
		{"verbatim in \"\"", "He writes \"" + verbatim + "\" [1].", "", false, 0},
		{"verbatim, its own period", "„Das Endergebnis ist eine allgemeine Stagnation der Weltwirtschaft.“ [1]", "", true, 0},
		{"starts mid-sentence, capitalized", "„Große Unternehmen Wissen und Daten monopolisieren“ [1]", "", true, 0},
		{"nested quote marks differ", "„den ich an anderer Stelle als ›Technofeudalismus‹ bezeichnet habe“ [1]", "", true, 0},
		{"decomposed umlauts", "„Indem gro\u00dfe Unternehmen Wissen und Daten monopolisieren, zentralisieren sie die algorithmischen Mittel zur Koordinierung menschlicher Aktivita\u0308ten“", "", true, 0},
		{"line break and extra spaces", "„Indem große  Unternehmen\nWissen und Daten monopolisieren“", "", true, 0},
		{"ellipsis joins two verbatim pieces", "„Indem große Unternehmen … die algorithmischen Mittel zur Koordinierung“ [1]", "", true, 0},
		{"[…] joins too", "„Indem große Unternehmen […] die algorithmischen Mittel“ [1]", "", true, 0},
		{"pieces out of order are not verbatim", "„die algorithmischen Mittel … Indem große Unternehmen“ [1]",
			"*[nicht im Text: die algorithmischen Mittel … Indem große Unternehmen]* [1]", true, 1},
		{"invented", "Er schreibt: „Die Plattformen sind die neuen Lehnsherren des Kapitals“ [1].",
			"Er schreibt: *[nicht im Text: Die Plattformen sind die neuen Lehnsherren des Kapitals]* [1].", true, 1},
		{"invented, English marks", "He writes: \"The platforms are the new feudal lords\" [1].",
			"He writes: *[not in the text: The platforms are the new feudal lords]* [1].", false, 1},
		{"one word changed", "„Indem große Konzerne Wissen und Daten monopolisieren“", "*[nicht im Text: Indem große Konzerne Wissen und Daten monopolisieren]*", true, 1},
		{"a case change inside is not verbatim", "„indem große unternehmen wissen und daten monopolisieren“", "*[nicht im Text: indem große unternehmen wissen und daten monopolisieren]*", true, 1},
		{"short quotes are terms, not checked", "Er nennt das „digitale Rente“ und »neue Lehnsherren«.", "", true, 0},
		{"a translation in brackets after a German quote", "He writes „" + verbatim + "“ (“By monopolizing knowledge and data, large companies centralize”) [1].", "", false, 0},
		{"a labelled translation", "He writes „" + verbatim + "“ [English: \"By monopolizing knowledge and data, big firms\"] [1].", "", false, 0},
		{"a translation of an invented quote stays, the quote is marked",
			"He writes „Die Plattformen sind die neuen Lehnsherren“ (“The platforms are the new lords”).",
			"He writes *[not in the text: Die Plattformen sind die neuen Lehnsherren]* (“The platforms are the new lords”).", false, 1},
		{"English text in quotes that is no translation is checked", "Durand calls it \"a new form of feudal rule\" [1] and \"the rule of big tech firms\" [2].",
			"Durand calls it *[not in the text: a new form of feudal rule]* [1] and *[not in the text: the rule of big tech firms]* [2].", false, 2},
		{"the title is in the text", "Der Essay „Zerbrechlicher Leviathan“ von Durand; englisch „Fragile Leviathan“.", "", true, 0},
		{"a verbatim block quote", "Er schreibt:\n> " + verbatim + " [1]\n\nDas heißt …", "", true, 0},
		{"a block quote in quotation marks", "> „" + verbatim + "“ [1]", "", true, 0},
		{"an invented block quote", "Er schreibt:\n> Die Plattformen sind die neuen Lehnsherren. [1]\n>\n>> Und das bleibt so für immer\nEnde.",
			"Er schreibt:\n> *[nicht im Text: Die Plattformen sind die neuen Lehnsherren.]* [1]\n>\n> *[nicht im Text: Und das bleibt so für immer]*\nEnde.", true, 2},
		{"a short block quote is not checked", "> Kurz und gut.", "", true, 0},
		{"an unclosed invented quotation is closed and marked", "Er sagt „Die Plattformen sind die neuen Lehnsherren\n\nNeuer Absatz.",
			"Er sagt *[nicht im Text: Die Plattformen sind die neuen Lehnsherren]*\n\nNeuer Absatz.", true, 1},
		{"an invented quotation over a line break", "„Die Plattformen sind\ndie neuen Lehnsherren“ [1]", "*[nicht im Text: Die Plattformen sind die neuen Lehnsherren]* [1]", true, 1},
		{"an unclosed verbatim quotation is closed", "Er schreibt »" + verbatim, "Er schreibt »" + verbatim + "«", true, 0},
		{"markdown inside a mark is escaped", "„Die *Plattformen* sind neue [Lehnsherren]“", `*[nicht im Text: Die \*Plattformen\* sind neue (Lehnsherren)]*`, true, 1},
	}
	q := newQuoteChecker(content.Load())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n := q.mark(tc.in, "", tc.german, nil)
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if got != want || n != tc.unverified {
				t.Errorf("mark(%q)\n got %q (%d)\nwant %q (%d)", tc.in, got, n, want, tc.unverified)
			}
		})
	}
}

// A quotation of the user's question is not a claim about the text.
func TestQuotingTheQuestionIsNotChecked(t *testing.T) {
	q := newQuoteChecker(content.Load())
	in := "You asked \"what does the author mean by technofeudalism\" – he means [1]."
	if got, n := q.mark(in, "What does the author mean by technofeudalism?", false, nil); got != in || n != 0 {
		t.Errorf("mark = %q (%d)", got, n)
	}
}

// Every quotation of the essay's own text passes, whatever marks the
// essay uses around it.
func TestEveryEssaySentencePasses(t *testing.T) {
	q := newQuoteChecker(content.Load())
	n := 0
	for _, p := range content.Load().Passages {
		for s := range strings.SplitSeq(p.Text, ". ") {
			if wordCount(s) < minQuoteWords || strings.ContainsAny(s, "„“»«\"") {
				continue
			}
			n++
			if got, bad := q.mark("„"+s+"“", "", true, nil); bad != 0 {
				t.Errorf("%s: %q marked: %q", p.Label, s, got)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d sentences checked", n)
	}
}
