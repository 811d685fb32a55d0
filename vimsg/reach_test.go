package vimsg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The messages an import's problems can carry are found by following the
// import as it runs, rather than by a list of files: from the server's
// start of an import (the run and its rows' checks included) through the
// server, the transfer package and the store, every function called or
// referred to, and the package-level variables they read. Every format a
// message is made with in them, and every rule of the requests the import
// validates its rows with (protovalidate's messages, passed through), must
// come out of Problem in Vietnamese.

const module = "trithuc.gov.vn/trithuc/"

// reachSources are the packages read from source and followed; the rest
// are read from their compiled export data.
var reachSources = []string{"store", "transfer", "console", "server"}

// reachRoots are where an import's messages start: its start and run, and
// what the operation's reader says of its problems or of a run cut short.
var reachRoots = []string{
	"server.(*transferService).startImport",
	"server.withholdProblems",
	"server.failInterrupted",
}

// reachStops are functions of the import that say no problem: the walk
// does not follow them.
var reachStops = map[string]bool{
	"server.importReport": true, // writes the problems into the report's workbook
}

// notProblems are formats of the reached code that no import problem
// carries: the server's own log lines and internal errors (never shown),
// keys, and messages of checks an import row never meets. Each says why.
var notProblems = map[string]string{
	"%02d/%04d": "a date's text", "%02d/%02d/%04d": "a date's text", "born:%d-%d-%d": "a key of Repeats",
	"%s (and %d more)":            "Invalids.Error: the import reads each error",
	"%s: %s":                      "a field and its message, cut again by Problem",
	"a document type declaration": "a sentinel, said by expand.go's own message",
	"rows refused":                "a cause, not a message",
	"%s":                          "another message, passed on",
	"the server stopped":          "a cause, not a message",
	"%d rows have errors; nothing was imported. Correct them, or import with skip_invalid to import the good rows": "importStatus's own sentence",
	"1 row has errors; nothing was imported. Correct it, or import with skip_invalid to import the good rows":      "importStatus's own sentence",
	"unknown column %q; the columns are the fields %s":                                                             "an export's columns",
	"the request is not a valid %s protobuf message: %s":                                                           "a malformed request: an import's rows are made in the server",
	"parameter %s is not valid UTF-8 text: percent-encode the text's UTF-8 bytes":                                  "REST parameters: an import's rows are made in the server",
	"not valid UTF-8 text: percent-encode the text's UTF-8 bytes":                                                  "REST parameters: an import's rows are made in the server",
	"the call was cancelled":                            "a cancelled call ends the import, which says so in its own words",
	"%q cannot be added to a read event already stored": "the audit trail's, a fault of ours",
	"%s is too large":                                   "a part of a workbook, said inside the refusal of the file",
	"the resource changed since it was read (etag %q is stale; the current one is %q): read it again and reapply the change": "an import sends no etag",
	"%q was already used for a different request; use a new request_id for a new request":                                    "an import sends no request_id",
	"people/%s already exists": "an import sends no person_id",
	"people/%s belonged to a person who was purged, and a purged person's name is never given again: choose another person_id, or leave it empty for the registry to choose": "an import sends no person_id",
	"want 1 to 63 lower-case letters, digits and hyphens, starting with a letter":                                                                                            "an import sends no person_id",
	"%s was conferred by the selection of honorCampaigns/%s/nominations/%s and stays with it; correct its details with an update instead":                                    "an import adds honours, never changes one",
	"cannot %s %s: it is %s, and %s": "an import changes no membership's state: a different one is a conflict",
	"only with new_person; add positions to a registered person with CreatePosition":           "a membership row has no positions",
	"only with new_person; add qualifications to a registered person with CreateQualification": "a membership row has no qualifications",
}

// reached is a format found, with the field it is about when the code
// names one, and where.
type reached struct {
	format, field string
	pos           token.Position
}

type goPackage struct {
	ImportPath, Dir, Export string
	GoFiles, CgoFiles       []string
}

