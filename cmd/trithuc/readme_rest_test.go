package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// restExample is a REST call the README shows: a code span such as
// `GET /v1/people/{id}`, or a curl command.
type restExample struct {
	line                int
	method, path, query string
}

// restExamples returns the README's REST calls, their paths' {id}
// placeholders filled in and [optional] parts both left out and put in.
// A table row's `?name=` spans after its `METHOD /path` are its queries.
func restExamples(readme string) []restExample {
	var out []restExample
	span := regexp.MustCompile(`^(GET|POST|PATCH|PUT|DELETE) (/\S*)(.*)`)
	var last *restExample
	for _, s := range readmeSnippets(readme) {
		if m := span.FindStringSubmatch(s.text); m != nil && s.span {
			for _, p := range restPaths(m[2]) {
				out = append(out, restExample{s.line, m[1], p, restQuery(m[2] + m[3])})
			}
			last = &out[len(out)-1]
			continue
		}
		if s.span && last != nil && last.line == s.line && strings.HasPrefix(s.text, "?") {
			out = append(out, restExample{s.line, last.method, last.path, restQuery(s.text)})
			continue
		}
		if s.span && webPath.MatchString(s.text) && !strings.Contains(s.text, "[") {
			// `/v1/accounts`, `/healthz`: a path, to read.
			out = append(out, restExample{s.line, "GET", restPaths(s.text)[0], ""})
			continue
		}
		words := commandWords(shellWords(s.text))
		if len(words) == 0 || words[0] != "curl" {
			continue
		}
		method, url := "", ""
		for i := 1; i < len(words); i++ {
			switch w := words[i]; {
			case w == "-X" && i+1 < len(words):
				i++
				method = words[i]
			case w == "-d" || strings.HasPrefix(w, "--data") || w == "-F" || w == "-T":
				if method == "" {
					method = "POST"
				}
			case strings.Contains(w, "://"):
				url = w
			}
		}
		if url == "" {
			continue
		}
		if method == "" {
			method = "GET"
		}
		path := "/" + strings.SplitN(strings.SplitN(url, "://", 2)[1], "/", 2)[1]
		for _, p := range restPaths(path) {
			out = append(out, restExample{s.line, method, p, restQuery(path)})
		}
	}
	return append(out, restTableRows(readme)...)
}

// webPath is a code span that is a path of the API on the HTTP port: not
// a file's (/etc/trithuc), an audit event's method
// (/trithuc.store/ReapplyPurge), a console page's (the console answers
// every path under /people/ itself, with a sign-in first) or /metrics,
// which --metrics-addr serves on a port of its own.
var webPath = regexp.MustCompile(`^/(?:v1/\S*|healthz|openapi\.json)$`)

// restTableRows are the calls of the README's table rows that give
// several methods one path: "| Create/Get/List/Update/DeleteHonor |
// `/v1/people/{id}/honors[/{h}]`" is POST and GET of the collection, GET,
// PATCH and DELETE of an honor (and POST ...:undelete of it for Undelete).
func restTableRows(readme string) []restExample {
	var out []restExample
	row := regexp.MustCompile("^\\| ((?:[A-Z][a-z]*/)+[A-Z][a-z]*)[A-Z][A-Za-z]* \\| `(/v1/[^`\\[]*)\\[(/[^`\\]]*)\\]`")
	for i, l := range strings.Split(readme, "\n") {
		m := row.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		coll := restPaths(m[2])[0]
		item := restPaths(m[2] + m[3])[0]
		calls := map[string]restExample{
			"Create":   {method: "POST", path: coll},
			"List":     {method: "GET", path: coll},
			"Get":      {method: "GET", path: item},
			"Update":   {method: "PATCH", path: item},
			"Delete":   {method: "DELETE", path: item},
			"Undelete": {method: "POST", path: item + ":undelete"},
		}
		for _, verb := range strings.Split(m[1], "/") {
			ex, ok := calls[verb]
			if !ok {
				// A verb the test does not know: its path is unchecked,
				// and says so.
				ex = restExample{method: verb, path: coll}
			}
			ex.line = i + 1
			out = append(out, ex)
		}
	}
	return out
}

