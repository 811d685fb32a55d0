package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"go.einride.tech/aip/fieldbehavior"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The collection commands are derived from the contract: every RPC of the
// trithuc.v1 services becomes a verb of the collection its resource belongs
// to (GetPerson is `trithuc people get`), and its request fields become
// flags, so that the CLI never lags behind the API.

// collection is a resource collection, or a service without one.
type collection struct {
	name     string // "people"
	singular string // "person"; empty for a service
	verbs    map[string]*verb
	// streams are the methods of the collection that no verb calls (see
	// callable), named in its help.
	streams []string
}

type verb struct {
	name   string
	method protoreflect.MethodDescriptor
	// hidden is an older spelling that still runs but is neither listed
	// nor completed.
	hidden bool
}

var collections = discover()

// contractFiles are the files whose services the CLI offers.
var contractFiles = []protoreflect.FileDescriptor{
	pb.File_trithuc_v1_person_service_proto,
	pb.File_trithuc_v1_organization_service_proto,
	pb.File_trithuc_v1_reference_proto,
	pb.File_trithuc_v1_membership_service_proto,
	pb.File_trithuc_v1_expert_service_proto,
	pb.File_trithuc_v1_honors_service_proto,
	pb.File_trithuc_v1_reviews_proto,
	pb.File_trithuc_v1_accounts_proto,
	pb.File_trithuc_v1_audit_service_proto,
	pb.File_trithuc_v1_statistics_proto,
	pb.File_trithuc_v1_privacy_service_proto,
	pb.File_trithuc_v1_transfer_service_proto,
	pb.File_trithuc_v1_change_service_proto,
}

// callable says whether a verb can call method md: one call and one
// answer; a server stream that sends a file (ExportPeople); or a watch
// (WatchChanges, watch.go), which prints what comes until it is stopped.
// Another stream would not be a verb: its collection's help names it.
func callable(md protoreflect.MethodDescriptor) bool {
	return !md.IsStreamingServer() || md.Output().FullName() == "google.api.HttpBody" || isWatch(md)
}

func discover() map[string]*collection {
	type res struct{ singular, plural, typ string }
	resources := map[string]res{} // by message name
	protoregistry.GlobalFiles.RangeFilesByPackage("trithuc.v1", func(fd protoreflect.FileDescriptor) bool {
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			md := msgs.Get(i)
			rd, _ := proto.GetExtension(md.Options(), annotations.E_Resource).(*annotations.ResourceDescriptor)
			if rd.GetPlural() != "" {
				resources[string(md.Name())] = res{singular: rd.GetSingular(), plural: rd.GetPlural(), typ: rd.GetType()}
			}
		}
		return true
	})
	out := map[string]*collection{}
	add := func(name, singular string, v *verb) {
		c := out[name]
		if c == nil {
			c = &collection{name: name, singular: singular, verbs: map[string]*verb{}}
			out[name] = c
		}
		if !callable(v.method) {
			c.streams = append(c.streams, string(v.method.FullName()))
			return
		}
		c.verbs[v.name] = v
	}
	for _, fd := range contractFiles {
		services := fd.Services()
		for i := 0; i < services.Len(); i++ {
			sd := services.Get(i)
			methods := sd.Methods()
			for j := 0; j < methods.Len(); j++ {
				md := methods.Get(j)
				name := string(md.Name())
				verbEnd := strings.IndexFunc(name[1:], unicode.IsUpper) + 1
				verbName, noun := strings.ToLower(name[:verbEnd]), name[verbEnd:]
				if verbEnd == 0 {
					verbName, noun = strings.ToLower(name), ""
				}
				if verbName == "batch" {
					// BatchGetPeople is people's batch-get (AIP-231). It was
					// "person batch-get-people", which still runs.
					next := strings.IndexFunc(noun[1:], unicode.IsUpper) + 1
					verbName, noun = "batch-"+strings.ToLower(noun[:next]), noun[next:]
					svc := strings.ToLower(strings.TrimSuffix(string(sd.Name()), "Service"))
					add(svc, "", &verb{name: dashed(name), method: md, hidden: true})
				}
				found := false
				for msg, r := range resources {
					if noun == msg || noun == pascal(r.plural) {
						add(r.plural, r.singular, &verb{name: verbName, method: md})
						found = true
						break
					}
				}
				if !found {
					// A custom method on a collection (RegisterMember) belongs
					// to the collection its parent holds, as its first word.
					if child := parentChildType(md); child != "" {
						for _, r := range resources {
							if r.typ == child {
								v := &verb{name: verbName, method: md}
								if c := out[r.plural]; c != nil && c.verbs[verbName] != nil {
									v.name = dashed(name)
								}
								add(r.plural, r.singular, v)
								found = true
								break
							}
						}
					}
				}
				if !found {
					svc := strings.ToLower(strings.TrimSuffix(string(sd.Name()), "Service"))
					add(svc, "", &verb{name: dashed(name), method: md})
				}
			}
		}
	}
	return out
}

