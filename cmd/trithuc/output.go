package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// defaultColumns are the table columns of resources whose fields are too
// many to show all of.
var defaultColumns = map[protoreflect.FullName][]string{
	"trithuc.v1.Person":      {"name", "display_name", "gender", "birth_date", "ethnicity", "hometown"},
	"trithuc.v1.AuditEvent":  {"event_time", "principal", "role", "method", "code", "resources", "client_address"},
	"trithuc.v1.Membership":  {"name", "person", "state", "member_number", "apply_time", "approve_time"},
	"trithuc.v1.Association": {"name", "code", "display_name", "parent", "member_number_format"},
	// The first eight fields would leave out the unit a caller is limited to.
	"trithuc.v1.Account": {"name", "email", "display_name", "role", "association", "organization", "create_time", "password_time", "disable_time"},
	"trithuc.v1.ApiKey":  {"name", "display_name", "role", "association", "organization", "create_time", "expire_time", "revoke_time", "last_use_time"},
	// A listed report has no tables nor indicators (ListReports leaves
	// them out): their columns would always be empty.
	"trithuc.v1.Report": {"name", "template", "as_of", "create_time", "creator_display_name"},
}

// timeLayout is how the command line prints a time: in the service's zone
// (Vietnam's, as the console and the calendar of dates), with its offset,
// so that a time read on a machine set to UTC is not taken for local.
const timeLayout = "2006-01-02 15:04:05 -07:00"

// cliTime is t as the command line prints it (timeLayout).
func cliTime(t time.Time) string { return t.In(store.Vietnam).Format(timeLayout) }

// printResult prints the responses of one call (several when --all followed
// the pages) to w. When a list has more pages, it says how to get them: in
// the table, or on errw for CSV and JSON, whose output stays clean data.
func printResult(w, errw io.Writer, format, columns string, pages []proto.Message) error {
	resp := pages[0]
	items := itemsField(resp.ProtoReflect().Descriptor())
	if len(pages) > 1 && items != nil {
		list := resp.ProtoReflect().Mutable(items).List()
		for _, p := range pages[1:] {
			more := p.ProtoReflect().Get(items).List()
			for i := 0; i < more.Len(); i++ {
				list.Append(more.Get(i))
			}
		}
		if fd := resp.ProtoReflect().Descriptor().Fields().ByName("next_page_token"); fd != nil {
			resp.ProtoReflect().Clear(fd)
		}
	}
	more := ""
	if next := stringField(resp, "next_page_token"); items != nil && next != "" {
		more = fmt.Sprintf("More: --page-token %s (or --all)\n", next)
	}
	if format == "json" {
		b, err := jsonOut.Marshal(resp)
		if err != nil {
			return err
		}
		// protojson varies its spacing on purpose; print it the same way
		// every time, for people and for scripts that grep.
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err = w.Write(out.Bytes())
		fmt.Fprint(errw, more)
		return err
	}

	md := rowType(resp.ProtoReflect().Descriptor())
	var rows []protoreflect.Message
	if items != nil {
		list := resp.ProtoReflect().Get(items).List()
		for i := 0; i < list.Len(); i++ {
			rows = append(rows, list.Get(i).Message())
		}
	} else {
		rows = append(rows, resp.ProtoReflect())
	}
	cols, err := tableColumns(md, columns)
	if err != nil {
		return err
	}
	if format == "csv" {
		err := printCSV(w, cols, rows)
		fmt.Fprint(errw, more)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = strings.ToUpper(c)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = cell(r, c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if more != "" {
		fmt.Fprint(w, "\n"+more)
	}
	return nil
}

// printCSV prints rows as CSV for a spreadsheet or a script: the fields'
// names as the header, then a line per item (every page with --all; the
// hint of more pages goes to stderr, where it is not read as a row).
func printCSV(w io.Writer, cols []string, rows []protoreflect.Message) error {
	cw := transfer.NewCSVWriter(w, false)
	cw.Write(cols)
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = cell(r, c)
		}
		cw.Write(cells)
	}
	return cw.Flush()
}

// itemsField is the repeated field holding the items of an answer that is
// a list: a List or Search response's (AIP-132, AIP-158: the first, beside
// next_page_token), or the only one of an answer that is a collection and
// not a resource (a batch get, AIP-231; a statistics table). A resource is
// one row, whatever it repeats (a person's fields of expertise), and so is
// an answer holding several lists (a person's data).
func itemsField(md protoreflect.MessageDescriptor) protoreflect.FieldDescriptor {
	var lists []protoreflect.FieldDescriptor
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		if fd := fields.Get(i); fd.IsList() && fd.Message() != nil {
			lists = append(lists, fd)
		}
	}
	switch {
	case len(lists) == 0 || isResource(md):
		return nil
	case fields.ByName("next_page_token") != nil || len(lists) == 1:
		return lists[0]
	}
	return nil
}

