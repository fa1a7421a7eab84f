package retrieval

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
)

const dictSample = "testdata/dict/de-en-sample"

// Stand-ins for the analyzer's key functions: lower case, umlauts folded,
// Snowball stems, as the real analyzer does, so that the tests see what
// plurals and inflections collapse to.
func testKeyDE(w string) string {
	env := snowballstem.NewEnv(strings.ToLower(w))
	german.Stem(env)
	return fold(env.Current())
}

func testKeyEN(w string) string {
	env := snowballstem.NewEnv(strings.ToLower(w))
	english.Stem(env)
	return env.Current()
}

func openSample(t testing.TB) *Dictionary {
	t.Helper()
	d, err := OpenDictionary(dictSample, strings.ToLower, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDictionarySample(t *testing.T) {
	d := openSample(t)
	tests := []struct {
		name    string
		lookup  func(string) []string
		key     string
		want    []string // exactly, in order
		notWant []string
	}{
		// The headword pair first; then "reliance", the first synonym of
		// another entry, before "dependency", a second synonym.
		{"headword", d.ToEnglish, "abhängigkeit", []string{"dependence", "reliance", "dependency"}, nil},
		{"synonyms share the English word", d.ToGerman, "contradiction", []string{"widerspruch", "ungereimtheit"}, nil},
		{"plural sub-entry", d.ToGerman, "contradictions", []string{"widersprüche", "ungereimtheiten"}, nil},
		// "to descry sth." and "etw. wahrnehmen": placeholders, articles
		// and "to" are not words.
		{"verb with placeholders", d.ToEnglish, "wahrnehmen", []string{"descry"}, nil},
		{"inflected forms align", d.ToEnglish, "wahrgenommen", []string{"descried"}, nil},
		// "(im Gedränge) aneinanderstoßen" :: "to jostle against each
		// other": the English side is a phrase.
		{"phrase skipped", d.ToEnglish, "aneinanderstoßen", nil, nil},
		{"phrase words are not translations", d.ToGerman, "causal", nil, nil},
		// "Vereidigung {f} | Ablegung des Eides :: swearing in; ..."
		{"two-word English skipped", d.ToEnglish, "vereidigung", nil, nil},
		// "/AHU/" is the abbreviation of "air handling unit", not a word;
		// "air handler" is still two words.
		{"abbreviation ignored", d.ToEnglish, "lüftungsgerät", nil, []string{"ahu"}},
		{"abbreviation after a word", d.ToEnglish, "kilogramm", []string{"kilogram"}, nil},
		{"abbreviation is no key", d.ToGerman, "kg", nil, nil},
		// <purer> <purest> are inflections, [geh.] a usage note.
		{"angle brackets and notes", d.ToGerman, "sheer", []string{"blank", "pur", "rein", "schier", "bar"}, nil},
		{"no comparative keys", d.ToGerman, "purer", nil, nil},
		{"reference ignored", d.ToEnglish, "sprachaufenthalt", []string{"sojourn"}, []string{"sprachreise"}},
		{"usage note key", d.ToEnglish, "geh", nil, nil},
		{"unknown", d.ToGerman, "zeppelin", nil, nil},
		{"comment line", d.ToGerman, "license", nil, nil},
		{"one-letter keys dropped", d.ToGerman, "a", nil, nil},
		{"numbers dropped", d.ToGerman, "2000", nil, nil},
		{"two letters kept", d.ToEnglish, "öl", []string{"oil"}, nil},
		{"reverse of two letters", d.ToGerman, "oil", []string{"öl"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.lookup(tt.key)
			if tt.want != nil || tt.notWant == nil {
				if !slices.Equal(got, tt.want) {
					t.Errorf("lookup(%q) = %q, want %q", tt.key, got, tt.want)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("lookup(%q) = %q, must not hold %q", tt.key, got, w)
				}
			}
		})
	}
}

func TestDictionaryRanksByOccurrence(t *testing.T) {
	d, err := LoadDictionary(strings.NewReader(strings.Join([]string{
		"Aufgabe {f} :: task",
		"Aufgabe {f} [school] :: exercise; task",
		"Auftrag {m}; Aufgabe {f} :: job; task",
		// Three sub-entries, one pair: it counts once.
		"Aufgabe {f} | Aufgabe | Aufgabe :: duty | duty | duty",
	}, "\n")), strings.ToLower, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	// task: 6 + 4 + 2; exercise: 6; duty: 6 once, not 6+3+3; job: 4.
	// exercise and duty tie and keep their order in the file.
	if got, want := d.ToEnglish("aufgabe"), []string{"task", "exercise", "duty", "job"}; !slices.Equal(got, want) {
		t.Errorf("ToEnglish(aufgabe) = %q, want %q", got, want)
	}
	if got, want := d.ToGerman("task"), []string{"aufgabe", "auftrag"}; !slices.Equal(got, want) {
		t.Errorf("ToGerman(task) = %q, want %q", got, want)
	}
}

func TestDictionaryCapsTranslations(t *testing.T) {
	var b strings.Builder
	for _, w := range []string{"eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf", "dreizehn", "vierzehn"} {
		b.WriteString(w + " :: number\n")
	}
	d, err := LoadDictionary(strings.NewReader(b.String()), strings.ToLower, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	got := d.ToGerman("number")
	if len(got) != maxTranslations || got[0] != "eins" {
		t.Errorf("ToGerman(number) = %q, want the first %d", got, maxTranslations)
	}
	// The cap is per lookup direction: each German word still translates.
	if got := d.ToEnglish("vierzehn"); !slices.Equal(got, []string{"number"}) {
		t.Errorf("ToEnglish(vierzehn) = %q", got)
	}
}

func TestDictionaryMalformedLines(t *testing.T) {
	d, err := LoadDictionary(strings.NewReader(strings.Join([]string{
		"# comment :: not an entry",
		"",
		"kein Trenner",
		"Haus :: house :: home",           // two separators
		"Baum | Bäume :: tree",            // sub-entries do not align
		"Klammer (offen :: bracket (open", // unbalanced, still one word each
		"Hund {m} :: dog",
	}, "\n")), strings.ToLower, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	st := d.Stats()
	if st.Lines != 5 || st.Malformed != 3 {
		t.Errorf("stats = %+v, want 5 lines, 3 malformed", st)
	}
	if got := d.ToEnglish("hund"); !slices.Equal(got, []string{"dog"}) {
		t.Errorf("ToEnglish(hund) = %q after malformed lines", got)
	}
	if got := d.ToEnglish("klammer"); !slices.Equal(got, []string{"bracket"}) {
		t.Errorf("ToEnglish(klammer) = %q", got)
	}
	if got := d.ToEnglish("baum"); got != nil {
		t.Errorf("ToEnglish(baum) = %q from a misaligned line", got)
	}
}

func TestDictionaryStopwordKeys(t *testing.T) {
	// A key function returns "" for a word the analyzer drops: that word
	// translates nothing, and a phrase stays a phrase without it.
	stop := func(w string) string {
		if w == "up" || w == "an" || w == "at" {
			return ""
		}
		return strings.ToLower(w)
	}
	d, err := LoadDictionary(strings.NewReader("nachschlagen :: to look up\nan {prp} :: at; on\n"), stop, stop)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.ToGerman("look"); got != nil {
		t.Errorf("ToGerman(look) = %q from a phrase", got)
	}
	if got := d.ToGerman("on"); got != nil {
		t.Errorf("ToGerman(on) = %q from a stopword", got)
	}
}

func TestDictionaryWorkersAgree(t *testing.T) {
	data, err := os.ReadFile(dictSample)
	if err != nil {
		t.Fatal(err)
	}
	// Pairs that recur in other runs of lines must add up.
	data = append(data, "Widerspruch {m} :: contradiction\nUngereimtheit {f} :: contradiction\nUngereimtheit {f} :: contradiction\n"...)
	load := func(workers int) *Dictionary {
		t.Helper()
		d, err := loadDictionary(bytes.NewReader(data), int64(len(data)), strings.ToLower, strings.ToLower, workers)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	one := load(1)
	if got, want := one.ToGerman("contradiction"), []string{"ungereimtheit", "widerspruch"}; !slices.Equal(got, want) {
		t.Fatalf("ToGerman(contradiction) = %q, want %q", got, want)
	}
	// Many counts, so that range boundaries fall on line starts, just
	// after newlines and inside lines; 0 means one.
	for workers := range 80 {
		d := load(workers)
		if d.Stats() != one.Stats() {
			t.Errorf("%d workers: stats %+v, one worker %+v", workers, d.Stats(), one.Stats())
		}
		for _, k := range one.de.keys {
			if got, want := d.ToEnglish(k), one.ToEnglish(k); !slices.Equal(got, want) {
				t.Errorf("%d workers: ToEnglish(%q) = %q, one worker %q", workers, k, got, want)
			}
		}
		for _, k := range one.en.keys {
			if got, want := d.ToGerman(k), one.ToGerman(k); !slices.Equal(got, want) {
				t.Errorf("%d workers: ToGerman(%q) = %q, one worker %q", workers, k, got, want)
			}
		}
	}
}

func TestDictionaryCRLF(t *testing.T) {
	data, err := os.ReadFile(dictSample)
	if err != nil {
		t.Fatal(err)
	}
	want := openSample(t)
	d, err := LoadDictionary(bytes.NewReader(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))), strings.ToLower, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	if d.Stats() != want.Stats() || !slices.Equal(d.de.keys, want.de.keys) || !slices.Equal(d.ToEnglish("rente"), want.ToEnglish("rente")) {
		t.Errorf("CRLF: %+v %q, LF: %+v %q", d.Stats(), d.ToEnglish("rente"), want.Stats(), want.ToEnglish("rente"))
	}
}

func TestOpenDictionaryMissing(t *testing.T) {
	_, err := OpenDictionary(filepath.Join(t.TempDir(), "de-en"), strings.ToLower, strings.ToLower)
	if !errors.Is(err, ErrNoDictionary) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNoDictionary and os.ErrNotExist", err)
	}
}

func TestNilDictionary(t *testing.T) {
	var d *Dictionary
	if d.ToGerman("house") != nil || d.ToEnglish("haus") != nil || d.Stats() != (DictionaryStats{}) {
		t.Error("a nil dictionary must translate nothing")
	}
}

// TestDictionaryReal loads the installed Ding dictionary with
// analyzer-like keys and checks translations the essay's questions need.
func TestDictionaryReal(t *testing.T) {
	if _, err := os.Stat(DefaultDictionaryPath); err != nil {
		t.Skipf("%s not installed (apt-get install trans-de-en): %v", DefaultDictionaryPath, err)
	}
	if raceEnabled {
		// The loader's goroutines run under the race detector on the
		// sample and in the fuzz seeds.
		t.Skip("the race detector slows loading the full dictionary to about 30 s")
	}
	start := time.Now()
	d, err := OpenDictionary(DefaultDictionaryPath, testKeyDE, testKeyEN)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v: %+v", time.Since(start), d.Stats())
	if st := d.Stats(); st.Pairs < 100_000 || st.Malformed > st.Lines/100 {
		t.Errorf("stats = %+v: too few pairs or too many malformed lines", st)
	}
	tests := []struct {
		toGerman bool
		word     string
		want     string // among the translations of word
		first    bool   // and the best of them
	}{
		{true, "dependence", "Abhängigkeit", true},
		{true, "dependency", "Abhängigkeit", true},
		{false, "Abhängigkeit", "dependence", true},
		{true, "contradiction", "Widerspruch", false},
		{false, "Widerspruch", "contradiction", false},
		// "Vereidigung" only has phrases ("swearing in"); the word's
		// entry is "Amtseinführung".
		{true, "inauguration", "Amtseinführung", false},
		{true, "feudalism", "Feudalismus", false},
		{true, "cryptocurrencies", "Kryptowährung", true},
		{true, "wealth", "Reichtum", false},
		{true, "oil", "Öl", false},
		{false, "Öffentlichkeit", "public", true},
		{false, "Überwachung", "surveillance", false},
		{true, "platforms", "Plattform", true},
	}
	for _, tt := range tests {
		lookup, key, wantKey := d.ToEnglish, testKeyDE(tt.word), testKeyEN(tt.want)
		if tt.toGerman {
			lookup, key, wantKey = d.ToGerman, testKeyEN(tt.word), testKeyDE(tt.want)
		}
		got := lookup(key)
		if i := slices.Index(got, wantKey); i < 0 || (tt.first && i > 0) {
			t.Errorf("%s (%s) -> %q, want %q (%s) first=%v", tt.word, key, got, tt.want, wantKey, tt.first)
		}
	}
}

// FuzzLoadDictionary feeds arbitrary text to the loader: it must not
// panic, and every loaded key must translate to something that translates
// back to it.
func FuzzLoadDictionary(f *testing.F) {
	sample, err := os.ReadFile(dictSample)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(sample))
	for _, line := range strings.Split(string(sample), "\n") {
		f.Add(line)
	}
	f.Add("a :: b")
	f.Add("(((( :: ))))")
	f.Add("x /y :: ~z | ; |")
	f.Add("Über :: ÜBER\xff")
	f.Fuzz(func(t *testing.T, text string) {
		d, err := LoadDictionary(strings.NewReader(text), strings.ToLower, strings.ToLower)
		if err != nil {
			t.Fatal(err)
		}
		st := d.Stats()
		if st.GermanKeys != len(d.de.keys) || st.EnglishKeys != len(d.en.keys) {
			t.Fatalf("stats %+v disagree with %d/%d keys", st, len(d.de.keys), len(d.en.keys))
		}
		for _, k := range d.de.keys {
			got := d.ToEnglish(k)
			if len(got) == 0 || len(got) > maxTranslations {
				t.Fatalf("ToEnglish(%q) = %q", k, got)
			}
		}
		for _, k := range d.en.keys {
			got := d.ToGerman(k)
			if len(got) == 0 || len(got) > maxTranslations {
				t.Fatalf("ToGerman(%q) = %q", k, got)
			}
		}
	})
}

// BenchmarkLoadDictionary loads the installed Ding dictionary with
// analyzer-like keys (Snowball stems) and reports the heap it keeps.
func BenchmarkLoadDictionary(b *testing.B) {
	if _, err := os.Stat(DefaultDictionaryPath); err != nil {
		b.Skipf("%s not installed: %v", DefaultDictionaryPath, err)
	}
	var d *Dictionary
	for b.Loop() {
		var err error
		d, err = OpenDictionary(DefaultDictionaryPath, testKeyDE, testKeyEN)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// The machine is shared: CPU time says more than wall time.
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N+1), "cpu-ms/op")
	}
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(d)
	runtime.GC()
	runtime.ReadMemStats(&without)
	b.ReportMetric(float64(with.HeapAlloc-without.HeapAlloc)/(1<<20), "MB-kept")
}

// BenchmarkDictionaryLookup is one question word's translation.
func BenchmarkDictionaryLookup(b *testing.B) {
	if _, err := os.Stat(DefaultDictionaryPath); err != nil {
		b.Skipf("%s not installed: %v", DefaultDictionaryPath, err)
	}
	d, err := OpenDictionary(DefaultDictionaryPath, testKeyDE, testKeyEN)
	if err != nil {
		b.Fatal(err)
	}
	key := testKeyEN("dependence")
	for b.Loop() {
		if len(d.ToGerman(key)) == 0 {
			b.Fatal("no translation")
		}
	}
}