// loadSources type-checks reachSources from source, their imports from
// export data (go list -export builds what it must).
func loadSources(t *testing.T) (*token.FileSet, map[string]*types.Package, *types.Info, []*ast.File) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the server's dependencies")
	}
	cmd := exec.Command("go", "list", "-export", "-deps", "-tags", "sqlite_fts5", "-json=ImportPath,Dir,Export,GoFiles,CgoFiles", module+"server")
	cmd.Dir = ".."
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]goPackage{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	fs := token.NewFileSet()
	gc := importer.ForCompiler(fs, "gc", func(path string) (io.ReadCloser, error) {
		p, ok := pkgs[path]
		if !ok || p.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(p.Export)
	})
	checked := map[string]*types.Package{}
	imp := importerFunc(func(path string) (*types.Package, error) {
		if p, ok := checked[path]; ok {
			return p, nil
		}
		return gc.Import(path)
	})
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{},
		Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	var files []*ast.File
	for _, name := range reachSources {
		p := pkgs[module+name]
		var pf []*ast.File
		for _, f := range slices.Concat(p.GoFiles, p.CgoFiles) {
			file, err := parser.ParseFile(fs, filepath.Join(p.Dir, f), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			pf = append(pf, file)
		}
		// Calls into C are not type-checked (FakeImportC): their errors
		// stay in the cgo files, which hold no messages.
		conf := types.Config{Importer: imp, FakeImportC: true, Error: func(err error) {
			if te, ok := err.(types.Error); !ok || !slices.Contains(p.CgoFiles, filepath.Base(te.Fset.Position(te.Pos).Filename)) {
				t.Errorf("type-checking %s: %v", p.ImportPath, err)
			}
		}}
		tp, _ := conf.Check(p.ImportPath, fs, pf, info)
		checked[p.ImportPath] = tp
		files = append(files, pf...)
	}
	return fs, checked, info, files
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// importReach follows the import from reachRoots and returns the formats
// of the messages its code writes, and the request messages it builds
// (the protovalidate rules of which it passes through).
func importReach(t *testing.T) ([]reached, []protoreflect.MessageDescriptor) {
	fs, _, info, files := loadSources(t)
	// Where each function and package-level variable of the sources is.
	funcs := map[types.Object]*ast.FuncDecl{}
	vars := map[types.Object]ast.Expr{}
	methods := map[string][]types.Object{} // by name, for calls through an interface
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				obj := info.Defs[d.Name]
				funcs[obj] = d
				if d.Recv != nil {
					methods[d.Name.Name] = append(methods[d.Name.Name], obj)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if v, ok := s.(*ast.ValueSpec); ok {
						for i, n := range v.Names {
							switch {
							case len(v.Values) == len(v.Names):
								vars[info.Defs[n]] = v.Values[i]
							case len(v.Values) == 1:
								vars[info.Defs[n]] = v.Values[0]
							}
						}
					}
				}
			}
		}
	}
	var queue []ast.Node
	seen := map[types.Object]bool{}
	visit := func(obj types.Object) {
		if obj == nil || seen[obj] || reachStops[funcName(obj)] {
			return
		}
		seen[obj] = true
		if d, ok := funcs[obj]; ok && d.Body != nil {
			queue = append(queue, d.Body)
		}
		if e, ok := vars[obj]; ok {
			queue = append(queue, e)
		}
		// A method of an interface may be any method of that name.
		if f, ok := obj.(*types.Func); ok && funcs[obj] == nil {
			if sig, ok := f.Type().(*types.Signature); ok && sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
				for _, m := range methods[f.Name()] {
					if !seen[m] && funcs[m].Body != nil {
						queue = append(queue, funcs[m].Body)
						seen[m] = true
					}
				}
			}
		}
	}
	for _, root := range reachRoots {
		found := false
		for obj := range funcs {
			if funcName(obj) == root {
				visit(obj)
				found = true
			}
		}
		if !found {
			t.Fatalf("no function %s", root)
		}
	}
	var out []reached
	requests := map[protoreflect.FullName]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		ast.Inspect(n, func(n ast.Node) bool {
			if n == nil {
				return false
			}
			switch n := n.(type) {
			case *ast.Ident:
				visit(info.Uses[n])
			case *ast.CompositeLit:
				if named, ok := types.Unalias(derefType(info.Types[n].Type)).(*types.Named); ok && named.Obj().Pkg() != nil &&
					named.Obj().Pkg().Path() == module+"proto/trithuc/v1" && strings.HasSuffix(named.Obj().Name(), "Request") {
					requests[protoreflect.FullName("trithuc.v1."+named.Obj().Name())] = true
				}
			}
			pos := fs.Position(n.Pos())
			if r, ok := messageOf(info, n, filepath.Base(filepath.Dir(pos.Filename)) == "store"); ok {
				r.pos = pos
				out = append(out, r)
			}
			return true
		})
	}
	var reqs []protoreflect.MessageDescriptor
	for name := range requests {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(name)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, mt.Descriptor())
	}
	slices.SortFunc(reqs, func(a, b protoreflect.MessageDescriptor) int {
		return strings.Compare(string(a.FullName()), string(b.FullName()))
	})
	return out, reqs
}

