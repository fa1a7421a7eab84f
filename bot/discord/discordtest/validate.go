package discordtest

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Discord's spec (discord/discord-api-spec, OpenAPI 3.1, API v10), embedded
// so that tests in any package find it.
//
//go:embed testdata/openapi.json
var specJSON []byte

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error

	bodyMu       sync.Mutex // guards the compiler and the cache
	bodyCompiler *jsonschema.Compiler
	bodySchemas  = map[string]*jsonschema.Schema{}
)

const specURL = "https://discord.com/openapi.json"

// loadSpec parses the spec once per process: it takes most of a second.
// kin-openapi v0.153.0 reads OpenAPI 3.1 (type arrays such as
// ["string","null"], const in oneOf) as is; it finds routes and checks path
// and query parameters. It would also check bodies, but it compiles a JSON
// Schema 2020-12 validator anew for every request (10-60 ms each, too slow
// for hundreds of requests a test), and its OpenAPI 3.0 validator rejects
// valid 3.1 bodies. So bodies go to santhosh-tekuri/jsonschema/v6, the
// engine kin uses, with each schema compiled once from the same document.
func loadSpec() (routers.Router, error) {
	specOnce.Do(func() { specRouter, bodyCompiler, specErr = parseSpec() })
	return specRouter, specErr
}

func parseSpec() (routers.Router, *jsonschema.Compiler, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specJSON)
	if err != nil {
		return nil, nil, fmt.Errorf("couldn't parse openapi.json: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("couldn't build the route table: %w", err)
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(specJSON))
	if err != nil {
		return nil, nil, fmt.Errorf("couldn't read openapi.json as JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(specURL, raw); err != nil {
		return nil, nil, fmt.Errorf("couldn't add openapi.json to the schema compiler: %w", err)
	}
	return router, c, nil
}

// validateSpec checks a request against the spec. discordgo speaks API v9
// and the spec describes v10 at https://discord.com/api/v10; the paths and
// bodies the bot uses are the same in both, so only the prefix is mapped.
// A route the spec doesn't know passes: the fake answers it with 404 as
// Discord does.
func validateSpec(r *http.Request, req Request) error {
	router, err := loadSpec()
	if err != nil {
		return err
	}
	u := "https://discord.com/api/v10" + req.Path
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	sr, err := http.NewRequestWithContext(r.Context(), r.Method, u, bytes.NewReader(req.Raw))
	if err != nil {
		return fmt.Errorf("couldn't build the request to validate: %w", err)
	}
	sr.Header = r.Header.Clone()
	route, params, err := router.FindRoute(sr)
	if err != nil {
		return nil
	}
	err = openapi3filter.ValidateRequest(context.WithoutCancel(r.Context()), &openapi3filter.RequestValidationInput{
		Request: sr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, ExcludeRequestBody: true},
	})
	if err != nil {
		return err
	}
	return validateBody(route, req.Raw)
}

// knownRoute reports whether the spec has an operation for method and path.
func knownRoute(method, path string) bool {
	router, err := loadSpec()
	if err != nil {
		return false
	}
	r, err := http.NewRequest(method, "https://discord.com/api/v10"+path, nil)
	if err != nil {
		return false
	}
	_, _, err = router.FindRoute(r)
	return err == nil
}

