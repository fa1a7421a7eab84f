package answer

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// Intent is what a question asks for, which decides how it is answered.
type Intent string

// The intents. Every question has exactly one; a follow-up is marked apart
// (Understanding.FollowUp), since "und wer leitet es?" is a fact question
// that leans on the previous turn.
const (
	// IntentEvidence: an ordinary question, answered by the best evidence.
	IntentEvidence Intent = "evidence"
	// IntentWhole: about the whole text (thesis, argument, what it is
	// about, a summary, how it ends): answered from the whole text, never
	// refused.
	IntentWhole Intent = "whole"
	// IntentMetadata: about the publication (author, title, translators,
	// where and when it appeared, language): answered from the front
	// matter and the notes.
	IntentMetadata Intent = "metadata"
	// IntentPassage: names a passage (¶12, "Fußnote 1", a section
	// heading): answered from that passage.
	IntentPassage Intent = "passage"
	// IntentDefinition: what a term is or means: the sentence that
	// introduces the term comes with the one that explains it.
	IntentDefinition Intent = "definition"
)

// Metadata fields a question can ask for.
const (
	FieldAuthor      = "author"
	FieldTranslators = "translators"
	FieldPublished   = "published"
	FieldTitle       = "title"
	FieldLanguage    = "language"
)

// Understanding is what a question asks for.
type Understanding struct {
	Intent Intent
	// FollowUp marks a question that leans on the previous turn (a
	// pronoun, "und …", "and what about …"): it is searched together with
	// the previous question and must not repeat the previous answer.
	FollowUp bool
	// Field is the metadata field asked for (IntentMetadata).
	Field string
	// Passages are the passages named (IntentPassage): one for a label,
	// a section's passages for a heading.
	Passages []content.Passage
	// Section is the heading named, if any (IntentPassage).
	Section string
	// Topic is what is left of the question once the words that only say
	// what kind of question it is are gone ("Technofeudalismus" in "Was
	// versteht er unter Technofeudalismus?"). It may be empty.
	Topic string
	// WholeCue marks a question asked the way one asks about the whole
	// text ("worum geht es …") that still has words of its own: a topic
	// if the text has evidence for them, else just more words of asking,
	// and then the whole text is what it asks about (see Engine.Ask).
	WholeCue bool
	// Query is what retrieval searches with: the question without the
	// author's name, which says whose text is meant, not what in it:
	// "laut Durand" must not find the one passage that cites
	// "Broder/Durand 2024".
	Query string
}