func derefType(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// funcName is a function as "server.(*transferService).startImport".
func funcName(obj types.Object) string {
	f, ok := obj.(*types.Func)
	if !ok || f.Pkg() == nil {
		return ""
	}
	pkg := strings.TrimPrefix(f.Pkg().Path(), module)
	sig := f.Type().(*types.Signature)
	if sig.Recv() == nil {
		return pkg + "." + f.Name()
	}
	recv := sig.Recv().Type()
	star := ""
	if p, ok := recv.(*types.Pointer); ok {
		recv, star = p.Elem(), "*"
	}
	named, _ := recv.(*types.Named)
	if named == nil {
		return ""
	}
	return fmt.Sprintf("%s.(%s%s).%s", pkg, star, named.Obj().Name(), f.Name())
}

// messageFuncs are the functions that make a message, by the index of
// their format argument and, if any, of the field it is about (-1: none).
var messageFuncs = map[string][2]int{
	"fmt.Sprintf": {0, -1}, "fmt.Errorf": {0, -1}, "errors.New": {0, -1},
	"google.golang.org/grpc/status.New": {1, -1}, "google.golang.org/grpc/status.Error": {1, -1}, "google.golang.org/grpc/status.Errorf": {1, -1},
	"store.errorf": {2, 1}, "store.(*Invalids).add": {1, 0},
	"server.fieldError": {1, 0}, "server.withDetails": {1, -1},
}

// messageKeys are the fields of composite literals that hold a message.
var messageKeys = map[string]bool{"Message": true, "Msg": true, "Description": true, "what": true}

// clientCodes are the codes of the errors an import reports as its rows'
// problems (server.rowProblems); the others end the import, and its page
// says them by their code.
var clientCodes = map[string]bool{
	"Invalid": true, "NotFound": true, "AlreadyExists": true, "FailedPrecondition": true, // the store's
	"InvalidArgument": true, "ResourceExhausted": true, "Canceled": true, "Aborted": true, // gRPC's, of the import's run
}

// codeOf is the name of the code e is, a constant of the store's or of
// gRPC's codes; "" when e is not one.
func codeOf(info *types.Info, e ast.Expr) string {
	var id *ast.Ident
	switch e := e.(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	}
	if c, ok := info.Uses[id].(*types.Const); ok {
		return c.Name()
	}
	return ""
}

// messageOf is the message format n writes, if it writes one that may
// reach an import's problem. The store's own fmt errors are faults of
// ours (INTERNAL), and so are errors of other codes than clientCodes.
func messageOf(info *types.Info, n ast.Node, inStore bool) (reached, bool) {
	var format, field, code ast.Expr
	switch n := n.(type) {
	case *ast.CallExpr:
		var id *ast.Ident
		switch fn := n.Fun.(type) {
		case *ast.Ident:
			id = fn
		case *ast.SelectorExpr:
			id = fn.Sel
		}
		f, ok := info.Uses[id].(*types.Func)
		if id == nil || !ok || f.Pkg() == nil {
			return reached{}, false
		}
		name := funcName(f)
		if !strings.HasPrefix(f.Pkg().Path(), module) {
			name = f.Pkg().Path() + "." + f.Name()
			if inStore {
				return reached{}, false
			}
		}
		at, ok := messageFuncs[name]
		if !ok || len(n.Args) <= at[0] {
			return reached{}, false
		}
		format = n.Args[at[0]]
		if at[1] >= 0 {
			field = n.Args[at[1]]
		}
		if at[0] > 0 && (name == "store.errorf" || strings.HasPrefix(name, "google.golang.org/grpc/status.")) {
			code = n.Args[0]
		}
	case *ast.CompositeLit:
		for _, e := range n.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			switch k, _ := kv.Key.(*ast.Ident); {
			case k == nil:
			case messageKeys[k.Name]:
				format = kv.Value
			case k.Name == "Code":
				code = kv.Value
			case k.Name == "Field":
				field = kv.Value
			}
		}
	}
	if format == nil {
		return reached{}, false
	}
	if code != nil && !clientCodes[codeOf(info, code)] {
		return reached{}, false
	}
	s, ok := stringOf(info, format)
	if !ok {
		return reached{}, false
	}
	r := reached{format: s}
	if field != nil {
		r.field, _ = stringOf(info, field)
	}
	return r, true
}