// restQuery is the query of path, with the README's placeholders
// ("...", <cursor>) left empty.
func restQuery(path string) string {
	_, q, _ := strings.Cut(path, "?")
	var kept []string
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" || k == "..." {
			continue
		}
		if strings.Contains(v, "...") || strings.HasPrefix(v, "<") {
			v = ""
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		kept = append(kept, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	return strings.Join(kept, "&")
}

// restPaths is path without its query, each {placeholder} a word, with
// and without each [optional] part.
func restPaths(path string) []string {
	path, _, _ = strings.Cut(path, "?")
	path = regexp.MustCompile(`\{[^}]*\}|<[^>]*>`).ReplaceAllString(path, "x")
	opt := regexp.MustCompile(`\[([^\]]*)\]`)
	return []string{opt.ReplaceAllString(path, ""), opt.ReplaceAllString(path, "$1")}
}

// Every REST call the README shows is a route of the server: a demo
// server does not answer it "no such path" (404) or "not allowed" (405),
// nor refuse a query parameter of it as unknown or its enum value as none.
func TestREADMERESTRoutesExist(t *testing.T) {
	readme := readREADME(t)
	examples := restExamples(readme)
	if rows := restTableRows(readme); len(examples) < 60 || len(rows) < 20 {
		t.Fatalf("found %d REST calls in the README, %d in rows of several; the extraction has missed some", len(examples), len(rows))
	}
	out, stop := serveDemoConsole(t, t.TempDir())
	defer stop()
	token := regexp.MustCompile(`export TRITHUC_TOKEN=(\S+)`).FindStringSubmatch(out)
	base := regexp.MustCompile(`curl -H "Authorization: Bearer \$TRITHUC_TOKEN" '(http://[^/]+)/`).FindStringSubmatch(out)
	if token == nil || base == nil {
		t.Fatalf("serve --demo printed no key or curl command:\n%s", out)
	}
	// missing says how the server refuses a call of no route, "" when
	// it has one.
	missing := func(method, path, query string) string {
		var body io.Reader
		if method != "GET" && method != "DELETE" {
			body = strings.NewReader("{}")
		}
		if query != "" {
			path += "?" + query
		}
		req, err := http.NewRequest(method, base[1]+path, body)
		if err != nil {
			return err.Error()
		}
		req.Header.Set("Authorization", "Bearer "+token[1])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusMethodNotAllowed || res.StatusCode == http.StatusNotFound && strings.Contains(string(b), "no such path") ||
			// A query parameter that names no field, or a value its enum
			// does not have (the server's strictQuery).
			res.StatusCode == http.StatusBadRequest && (strings.Contains(string(b), "unknown query parameter") || strings.Contains(string(b), "must be one of")) {
			return fmt.Sprintf("%d %s", res.StatusCode, b)
		}
		return ""
	}
	// The check tells a route from none.
	if missing("GET", "/v1/peoples", "") == "" || missing("PUT", "/v1/people/x", "") == "" || missing("GET", "/v1/people", "pageSise=3") == "" ||
		missing("GET", "/v1/people/x", "view=FULL") == "" || missing("GET", "/v1/people/x", "") != "" || missing("GET", "/v1/people", "pageSize=3") != "" {
		t.Fatal("the server's answers do not tell a route from none")
	}
	seen := map[string]bool{}
	for _, ex := range examples {
		key := ex.method + " " + ex.path
		if ex.query != "" {
			key += "?" + ex.query
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if why := missing(ex.method, ex.path, ex.query); why != "" {
			t.Errorf("README.md:%d: %s: %s", ex.line, key, why)
		}
	}
}

// Every grpcurl command the README shows calls a method the binary knows
// (grpc.health.v1.Health/Check), with the .proto files it names there.
func TestREADMEGRPCMethodsExist(t *testing.T) {
	n := 0
	for _, s := range readmeSnippets(readREADME(t)) {
		words := commandWords(shellWords(s.text))
		if s.span || len(words) < 2 || words[0] != "grpcurl" {
			continue
		}
		n++
		importPath := ""
		for i := 1; i+1 < len(words); i++ {
			switch words[i] {
			case "-import-path":
				importPath = words[i+1]
			case "-proto":
				if _, err := os.Stat(filepath.Join("../..", importPath, words[i+1])); err != nil {
					t.Errorf("README.md:%d: %v", s.line, err)
				}
			}
		}
		method := strings.Replace(words[len(words)-1], "/", ".", 1)
		if _, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(method)); err != nil {
			t.Errorf("README.md:%d: no method %s: %v", s.line, words[len(words)-1], err)
		}
	}
	if n == 0 {
		t.Error("found no grpcurl command in the README")
	}
}