// The patterns read the form of a question in German and English: the
// words by which people ask for a summary, an author, a definition. They
// are the languages' ways of asking, not words of any text or of the
// evaluation questions; what a question is about comes from the text
// (labels, headings, metadata) and from retrieval.
var (
	wholeForm = regexp.MustCompile(`(?i)\b(wichtigsten (punkte|argumente|thesen|aussagen|gedanken)|rote[rn]? faden|quintessenz|überblick|ueberblick|in (einem|zwei|drei|wenigen|ein paar) sätzen|welche these|was (argumentiert|behauptet|will) (der|die|das) (autor|autorin|text|essay|beitrag)|was will uns|key (points|arguments|ideas|takeaways|claims)|recap|overview|outline|bottom line|in (one|a|two|three|a few) (sentence|sentences|words)|what (is|are) the (argument|arguments|point|points)|what does (the author|he|she|it|the \w+) (argue|claim|say|want to say|conclude)|worum geht|worauf .*hinaus|zu welchem schluss|(am|zum) (ende|schluss)\b|in the end|at the end|wovon handelt|wor(ü|ue)ber (schreibt|spricht|handelt)|(haupt|kern|grund|leit)(these|aussage|gedanke|argument)\w*|(zentrale|wichtigste|eigentliche) (these|aussage|argument|botschaft|gedanke)\w*|(die|seine|ihre|deren) these\b|im kern|zusammenfass\w*|fass\w* .*zusammen|(wie|womit) (endet|schlie(ß|ss)t)|schlussfolgerung\w*|fazit|res(ü|ue)mee|worauf l(ä|ae)uft|was will (der|die|das) (autor|autorin|text|essay|beitrag)|what'?s (it|this|that|(this|the) \w+)( all)? about|what (is|does) (it|this|that|(this|the) \w+)( all)? (about|say|argue)|(main|central|key|overall|core|basic) (thesis|argument|point|idea|claim|message|takeaway)s?|(the|its|his|her) thesis|summar\w*|sum (it )?up|gist|tl;?dr|in a nutshell|conclu\w*|how does (it|the \w+) end|what does (he|she|the author|the \w+) argue\b)`)

	metaAuthor      = regexp.MustCompile(`(?i)\b(wer (hat|hatte) .*(geschrieben|verfasst)|wer (schrieb|schreibt|verfasste|ist (der|die) (autor|autorin|verfasser|verfasserin))|von wem (ist|stammt)|wie hei(ß|ss)t (der|die) (autor|autorin|verfasser)|who (wrote|writes|authored|is the (author|writer))|(author|writer)'?s name|by whom was (it|the \w+) written)\b`)
	metaTranslators = regexp.MustCompile(`(?i)\b((wer|von wem|durch wen) .*(übersetzt|übertragen|uebersetzt)|übersetzer\w*|uebersetzer\w*|who .*translat\w*|translator\w*|by whom .*translat\w*)`)
	metaPublished   = regexp.MustCompile(`(?i)\b((wo|wann|in welche\w*) .*(erschien\w*|erschein\w*|veröffentlicht|publiziert)|erstveröffentlich\w*|ursprünglich .*(erschien|veröffentlicht)|(where|when|in which \w+) .*(publish\w*|appear\w*|c(a|o)me out)|original(ly)? (published|appeared)|first published)`)
	metaTitle       = regexp.MustCompile(`(?i)\b(wie (hei(ß|ss)t|lautet) (der|das) (text|essay|beitrag|artikel|titel)|welchen titel|what'?s? (is )?the (title|name) of|what is (it|the \w+) called|(der|the) titel?\b)`)
	metaLanguage    = regexp.MustCompile(`(?i)\b(in welcher sprache|welche sprache|originalsprache|what language|which language|original language)`)

	definitionForm = regexp.MustCompile(`(?i)^\W*(was (ist|sind|war|hei(ß|ss)t|bedeute[tn]|bezeichnet|meint|versteht)|what (is|are|was)\b|what'?s\b|what (does|do) .*\bmean|define|definition|erkl(ä|ae)r\w*|explain)`)

	// labelRef finds a passage named by label in running text.
	labelRef = regexp.MustCompile(`(?i)(¶\s*\d+[a-z]?|§\s*\d+|\b(absatz|abs\.|paragraph|paragraf|para)\s*\d+[a-z]?|\b(fu(ß|ss)note|anmerkung|footnote|note|fn)\s*\d+|\b(kolophon|colophon)\b)`)

	// followOpening and backReference mark a question that leans on the
	// previous turn: a conjunction at its start, or a pronoun or adverb
	// that means nothing without it. Both are closed classes of German
	// and English.
	followOpening = regexp.MustCompile(`(?i)^\W*(und|aber|also|auch|oder|and|but|also|so|what about|how about|und was|and what)\b`)
	// "es", "das" and "sie" are articles or pronouns of any question;
	// only at its end ("und wer leitet es?") do they point back.
	backReference = regexp.MustCompile(`(?i)\b(er|ihn|ihm|dies\w*|dort|damit|dazu|davon|darüber|dabei|dafür|dagegen|it|its|he|him|his|she|her|they|them|their|that|this|these|those)\b|\b(es|das|sie|ihn)\W*$`)
)

// pronoun matches a pronoun anywhere in a question ("Wer hat es
// blockiert?"): weaker evidence of a follow-up than backReference, used
// only when the question finds nothing on its own.
var pronoun = regexp.MustCompile(`(?i)\b(es|das|sie|ihn|ihm|ihr|ihre\w*|sein\w*|dort|damals|it|its|that|this|they|them|their|there|then)\b`)

