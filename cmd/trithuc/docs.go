package main

import (
	"regexp"
	"strings"
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	apispec "trithuc.gov.vn/trithuc/proto"
)

// The generated Go code carries the contract's descriptors without their
// comments; the help of the command line reads them from the descriptors
// `make generate` embeds with their comments, so that a flag's help says
// what the .proto file says of its field.

var contractDocs = sync.OnceValue(func() map[protoreflect.FullName]string {
	docs := map[protoreflect.FullName]string{}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(apispec.Descriptors, &set); err != nil {
		return docs
	}
	for _, fdp := range set.GetFile() {
		fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
		if err != nil {
			continue
		}
		locs := fd.SourceLocations()
		var walk func(d protoreflect.Descriptor)
		add := func(d protoreflect.Descriptor) {
			if c := cleanComment(locs.ByDescriptor(d).LeadingComments); c != "" {
				docs[d.FullName()] = c
			}
		}
		walk = func(d protoreflect.Descriptor) {
			add(d)
			if md, ok := d.(protoreflect.MessageDescriptor); ok {
				for i := 0; i < md.Fields().Len(); i++ {
					add(md.Fields().Get(i))
				}
				for i := 0; i < md.Messages().Len(); i++ {
					walk(md.Messages().Get(i))
				}
			}
		}
		for i := 0; i < fd.Messages().Len(); i++ {
			walk(fd.Messages().Get(i))
		}
		for i := 0; i < fd.Services().Len(); i++ {
			ms := fd.Services().Get(i).Methods()
			for j := 0; j < ms.Len(); j++ {
				add(ms.Get(j))
			}
		}
	}
	return docs
})

var linterNote = regexp.MustCompile(`(?s)\(--.*?--\)`)

// cleanComment makes a .proto comment one paragraph of help: the first
// paragraph, without the api-linter notes, its lines joined.
func cleanComment(c string) string {
	c = linterNote.ReplaceAllString(c, "")
	c = strings.TrimSpace(c)
	if i := strings.Index(c, "\n\n"); i >= 0 {
		c = c[:i]
	}
	// The flag package reads a back-quoted word of a usage as the name of
	// the flag's value; quotes say the same to a reader.
	c = strings.ReplaceAll(c, "`", `"`)
	return strings.Join(strings.Fields(c), " ")
}

// docOf is the contract's comment on d, "" when it has none.
func docOf(d protoreflect.Descriptor) string { return contractDocs()[d.FullName()] }