// stringOf is the string e is when it is a constant; a sum of constants
// and other strings is a format whose %s are the others.
func stringOf(info *types.Info, e ast.Expr) (string, bool) {
	if tv, ok := info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return constant.StringVal(tv.Value), true
	}
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		x, okX := stringOf(info, b.X)
		y, okY := stringOf(info, b.Y)
		if !okX {
			x = "%s"
		}
		if !okY {
			y = "%s"
		}
		return x + y, okX || okY
	}
	return "", false
}

// ruleMessages are the messages of the protovalidate rules of the fields
// of msg and of the messages under it, with their fields' paths: a rule's
// own message, or the formats of its predefined rule's expression.
func ruleMessages(msg protoreflect.MessageDescriptor) []reached {
	var out []reached
	seen := map[protoreflect.FullName]bool{}
	quoted := regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)
	add := func(path string, r *validate.Rule) {
		if r.GetMessage() != "" {
			out = append(out, reached{format: r.GetMessage(), field: path})
			return
		}
		for _, m := range quoted.FindAllStringSubmatch(r.GetExpression(), -1) {
			if strings.Contains(m[1], " ") {
				out = append(out, reached{format: m[1], field: path})
			}
		}
	}
	var walk func(path string, md protoreflect.MessageDescriptor)
	walk = func(path string, md protoreflect.MessageDescriptor) {
		if seen[md.FullName()] {
			return
		}
		seen[md.FullName()] = true
		if mr, ok := proto.GetExtension(md.Options(), validate.E_Message).(*validate.MessageRules); ok {
			for _, r := range mr.GetCel() {
				add(path, r)
			}
		}
		for i := 0; i < md.Fields().Len(); i++ {
			fd := md.Fields().Get(i)
			fpath := strings.TrimPrefix(path+"."+string(fd.Name()), ".")
			if fr, ok := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules); ok && fr != nil {
				for _, r := range fr.GetCel() {
					add(fpath, r)
				}
				if fr.GetRequired() {
					out = append(out, reached{format: "value is required", field: fpath})
				}
				fr.ProtoReflect().Range(func(rfd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
					if rfd.Message() == nil || rfd.Name() == "cel" {
						return true
					}
					// The rules of a type (string, int32, repeated...): each
					// rule set has its predefined expressions.
					v.Message().Range(func(rule protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
						if pr, ok := proto.GetExtension(rule.Options(), validate.E_Predefined).(*validate.PredefinedRules); ok {
							for _, r := range pr.GetCel() {
								add(fpath, r)
							}
						}
						return true
					})
					return true
				})
			}
			if fd.Message() != nil && fd.Message().ParentFile().Package() == "trithuc.v1" {
				walk(fpath, fd.Message())
			}
		}
	}
	walk("", msg)
	return out
}

// sample is a message made with format, each value a plain one.
func sample(format string) string {
	n := 0
	return regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[sqvdwx]`).ReplaceAllStringFunc(format, func(v string) string {
		n++
		switch v[len(v)-1] {
		case 'd', 'x':
			return strconv.Itoa(40 + n)
		case 'q':
			return strconv.Quote("giá trị " + strconv.Itoa(n))
		case 'w':
			return "unreadable file"
		}
		return "giá trị " + strconv.Itoa(n)
	})
}

// Every message an import's problem can carry is said in Vietnamese: a
// new check in the server, the transfer package or the store, or a new
// rule in a .proto, fails here until it is.
func TestEveryMessageAnImportCanSayIsTranslated(t *testing.T) {
	found, requests := importReach(t)
	if len(requests) == 0 || len(found) < 50 {
		t.Fatalf("found %d formats and %d requests: the walk lost its way", len(found), len(requests))
	}
	for _, req := range requests {
		for _, r := range ruleMessages(req) {
			r.pos.Filename = string(req.FullName())
			found = append(found, r)
		}
	}
	done := map[string]bool{}
	for _, r := range found {
		key := r.field + "\x00" + r.format
		if done[key] || notProblems[r.format] != "" {
			continue
		}
		done[key] = true
		msg := sample(r.format)
		field := strings.ReplaceAll(r.field, "%s", "person")
		if got := Problem(&pb.ImportProblem{Field: field, Message: msg}); got == msg {
			t.Errorf("%s: %q (field %q) is not said in Vietnamese", r.pos, r.format, r.field)
		}
	}
}