// wholeWords are the words by which the patterns of wholeForm ask for the
// whole text; what is left of such a question once they are gone is its
// topic, if it has one.
var wholeWords = regexp.MustCompile(`(?i)^(worum|wovon|wor(ü|ue)ber|worauf|hinaus|handelt|geht|spricht|fass\w*|zusammen\w*|these\w*|haupt\w*|kern\w*|grund\w*|leit\w*|aussage\w*|gedanke\w*|argument\w*|botschaft\w*|zentral\w*|wichtigst\w*|eigentlich\w*|endet|ende|schlie(ß|ss)t|schluss\w*|fazit|res(ü|ue)mee|l(ä|ae)uft|kommt|punkte?|rote[rn]?|faden|quintessenz|(ü|ue)berblick|s(ä|ae)tze\w*|satz|behauptet|argumentiert|main|central|key|core|basic|overall|thesis|point\w*|idea\w*|claim\w*|message\w*|takeaway\w*|summar\w*|sum|gist|tl|dr|nutshell|conclu\w*|argue\w*|recap|overview|outline|bottom|line|sentence\w*|words?|about|say\w*|want)$`)

// textWords name a text or its author in general ("Text", "essay",
// "Autor"): in a question about the whole text they say nothing about a
// topic.
var textWords = regexp.MustCompile(`(?i)^(text\w*|essay\w*|artikel\w*|beitrag\w*|aufsatz\w*|buch\w*|book\w*|article\w*|piece|autor\w*|author\w*|verfasser\w*|writer\w*|schreibt|writes?|sagt|says?|argument\w*|geht|handelt|` +
	// The words of asking politely or briefly, which name no topic
	// either: "Kannst du mir kurz sagen, …", "im Großen und Ganzen",
	// "give me the gist".
	`kannst|könntest|koenntest|bitte|mal|kurz\w*|einfach|genau|eigentlich|überhaupt|insgesamt|allgemein\w*|sag\w*|erzähl\w*|erklär\w*|gib|geben|please|tell|give|brief\w*|quick\w*|short|overall|general\w*|whole)$`)

// documentNouns name the text or its author in general.
var documentNouns = regexp.MustCompile(`(?i)^(text\w*|essay\w*|artikel\w*|beitrag\w*|aufsatz\w*|buch\w*|book\w*|article\w*|piece|autor\w*|author\w*|verfasser\w*|writer\w*)$`)

// namesDocument reports whether a question speaks of the text itself.
func namesDocument(q string) bool {
	for _, t := range retrieval.Analyze(q) {
		if documentNouns.MatchString(t.Word) {
			return true
		}
	}
	return false
}

// Understand decides what a question asks for, given the text it is about
// and the conversation so far.
func Understand(q string, history []bot.Turn, essay *content.Essay) Understanding {
	u := Understanding{Intent: IntentEvidence}
	if ps, section := namedPassages(q, essay); len(ps) > 0 {
		u.Intent, u.Passages, u.Section = IntentPassage, ps, section
		u.Topic = topicOf(labelRef.ReplaceAllString(strings.ReplaceAll(q, section, " "), " "), essay, nil)
		return u
	}
	if f := metadataField(q); f != "" {
		u.Intent, u.Field = IntentMetadata, f
		return u
	}
	if wholeForm.MatchString(q) {
		// "Fasse den Teil über China zusammen" is about China, not the
		// whole text; "Worum geht es in dem Text?" has no topic left once
		// the words of asking for the whole are gone.
		if topic := topicOf(q, essay, wholeWords); topic == "" {
			u.Intent = IntentWhole
			return u
		}
		u.WholeCue = true
	}
	u.Topic = topicOf(q, essay, nil)
	u.Query = withoutMetadata(q, essay)
	if definitionForm.MatchString(q) && u.Topic != "" {
		u.Intent = IntentDefinition
	}
	u.FollowUp = len(history) > 0 && leansOnHistory(q)
	return u
}

