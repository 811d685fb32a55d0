// Command openapidoc finishes the OpenAPI (Swagger 2.0) document that
// protoc-gen-openapiv2 makes from the protos, in place. `make generate` runs
// it after buf:
//
//	go run ./openapidoc SWAGGER.json DESCRIPTORS.binpb FRAGMENT.json...
//
// It does two things the generator cannot:
//
//   - It names each path parameter as the resource patterns of the contract
//     name it (people/{person}, countries/{country}): the generator drops a
//     final "s" from the collection instead, giving {people} and
//     {countrie}.
//   - It adds the paths, definitions and tags of each FRAGMENT, a Swagger
//     document of routes the server writes by hand (those of
//     google.longrunning.Operations, whose proto is Google's). A path or
//     definition that is already there is an error, not an overwrite.
//
// The document keeps the generator's layout (its key order, its indent), so
// that a run over an unchanged contract changes nothing.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: openapidoc SWAGGER.json DESCRIPTORS.binpb [FRAGMENT.json...]")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "openapidoc:", err)
		os.Exit(1)
	}
}

func run(docFile, descFile string, fragments []string) error {
	var doc object
	if err := readJSON(docFile, &doc); err != nil {
		return err
	}
	b, err := os.ReadFile(descFile)
	if err != nil {
		return err
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(b, &set); err != nil {
		return fmt.Errorf("%s: %w", descFile, err)
	}
	vars, err := collectionVariables(&set)
	if err != nil {
		return err
	}
	if err := nameParameters(&doc, vars); err != nil {
		return err
	}
	if err := etagHeaders(&doc); err != nil {
		return err
	}
	for _, f := range fragments {
		var frag object
		if err := readJSON(f, &frag); err != nil {
			return err
		}
		if err := merge(&doc, frag); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(docFile, append(out, '\n'), 0o644)
}

// collectionVariables maps each collection of the contract's resource
// patterns to the variable that follows it, in the document's lowerCamel
// case: people → person, countries → country.
func collectionVariables(set *descriptorpb.FileDescriptorSet) (map[string]string, error) {
	vars := map[string]string{}
	add := func(r *annotations.ResourceDescriptor) error {
		for _, pattern := range r.GetPattern() {
			segs := strings.Split(pattern, "/")
			for i := 1; i < len(segs); i++ {
				v, ok := strings.CutPrefix(segs[i], "{")
				if !ok {
					continue
				}
				v = lowerCamel(strings.TrimSuffix(v, "}"))
				if old, ok := vars[segs[i-1]]; ok && old != v {
					return fmt.Errorf("the collection %s is followed by {%s} in one resource pattern and by {%s} in another", segs[i-1], old, v)
				}
				vars[segs[i-1]] = v
			}
		}
		return nil
	}
	var walk func(msgs []*descriptorpb.DescriptorProto) error
	walk = func(msgs []*descriptorpb.DescriptorProto) error {
		for _, m := range msgs {
			if r, ok := proto.GetExtension(m.GetOptions(), annotations.E_Resource).(*annotations.ResourceDescriptor); ok && r != nil {
				if err := add(r); err != nil {
					return err
				}
			}
			if err := walk(m.GetNestedType()); err != nil {
				return err
			}
		}
		return nil
	}
	for _, f := range set.GetFile() {
		for _, r := range proto.GetExtension(f.GetOptions(), annotations.E_ResourceDefinition).([]*annotations.ResourceDescriptor) {
			if err := add(r); err != nil {
				return nil, err
			}
		}
		if err := walk(f.GetMessageType()); err != nil {
			return nil, err
		}
	}
	if len(vars) == 0 {
		return nil, fmt.Errorf("the descriptors declare no resource pattern (google.api.resource)")
	}
	return vars, nil
}

func lowerCamel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

var pathParam = regexp.MustCompile(`^\{([A-Za-z0-9_]+)\}(:.*)?$`)

// nameParameters renames the path parameters that follow a collection to
// the collection's variable, in the path and in its operations.
func nameParameters(doc *object, vars map[string]string) error {
	var paths object
	if err := doc.get("paths", &paths); err != nil {
		return err
	}
	for i, p := range paths {
		segs := strings.Split(p.key, "/")
		renames := map[string]string{}
		for j := 1; j < len(segs); j++ {
			m := pathParam.FindStringSubmatch(segs[j])
			if m == nil {
				continue
			}
			want, ok := vars[segs[j-1]]
			if !ok || want == m[1] {
				continue
			}
			if slices.Contains(segs, "{"+want+"}") {
				return fmt.Errorf("%s: renaming {%s} to {%s} would name two parameters alike", p.key, m[1], want)
			}
			renames[m[1]] = want
			segs[j] = "{" + want + "}" + m[2]
		}
		if len(renames) == 0 {
			continue
		}
		var item object
		if err := json.Unmarshal(p.value, &item); err != nil {
			return fmt.Errorf("%s: %w", p.key, err)
		}
		for k, op := range item {
			var operation object
			if err := json.Unmarshal(op.value, &operation); err != nil {
				return fmt.Errorf("%s %s: %w", op.key, p.key, err)
			}
			var params []object
			if err := operation.get("parameters", &params); err != nil {
				return fmt.Errorf("%s %s: %w", op.key, p.key, err)
			}
			for j := range params {
				var in, name string
				if params[j].get("in", &in) != nil || params[j].get("name", &name) != nil || in != "path" || renames[name] == "" {
					continue
				}
				if err := params[j].set("name", renames[name]); err != nil {
					return err
				}
			}
			if err := operation.set("parameters", params); err != nil {
				return err
			}
			b, err := json.Marshal(operation)
			if err != nil {
				return err
			}
			item[k].value = b
		}
		b, err := json.Marshal(item)
		if err != nil {
			return err
		}
		paths[i] = member{key: strings.Join(segs, "/"), value: b}
	}
	paths.sort()
	return doc.set("paths", paths)
}

// merge adds the tags, paths and definitions of frag to doc.
func merge(doc *object, frag object) error {
	var tags, fragTags []json.RawMessage
	if err := doc.get("tags", &tags); err != nil {
		return err
	}
	if err := frag.get("tags", &fragTags); err == nil {
		if err := doc.set("tags", append(tags, fragTags...)); err != nil {
			return err
		}
	}
	for _, section := range []string{"paths", "definitions"} {
		var have, add object
		if err := doc.get(section, &have); err != nil {
			return err
		}
		if err := frag.get(section, &add); err != nil {
			continue
		}
		for _, m := range add {
			if have.index(m.key) >= 0 {
				return fmt.Errorf("%s %s is in the generated document already", section, m.key)
			}
			have = append(have, m)
		}
		have.sort()
		if err := doc.set(section, have); err != nil {
			return err
		}
	}
	return nil
}

func readJSON(file string, v any) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// object is a JSON object that keeps the order of its members.
type object []member

type member struct {
	key   string
	value json.RawMessage
}

func (o object) index(key string) int {
	return slices.IndexFunc(o, func(m member) bool { return m.key == key })
}

func (o object) get(key string, v any) error {
	i := o.index(key)
	if i < 0 {
		return fmt.Errorf("no %q", key)
	}
	return json.Unmarshal(o[i].value, v)
}

func (o *object) set(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if i := o.index(key); i >= 0 {
		(*o)[i].value = b
	} else {
		*o = append(*o, member{key, b})
	}
	return nil
}

func (o object) sort() {
	slices.SortStableFunc(o, func(a, b member) int { return strings.Compare(a.key, b.key) })
}

func (o *object) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("want a JSON object")
	}
	*o = (*o)[:0]
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*o = append(*o, member{t.(string), v})
	}
	_, err := dec.Token()
	return err
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