// validateBody checks a JSON body against the operation's request schema.
func validateBody(route *routers.Route, raw []byte) error {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	if len(raw) == 0 {
		if rb.Value.Required {
			return fmt.Errorf("request body is required")
		}
		return nil
	}
	ptr := rb.Ref
	if ptr == "" {
		esc := strings.NewReplacer("~", "~0", "/", "~1")
		ptr = "#/paths/" + esc.Replace(route.Path) + "/" + strings.ToLower(route.Method) + "/requestBody"
	}
	ptr += "/content/application~1json/schema"
	bodyMu.Lock()
	sch, ok := bodySchemas[ptr]
	if !ok {
		var err error
		if sch, err = bodyCompiler.Compile(specURL + ptr); err != nil {
			bodyMu.Unlock()
			return fmt.Errorf("couldn't compile the schema at %s: %w", ptr, err)
		}
		bodySchemas[ptr] = sch
	}
	bodyMu.Unlock()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("request body is not JSON: %w", err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("request body doesn't match %s: %w", ptr, err)
	}
	return nil
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// checkMessageLimits returns the limits a message body breaks that the spec
// does not encode (message.mdx, "Embed Limits"; the spec allows content up
// to 4000 characters, Discord's bots get 2000).
func checkMessageLimits(body map[string]any) []string {
	var out []string
	if c, _ := body["content"].(string); runes(c) > 2000 {
		out = append(out, fmt.Sprintf("content has %d characters (max 2000)", runes(c)))
	}
	embeds, _ := body["embeds"].([]any)
	if len(embeds) > 10 {
		out = append(out, fmt.Sprintf("%d embeds (max 10)", len(embeds)))
	}
	total := 0
	limit := func(what string, v any, max int) {
		s, _ := v.(string)
		total += runes(s)
		if runes(s) > max {
			out = append(out, fmt.Sprintf("%s has %d characters (max %d)", what, runes(s), max))
		}
	}
	for i, e := range embeds {
		e, _ := e.(map[string]any)
		limit(fmt.Sprintf("embeds[%d].title", i), e["title"], 256)
		limit(fmt.Sprintf("embeds[%d].description", i), e["description"], 4096)
		footer, _ := e["footer"].(map[string]any)
		limit(fmt.Sprintf("embeds[%d].footer.text", i), footer["text"], 2048)
		author, _ := e["author"].(map[string]any)
		limit(fmt.Sprintf("embeds[%d].author.name", i), author["name"], 256)
		fields, _ := e["fields"].([]any)
		if len(fields) > 25 {
			out = append(out, fmt.Sprintf("embeds[%d] has %d fields (max 25)", i, len(fields)))
		}
		for j, f := range fields {
			f, _ := f.(map[string]any)
			limit(fmt.Sprintf("embeds[%d].fields[%d].name", i, j), f["name"], 256)
			limit(fmt.Sprintf("embeds[%d].fields[%d].value", i, j), f["value"], 1024)
		}
	}
	if total > 6000 {
		out = append(out, fmt.Sprintf("embeds have %d characters in all (max 6000)", total))
	}
	if rows, _ := body["components"].([]any); len(rows) > 5 {
		out = append(out, fmt.Sprintf("%d action rows (max 5)", len(rows)))
	}
	return out
}

// checkMentions returns why a message body with content could ping
// someone, or "". Only allowed_mentions with "parse": [] and no users, roles
// or replied_user is safe: without it Discord parses @everyone, roles and
// users in the content, and an edit without it is parsed anew.
func checkMentions(body map[string]any) string {
	if c, _ := body["content"].(string); c == "" {
		return ""
	}
	am, ok := body["allowed_mentions"].(map[string]any)
	if !ok {
		return "content without allowed_mentions (Discord's defaults ping users, roles and @everyone)"
	}
	if parse, ok := am["parse"].([]any); !ok || len(parse) > 0 {
		return fmt.Sprintf("allowed_mentions.parse is %v, want []", am["parse"])
	}
	for _, k := range []string{"users", "roles"} {
		if l, _ := am[k].([]any); len(l) > 0 {
			return fmt.Sprintf("allowed_mentions.%s lists %v", k, l)
		}
	}
	if am["replied_user"] == true {
		return "allowed_mentions.replied_user is true (pings the author of the message replied to)"
	}
	return ""
}

// commandName is Discord's rule for command and option names
// (application-commands.mdx, "Application Command Naming"), lowercase.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// checkCommands returns the naming and size rules a bulk overwrite breaks.
func checkCommands(cmds []*discordgo.ApplicationCommand) []string {
	var out []string
	name := func(what, n string) {
		if !commandName.MatchString(n) || n != strings.ToLower(n) {
			out = append(out, fmt.Sprintf("%s name %q must be 1-32 lowercase letters, digits, - or _", what, n))
		}
	}
	desc := func(what, d string) {
		if runes(d) < 1 || runes(d) > 100 {
			out = append(out, fmt.Sprintf("%s description must be 1-100 characters, has %d", what, runes(d)))
		}
	}
	var opts func(what string, os []*discordgo.ApplicationCommandOption)
	opts = func(what string, os []*discordgo.ApplicationCommandOption) {
		if len(os) > 25 {
			out = append(out, fmt.Sprintf("%s has %d options (max 25)", what, len(os)))
		}
		for _, o := range os {
			w := what + "." + o.Name
			name("option "+w, o.Name)
			desc("option "+w, o.Description)
			if len(o.Choices) > 25 {
				out = append(out, fmt.Sprintf("option %s has %d choices (max 25)", w, len(o.Choices)))
			}
			opts(w, o.Options)
		}
	}
	if len(cmds) > 100 {
		out = append(out, fmt.Sprintf("%d commands (max 100)", len(cmds)))
	}
	for _, c := range cmds {
		if c.Type == 0 || c.Type == discordgo.ChatApplicationCommand {
			name("command", c.Name)
			desc("command "+c.Name, c.Description)
		}
		opts(c.Name, c.Options)
	}
	return out
}