// leansOnHistory reports whether a question needs the previous turn to be
// understood.
func leansOnHistory(q string) bool {
	return followOpening.MatchString(q) || backReference.MatchString(q) || len(retrieval.Analyze(q)) <= 1
}

// metadataField names the publication detail a question asks for, or "".
func metadataField(q string) string {
	switch {
	case metaTranslators.MatchString(q):
		return FieldTranslators
	case metaAuthor.MatchString(q):
		return FieldAuthor
	case metaPublished.MatchString(q):
		return FieldPublished
	case metaLanguage.MatchString(q):
		return FieldLanguage
	case metaTitle.MatchString(q):
		return FieldTitle
	}
	return ""
}

// metaWords are the folded words of the text's title and author.
func metaWords(essay *content.Essay) map[string]bool {
	meta := map[string]bool{}
	for _, field := range []string{essay.Meta.Title, essay.Meta.OriginalTitle, essay.Meta.Author} {
		for _, t := range retrieval.Analyze(field) {
			meta[t.Folded] = true
		}
	}
	return meta
}

// topicOf returns the content words of text that are not the text's own
// metadata (its title and author's name) nor words that name a text:
// what a question is about.
func topicOf(text string, essay *content.Essay, also *regexp.Regexp) string {
	meta := metaWords(essay)
	var words []string
	for _, t := range retrieval.Analyze(text) {
		if !meta[t.Folded] && !textWords.MatchString(t.Word) && (also == nil || !also.MatchString(t.Word)) {
			words = append(words, t.Word)
		}
	}
	return strings.Join(words, " ")
}

// withoutMetadata drops the words of the text's author's name from a
// question, keeping the rest as written ("laut Durand" says whose text is
// meant, not what in it). The title's words stay: they often name the
// topic ("a fragile Leviathan"). A question made only of the name is kept
// whole.
func withoutMetadata(q string, essay *content.Essay) string {
	meta := map[string]bool{}
	for _, t := range retrieval.Analyze(essay.Meta.Author) {
		meta[t.Folded] = true
	}
	var kept []string
	dropped := false
	for _, w := range strings.Fields(q) {
		drop := false
		for _, t := range retrieval.Analyze(w) {
			drop = drop || meta[t.Folded]
		}
		if drop {
			dropped = true
			continue
		}
		kept = append(kept, w)
	}
	if !dropped || len(retrieval.Analyze(strings.Join(kept, " "))) == 0 {
		return q
	}
	return strings.Join(kept, " ")
}

// namedPassages returns the passages a question names: by label ("¶12",
// "Absatz 12", "Fußnote 1", "footnote 2") or by a section's heading
// (all its passages). An unknown label names nothing.
func namedPassages(q string, essay *content.Essay) ([]content.Passage, string) {
	if m := labelRef.FindString(q); m != "" {
		if p, ok := essay.Lookup(normalizeLabel(m)); ok {
			return []content.Passage{p}, ""
		}
	}
	lower := strings.ToLower(q)
	for _, s := range essay.Sections {
		if len(s) >= 8 && strings.Contains(lower, strings.ToLower(s)) {
			_, ps := essay.Section(s)
			return ps, s
		}
	}
	return nil, ""
}

var labelNumber = regexp.MustCompile(`\d+[a-z]?`)

// normalizeLabel turns the ways people name a passage into the labels
// content.Essay.Lookup knows.
func normalizeLabel(m string) string {
	lower := strings.ToLower(m)
	n := labelNumber.FindString(lower)
	switch {
	case strings.Contains(lower, "kolophon"), strings.Contains(lower, "colophon"):
		return "Kolophon"
	case strings.HasPrefix(lower, "fu"), strings.HasPrefix(lower, "anm"), strings.HasPrefix(lower, "foot"),
		strings.HasPrefix(lower, "note"), strings.HasPrefix(lower, "fn"):
		if _, err := strconv.Atoi(n); err == nil {
			return "Fn" + n
		}
	}
	return "¶" + n
}
