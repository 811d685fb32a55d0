package proto

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The contract's checks: the protos pass buf lint, and the generated code
// committed beside them is exactly what `make generate` makes from them now.
// Both run buf and the plugins pinned in tools/go.mod, built by the go
// command from the module proxy, so they need nothing installed but Go.

func runTool(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"tool", "-modfile=tools/go.mod"}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go tool %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.Bytes()
}

func TestLint(t *testing.T) {
	runTool(t, "..", "buf", "lint")
}

func TestGeneratedCodeIsCurrent(t *testing.T) {
	tmp := t.TempDir()
	runTool(t, "..", "buf", "generate", "--output", tmp)
	runTool(t, "..", "buf", "build", "--exclude-imports", "--path", "proto/trithuc", "-o", filepath.Join(tmp, "proto/trithuc/v1/descriptor.binpb"))
	// The OpenAPI document is finished as `make generate` finishes it.
	doc := exec.Command("go", "run", "./openapidoc", filepath.Join(tmp, "proto/trithuc/v1/trithuc.swagger.json"), filepath.Join(tmp, "proto/trithuc/v1/descriptor.binpb"), "../proto/longrunning.openapi.json")
	doc.Dir = "../tools"
	if out, err := doc.CombinedOutput(); err != nil {
		t.Fatalf("openapidoc: %v\n%s", err, out)
	}

	fresh := generatedFiles(t, filepath.Join(tmp, "proto"))
	committed := generatedFiles(t, ".")
	if len(fresh) == 0 {
		t.Fatal("buf generate made no files")
	}
	for name, want := range fresh {
		got, ok := committed[name]
		switch {
		case !ok:
			t.Errorf("%s is missing: run `make generate` and commit it", name)
		case !bytes.Equal(got, want):
			t.Errorf("%s is stale: run `make generate` and commit it", name)
		}
	}
	for name := range committed {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s is generated from no .proto any more: run `make generate` (it deletes it)", name)
		}
	}
}

// generatedFiles reads the generated files under root, by relative path.
func generatedFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".pb.go") && !strings.HasSuffix(name, ".pb.gw.go") && !strings.HasSuffix(name, ".swagger.json") && !strings.HasSuffix(name, ".binpb") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRESTClientIsCurrent checks the REST client example the way `make
// generate` makes it: the committed OpenAPI document converted to OpenAPI 3,
// then oapi-codegen over it.
func TestRESTClientIsCurrent(t *testing.T) {
	tmp := t.TempDir()
	doc3 := filepath.Join(tmp, "openapi3.json")
	code := filepath.Join(tmp, "restclient.gen.go")
	run := exec.Command("go", "run", "./openapi3", "../proto/trithuc/v1/trithuc.swagger.json", doc3)
	run.Dir = "../tools"
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("openapi3: %v\n%s", err, out)
	}
	// The operations are the Makefile's RESTCLIENT_OPS.
	ops := "PersonService_CreatePerson,PersonService_GetPerson,PersonService_CreateQualification,PersonService_GetQualification"
	runTool(t, "..", "oapi-codegen", "-package", "restclient", "-generate", "types,client", "-include-operation-ids", ops, "-o", code, doc3)
	for _, f := range []struct{ fresh, committed string }{
		{doc3, "../examples/restclient/openapi3.json"},
		{code, "../examples/restclient/restclient.gen.go"},
	} {
		want, err := os.ReadFile(f.fresh)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f.committed)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `make generate` and commit it", f.committed)
		}
	}
}
