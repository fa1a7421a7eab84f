package main

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot/nettest"
)

// A fallback's notice already carries its label ("Hinweis: Das
// Sprachmodell …"); the text output must not add a second one, and a
// notice without a label (the question was cut) gets one.
func TestAskTextNoticeLabelledOnce(t *testing.T) {
	down := "http://" + nettest.RefusedAddr(t) + "/v1"
	long := "Was versteht der Autor unter Technofeudalismus? " + strings.Repeat("Und was noch? ", 100)
	for _, tc := range []struct {
		name string
		env  []string
		q    string
		want string
	}{
		{"fallback", []string{"OPENAI_BASE_URL=" + down}, "Was ist DOGE?", "\nHinweis: Das Sprachmodell ist nicht erreichbar"},
		{"cut question", nil, long, "\nHinweis: Die Frage war länger als"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runEnv(t, tc.env, "ask", tc.q)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, tc.want) || strings.Count(stdout, "Hinweis:") != 1 {
				t.Errorf("want one %q in:\n%s", tc.want, stdout)
			}
		})
	}
}