// parentChildType is the resource type that a method's parent field holds
// children of (google.api.resource_reference.child_type), or "".
func parentChildType(md protoreflect.MethodDescriptor) string {
	fd := md.Input().Fields().ByName("parent")
	if fd == nil {
		return ""
	}
	ref, _ := proto.GetExtension(fd.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
	return ref.GetChildType()
}

func findCollection(name string) *collection { return collections[name] }

func collectionsHelp() string {
	names := make([]string, 0, len(collections))
	for n, c := range collections {
		if len(c.verbNames()) > 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-20s %s\n", n, strings.Join(collections[n].verbNames(), ", "))
	}
	return b.String()
}

func (c *collection) verbNames() []string {
	names := make([]string, 0, len(c.verbs))
	for n, v := range c.verbs {
		if !v.hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// pascal turns "people" or "administrative_units" into "People" or
// "AdministrativeUnits".
func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '_' || r == '-' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dashed turns "ComputeStatistics" into "compute-statistics".
func dashed(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func runCollection(ctx context.Context, c *collection, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stderr, "Usage: trithuc %s <verb> [NAME] [flags]\nVerbs: %s\n", c.name, strings.Join(c.verbNames(), ", "))
		for _, s := range c.streams {
			fmt.Fprintf(stderr, "Not a verb: %s, a stream that runs until the caller ends it; call it over gRPC or REST.\n", s)
		}
		if len(args) == 0 {
			return usageError(c.name + ": say which verb")
		}
		return nil
	}
	v := c.verbs[args[0]]
	if v == nil {
		return usageError(fmt.Sprintf("%s: unknown verb %q; verbs: %s", c.name, args[0], strings.Join(c.verbNames(), ", ")))
	}
	if v.method.FullName() == importPeople {
		// The file is the request: `people import FILE` is `import people FILE`.
		return runImport(ctx, append([]string{"people"}, args[1:]...), stdout, stderr)
	}
	reqType, err := protoregistry.GlobalTypes.FindMessageByName(v.method.Input().FullName())
	if err != nil {
		return err
	}
	respType, err := protoregistry.GlobalTypes.FindMessageByName(v.method.Output().FullName())
	if err != nil {
		return err
	}
	req := reqType.New().Interface()

	fs := flag.NewFlagSet("trithuc "+c.name+" "+v.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vf := verbFlags(fs, v)
	cf, mf := &vf.client, vf.message
	positional := positionalField(req)
	fs.Usage = func() {
		arg := ""
		if positional != "" {
			arg = " " + strings.ToUpper(positional)
		}
		about := docOf(v.method)
		if about != "" {
			about += "\n\n"
		}
		if isWatch(v.method) {
			about += watchHelp + "\n\n"
		}
		fmt.Fprintf(stderr, "Usage: trithuc %s %s%s [flags]\n\n%sCalls %s.\n\nFlags:\n", c.name, v.name, arg, about, v.method.FullName())
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if err := cf.checkOutput("csv"); err != nil {
		return err
	}
	if writesFile(v) {
		if err := refuseOutput(fs, c.name+" "+v.name); err != nil {
			return err
		}
	}
	switch {
	case fs.NArg() > 1:
		return usageError(fmt.Sprintf("%s %s: too many arguments: %q", c.name, v.name, fs.Args()))
	case fs.NArg() == 1 && positional == "":
		return usageError(fmt.Sprintf("%s %s takes no argument", c.name, v.name))
	}
	if err := mf.apply(req, v.name == "update"); err != nil {
		return usageError(err.Error())
	}
	// The name given as an argument wins over one in --json, as flags do.
	if fs.NArg() == 1 {
		name := fs.Arg(0)
		if !strings.Contains(name, "/") && positional != "parent" {
			name = c.name + "/" + name
		}
		if err := mf.setPath(req, positional, name); err != nil {
			return err
		}
	}
	if err := missingName(req, positional, c.name+" "+v.name); err != nil {
		return err
	}

	full := "/" + string(v.method.Parent().FullName()) + "/" + string(v.method.Name())
	if isWatch(v.method) {
		return runWatch(ctx, cf, fs, full, v.method, vf.columns, req, stdout, stderr)
	}
	if v.method.IsStreamingServer() && writesFile(v) {
		// A file, streamed in chunks (ExportPeople).
		if vf.columns != "" && hasField(req, "columns") {
			if err := mf.setPath(req, "columns", vf.columns); err != nil {
				return usageError(err.Error())
			}
		}
		return runDownload(ctx, cf, full, req, stdout)
	}
	// Columns that are not fields are refused before the call, not
	// printed empty after it.
	if _, err := tableColumns(rowType(v.method.Output()), vf.columns); err != nil {
		return err
	}
	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()
	var pages []proto.Message
	for {
		resp := respType.New().Interface()
		cctx, cancel := context.WithTimeout(ctx, cf.timeout)
		err := cl.Conn().Invoke(cctx, full, req, resp)
		cancel()
		if err != nil {
			return callError(err)
		}
		if body, ok := resp.(*httpbody.HttpBody); ok {
			// A file (an export, the import template): as it is.
			_, err := stdout.Write(body.GetData())
			return err
		}
		pages = append(pages, resp)
		next := stringField(resp, "next_page_token")
		if !vf.all || next == "" {
			break
		}
		if err := mf.setPath(req, "page_token", next); err != nil {
			return err
		}
	}
	return printResult(stdout, stderr, cf.output, vf.columns, pages)
}

// verbFlagSet holds the flags of a collection's verb once parsed.
type verbFlagSet struct {
	client  clientFlags
	all     bool
	columns string
	message *messageFlags
}

// verbFlags registers the flags of verb v on fs: the client's, and one per
// field of its request.
func verbFlags(fs *flag.FlagSet, v *verb) *verbFlagSet {
	vf := &verbFlagSet{}
	vf.client.register(fs)
	if v.method.Input().Fields().ByName("page_token") != nil {
		fs.BoolVar(&vf.all, "all", false, "fetch every page, not just the first")
	}
	if writesFile(v) {
		// The file is written as the server makes it: --columns, where the
		// request has them, are the file's, and --output has no say.
		fileOutput(fs)
		if v.method.Input().Fields().ByName("columns") != nil {
			fs.StringVar(&vf.columns, "columns", "", "the file's `columns`, comma-separated API field names (e.g. family_name,birth_date); the template's when empty")
		}
	} else {
		fs.StringVar(&vf.columns, "columns", "", "with --output table or csv: the `fields` to show, comma-separated")
	}
	if isWatch(v.method) {
		noTimeout(fs)
	}
	vf.message = newMessageFlags(fs, v.method.Input())
	return vf
}

// fileOutput describes the --output of a command that writes a file: it
// has no say there (refuseOutput refuses it).
func fileOutput(fs *flag.FlagSet) {
	out := fs.Lookup("output")
	out.Usage, out.DefValue = "does not apply: the file is written to stdout as it is", ""
}

// refuseOutput refuses an --output given to a command that writes a file,
// rather than ignore it.
func refuseOutput(fs *flag.FlagSet, command string) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "output" })
	if given {
		return usageError(command + " writes a file to stdout as it is: --output does not apply (redirect stdout to the file)")
	}
	return nil
}

// writesFile says whether verb v answers with a file (google.api.HttpBody:
// an export, the import template), which it writes to stdout as it is.
func writesFile(v *verb) bool {
	return v.method.Output().FullName() == "google.api.HttpBody"
}

// positionalField is the request field the one positional argument fills.
func positionalField(req proto.Message) string {
	for _, f := range []string{"name", "parent"} {
		if hasField(req, f) {
			return f
		}
	}
	fields := req.ProtoReflect().Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() != nil && hasField(reflectNew(fd.Message()), "name") {
			return string(fd.Name()) + ".name"
		}
	}
	return ""
}

