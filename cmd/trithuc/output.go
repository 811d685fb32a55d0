package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
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
}

// printResult prints the responses of one call (several when --all followed
// the pages).
func printResult(w io.Writer, format, columns string, pages []proto.Message) error {
	resp := pages[0]
	items := itemsField(resp)
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
		return err
	}

	var rows []protoreflect.Message
	var md protoreflect.MessageDescriptor
	if items != nil {
		list := resp.ProtoReflect().Get(items).List()
		md = items.Message()
		for i := 0; i < list.Len(); i++ {
			rows = append(rows, list.Get(i).Message())
		}
	} else {
		md = resp.ProtoReflect().Descriptor()
		rows = append(rows, resp.ProtoReflect())
	}
	cols := tableColumns(md, columns)
	if format == "csv" {
		return printCSV(w, cols, rows)
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
	if items != nil {
		if next := stringField(resp, "next_page_token"); next != "" {
			fmt.Fprintf(w, "\nMore: --page-token %s (or --all)\n", next)
		}
	}
	return nil
}

// printCSV prints rows as CSV for a spreadsheet or a script: the fields'
// names as the header, then a line per item (every page with --all, and no
// hint of more pages, which would be read as a row).
func printCSV(w io.Writer, cols []string, rows []protoreflect.Message) error {
	cw := csv.NewWriter(w)
	cw.Write(cols)
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = cell(r, c)
		}
		cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}

// itemsField is the repeated message field of a List response.
func itemsField(m proto.Message) protoreflect.FieldDescriptor {
	fields := m.ProtoReflect().Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		if fd := fields.Get(i); fd.IsList() && fd.Message() != nil {
			return fd
		}
	}
	return nil
}

func tableColumns(md protoreflect.MessageDescriptor, columns string) []string {
	if columns != "" {
		var cols []string
		for _, c := range strings.Split(columns, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, c)
			}
		}
		return cols
	}
	if cols, ok := defaultColumns[md.FullName()]; ok {
		return cols
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
	return cols
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
			return t.Local().Format(time.DateTime)
		}
		b, _ := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m.Interface())
		return string(b)
	}
	return v.String()
}
