package main

import (
	"encoding/json"
	"strings"
)

var (
	ifMatchParameter = map[string]any{
		"name": "If-Match", "in": "header", "required": false, "type": "string",
		"description": `The etag the resource must have, in double quotes as the ETag header gives it ("*": any): it stands for the etag of the request or its body, and a stale one is 412 Precondition Failed (https://google.aip.dev/154).`,
	}
	etagHeader = map[string]any{"ETag": map[string]any{
		"type":        "string",
		"description": "The resource's etag, in double quotes, for If-Match on a later write.",
	}}
)

// etagHeaders documents the headers that carry etags over REST
// (server/etag.go): the ETag of every answer that is a resource with an
// etag, and If-Match on every write that takes an etag (a query parameter,
// or a property of its body): an update, a delete, a custom method. A
// create's body has an etag too, which it ignores: a POST counts only on
// a custom method's path (…:verb).
func etagHeaders(doc *object) error {
	var defs map[string]struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := doc.get("definitions", &defs); err != nil {
		return err
	}
	hasEtag := func(ref string) bool {
		_, ok := defs[strings.TrimPrefix(ref, "#/definitions/")].Properties["etag"]
		return ok
	}
	var paths object
	if err := doc.get("paths", &paths); err != nil {
		return err
	}
	for i, p := range paths {
		var item object
		if err := json.Unmarshal(p.value, &item); err != nil {
			return err
		}
		for k, op := range item {
			var operation object
			if err := json.Unmarshal(op.value, &operation); err != nil {
				return err
			}
			var params []object
			operation.get("parameters", &params) // none is no etag
			takesEtag := false
			for _, prm := range params {
				var in, name string
				var schema struct {
					Ref        string                     `json:"$ref"`
					Properties map[string]json.RawMessage `json:"properties"`
				}
				prm.get("in", &in)
				prm.get("name", &name)
				prm.get("schema", &schema)
				_, inline := schema.Properties["etag"]
				takesEtag = takesEtag || in == "query" && name == "etag" || in == "body" && (inline || hasEtag(schema.Ref))
			}
			write := op.key == "patch" || op.key == "delete" || op.key == "post" && strings.Contains(p.key, ":")
			if write && takesEtag {
				var raw []any
				if err := operation.get("parameters", &raw); err != nil {
					return err
				}
				if err := operation.set("parameters", append(raw, ifMatchParameter)); err != nil {
					return err
				}
			}
			var responses object
			if err := operation.get("responses", &responses); err == nil {
				if j := responses.index("200"); j >= 0 {
					var ok object
					var schema struct {
						Ref string `json:"$ref"`
					}
					if err := json.Unmarshal(responses[j].value, &ok); err != nil {
						return err
					}
					if ok.get("schema", &schema) == nil && hasEtag(schema.Ref) {
						if err := ok.set("headers", etagHeader); err != nil {
							return err
						}
						b, err := json.Marshal(ok)
						if err != nil {
							return err
						}
						responses[j].value = b
						if err := operation.set("responses", responses); err != nil {
							return err
						}
					}
				}
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
		paths[i].value = b
	}
	return doc.set("paths", paths)
}