func reflectNew(md protoreflect.MessageDescriptor) proto.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		return nil
	}
	return mt.New().Interface()
}

func hasField(m proto.Message, name string) bool {
	return m != nil && m.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(name)) != nil
}

func stringField(m proto.Message, name string) string {
	fd := m.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil || fd.Kind() != protoreflect.StringKind {
		return ""
	}
	return m.ProtoReflect().Get(fd).String()
}

// callError prints what the server said, with every field it named.
func callError(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", codeName(st.Code()), st.Message())
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) > 1 {
			for _, v := range br.GetFieldViolations() {
				fmt.Fprintf(&b, "\n  %s: %s", v.GetField(), v.GetDescription())
			}
		}
	}
	return errors.New(b.String())
}

// codeName spells a code as the gRPC documentation does: INVALID_ARGUMENT.
func codeName(c codes.Code) string {
	var b strings.Builder
	for i, r := range c.String() {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// importPeople has its own command: its request is a file.
const importPeople = "trithuc.v1.TransferService.ImportPeople"

var jsonOut = protojson.MarshalOptions{UseProtoNames: true}

// missingName is the usage error of a request whose required name or
// parent (positional) was given neither as the argument nor in --json: the
// server would refuse it as malformed, after a round trip, and exit 1.
func missingName(req proto.Message, positional, command string) error {
	if positional != "name" && positional != "parent" {
		return nil
	}
	fd := req.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(positional))
	if fd == nil || fd.Kind() != protoreflect.StringKind || req.ProtoReflect().Get(fd).String() != "" ||
		!fieldbehavior.Has(fd, annotations.FieldBehavior_REQUIRED) {
		return nil
	}
	what := positional
	if p := referencePattern(fd); p != "" {
		what += " (" + p + ")"
	}
	return usageError(fmt.Sprintf("%s: give the %s as its argument: trithuc %s %s", command, what, command, strings.ToUpper(positional)))
}

// referencePattern is the pattern of the names fd takes, from its
// google.api.resource_reference: the resource's own, or its parent's for
// a child_type.
func referencePattern(fd protoreflect.FieldDescriptor) string {
	ref, _ := proto.GetExtension(fd.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
	typ := ref.GetType()
	if typ == "" {
		typ = ref.GetChildType()
	}
	var pattern string
	protoregistry.GlobalFiles.RangeFilesByPackage("trithuc.v1", func(f protoreflect.FileDescriptor) bool {
		for i := 0; i < f.Messages().Len(); i++ {
			rd, _ := proto.GetExtension(f.Messages().Get(i).Options(), annotations.E_Resource).(*annotations.ResourceDescriptor)
			if rd.GetType() == typ && len(rd.GetPattern()) > 0 {
				pattern = rd.GetPattern()[0]
				return false
			}
		}
		return true
	})
	if ref.GetChildType() != "" && pattern != "" {
		// people/{person}/qualifications/{qualification}: people/{person}
		segs := strings.Split(pattern, "/")
		if len(segs) < 3 {
			return ""
		}
		pattern = strings.Join(segs[:len(segs)-2], "/")
	}
	return pattern
}
