package retrieval

import "strings"

// stopwords are function words of German and English, plus the words people
// use to ask about a text ("author", "essay", "meint", "sagt") that say
// nothing about which passage answers: they would otherwise count as
// unmatched content and make every question look off-topic. A few everyday
// words of time and request ("letzten Jahr", "tomorrow", "gib mir") join
// them: they carry no topic, and matching them would make a question about
// last year's football league look like evidence. So do the words of the
// clock ("Wie spät ist es?" found »später« in a footnote) and of the website
// around the essay: "Seite" is in the essay only as a side one takes (»auf
// seiner Seite«), and a question about the site's cookies must not find it.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{germanStop, englishStop, questionStop, commonVerbs} {
		for _, w := range strings.Fields(list) {
			m[w] = true
			m[fold(w)] = true
		}
	}
	return m
}()

func isStopword(w string) bool { return stopwords[w] }

const germanStop = `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
anderm andern anderr anders auch auf aus bei beim bin bis bist da damit dann das dass daß dasselbe dazu dein deine
deinem deinen deiner deines dem demselben den denn denselben der derer derselbe derselben des desselben dessen dich
die dies diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines
einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem euren eurer eures für gegen
gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in
indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner
keines können könnte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mich
mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst
sich sie sind so solche solchem solchen solcher solches soll sollte sondern sonst über um und uns unsere unserem
unseren unser unseres unter viel vom von vor während war waren warst was weg weil weiter welche welchem welchen
welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar
zwischen wer wen wem wieso weshalb warum wann woran worum wovon wozu womit wodurch welchen denen dabei daran darauf
darin darum davon dafür dagegen diesen jemand laut gibt geht gab innen sei seien wäre wären worden wurde wurden
bzw etc ja nein mal eben schon sowie beim ihnen also eigentlich genau`

const englishStop = `a about above after again against all am an and any are aren as at be because been before being
below between both but by can cannot could did do does doing don down during each few for from further had has have
having he her here hers herself him himself his how i if in into is isn it its itself just me more most my myself no
nor not of off on once only or other ought our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours yourself yourselves whose s t also does did
there's what's it's don't let lets`

const questionStop = `autor autorin autors author authors essay essays text texts artikel article beitrag durand cédric
cedric meint meinen gemeint mean means meant sagt sagen gesagt say says said schreibt schreiben write writes wrote
written erklärt explain explains explained beschreibt describe describes described argumentiert argue argues argued
behauptet claim claims laut according think thinks denkt sieht see sees view views welche which warum why wie how
bedeutet meaning deutet mention mentions mentioned erwähnt nennt name named names nennen call calls called
bezeichnet refer refers referred passage absatz paragraph stelle steht stand stands
jahr jahre jahren letzten letzte letzter letztes year years last next morgen tomorrow today gestern yesterday
bitte please gib give tell erzähl erzähle zeig show
spät später früh uhr late early clock
seite webseite website site page`

// commonVerbs are frequent everyday verbs in their usual forms. They occur
// in the essay too ("gewonnen werden soll") but say nothing about its
// topic, so a question about who won the league must not find evidence in
// them.
const commonVerbs = `gewinnen gewinnt gewann gewonnen win wins won winning machen macht machte gemacht make makes made
geben gibt gab gegeben gives gave given kommen kommt kam gekommen come comes came gehen geht ging gegangen go goes went
gone stehen steht stand gestanden sehen sieht sah gesehen lassen lässt ließ gelassen finden findet fand gefunden find
finds found bleiben bleibt blieb geblieben nehmen nimmt nahm genommen take takes took taken tun tut tat getan get gets
got bekommen bekommt bekam put puts kaufen kauft buy buys bought spielen spielt spielte play plays played fix fixes
repair reparieren kochen koch cook cooks backen bake`