// isResource reports whether md is a resource (google.api.resource).
func isResource(md protoreflect.MessageDescriptor) bool {
	rd, _ := proto.GetExtension(md.Options(), annotations.E_Resource).(*annotations.ResourceDescriptor)
	return rd.GetType() != ""
}

// rowType is the message a table of an answer md has a row of: its items'
// for a list, its own otherwise.
func rowType(md protoreflect.MessageDescriptor) protoreflect.MessageDescriptor {
	if items := itemsField(md); items != nil {
		return items.Message()
	}
	return md
}

// tableColumns are the columns of a table of md: the fields --columns
// names, or the defaults. A column is a field's API name or its JSON name
// (displayName), or a dotted path into a message field; an unknown one is
// refused with the names md has, rather than printed empty.
func tableColumns(md protoreflect.MessageDescriptor, columns string) ([]string, error) {
	if columns != "" {
		var cols []string
		for _, c := range strings.Split(columns, ",") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			path, err := fieldPath(md, c)
			if err != nil {
				return nil, err
			}
			cols = append(cols, path)
		}
		if len(cols) == 0 {
			return nil, usageError("--columns: name at least one field")
		}
		return cols, nil
	}
	if cols, ok := defaultColumns[md.FullName()]; ok {
		return cols, nil
	}
	var cols []string
	fields := md.Fields()
	for i := 0; i < fields.Len() && len(cols) < 8; i++ {
		fd := fields.Get(i)
		if fd.Name() == "etag" || fd.IsList() || fd.IsMap() {
			continue
		}
		cols = append(cols, string(fd.Name()))
	}
	return cols, nil
}

// fieldPath is the dotted path of API field names that column names in md.
func fieldPath(md protoreflect.MessageDescriptor, column string) (string, error) {
	parts := strings.Split(column, ".")
	for i, part := range parts {
		fields := md.Fields()
		fd := fields.ByName(protoreflect.Name(part))
		if fd == nil {
			fd = fields.ByJSONName(part)
		}
		if fd == nil {
			names := make([]string, fields.Len())
			for j := range names {
				names[j] = string(fields.Get(j).Name())
			}
			return "", usageError(fmt.Sprintf("--columns: %q: %s has no field %q; its fields: %s", column, md.Name(), part, strings.Join(names, ", ")))
		}
		parts[i] = string(fd.Name())
		if i == len(parts)-1 {
			break
		}
		if fd.Message() == nil || fd.IsList() || fd.IsMap() {
			return "", usageError(fmt.Sprintf("--columns: %q: %s.%s holds no fields to pick from", column, md.Name(), fd.Name()))
		}
		md = fd.Message()
	}
	return strings.Join(parts, "."), nil
}

// cell renders the field at a dotted path for a table.
func cell(m protoreflect.Message, path string) string {
	parts := strings.Split(path, ".")
	for i, part := range parts {
		fd := m.Descriptor().Fields().ByName(protoreflect.Name(part))
		if fd == nil || !m.Has(fd) {
			return ""
		}
		v := m.Get(fd)
		if i < len(parts)-1 {
			if fd.Message() == nil || fd.IsList() || fd.IsMap() {
				return ""
			}
			m = v.Message()
			continue
		}
		return render(fd, v)
	}
	return ""
}

func render(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	if fd.IsList() {
		list := v.List()
		items := make([]string, list.Len())
		for i := range items {
			items[i] = renderOne(fd, list.Get(i))
		}
		return strings.Join(items, ", ")
	}
	return renderOne(fd, v)
}

func renderOne(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch {
	case fd.Enum() != nil:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return fmt.Sprint(v.Enum())
	case fd.Message() != nil:
		m := v.Message()
		switch fd.Message().FullName() {
		case "google.type.Date":
			f := fd.Message().Fields()
			y, mo, d := m.Get(f.ByName("year")).Int(), m.Get(f.ByName("month")).Int(), m.Get(f.ByName("day")).Int()
			switch {
			case mo == 0:
				return fmt.Sprintf("%04d", y)
			case d == 0:
				return fmt.Sprintf("%04d-%02d", y, mo)
			}
			return fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
		case "google.protobuf.Timestamp":
			f := fd.Message().Fields()
			t := time.Unix(m.Get(f.ByName("seconds")).Int(), m.Get(f.ByName("nanos")).Int())
			return cliTime(t)
		}
		b, _ := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m.Interface())
		return string(b)
	}
	return v.String()
}
