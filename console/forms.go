package console

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"trithuc.gov.vn/trithuc/labels"
)

// Edit forms are described once per resource, as the fields of its message
// they show; the same description reads the resource into the form, reads
// the posted form into a message, and names the update mask. The server
// validates: the form only turns text into the message's types.
//
// An update names in its mask only the fields the person changed: those
// the posted form holds whose values differ from the resource as read when
// the form is saved (changedPaths). A field the form did not show (one
// withheld from the signed-in person), or a client left out, is not
// written, so nobody erases what they were never shown.

type formField struct {
	Name  string // the message field, e.g. "given_name"
	Label string
	Hint  string
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// fieldView is a field as a template shows it.
type fieldView struct {
	formField
	Kind  string // text, int, date, enum, bool, datalist, checks, datalists
	Value string
	// List is the id of a datalist's entries, in Options.
	List string
	// Other offers a text box beside the select (name_other) for what the
	// list does not hold; OtherValue is its text.
	Other      bool
	OtherValue string
	Checked    bool
	Options    []option
	// Values are the boxes of a list of datalist entries (datalists), the
	// Primary'th chosen as the main one.
	Values  []string
	Primary int
	Error   string
	// Withheld, when set, says why the field is not shown: the form has
	// no box for it, and so never changes it.
	Withheld string
}

var personForm = []formField{
	{"family_name", "Họ", ""},
	{"middle_name", "Tên đệm", ""},
	{"given_name", "Tên", ""},
	{"gender", "Giới tính", ""},
	{"birth_date", "Ngày sinh", "ngày/tháng/năm, hoặc chỉ năm"},
	{"ethnicity", "Dân tộc", ""},
	{"national_id", "Số định danh cá nhân", "12 chữ số"},
	{"email", "Email", ""},
	{"phone", "Điện thoại", ""},
	{"address", "Địa chỉ", ""},
	{"hometown", "Quê quán", "gõ vài chữ của tên đơn vị hành chính rồi chọn trong danh sách"},
	{"fields", "Lĩnh vực chuyên môn", "mỗi ô một lĩnh vực; gõ vài chữ của tên hoặc mã rồi chọn; đánh dấu lĩnh vực chính"},
	{"expert_roles", "Vai trò chuyên gia", ""},
	{"work_location", "Nơi làm việc", ""},
	{"work_country", "Quốc gia làm việc", "khi làm việc ở nước ngoài"},
	{"availability", "Sẵn sàng tham gia tư vấn, phản biện", ""},
	{"orcid", "ORCID", "ví dụ 0000-0002-1825-0097"},
	{"civil_servant_code", "Mã số cán bộ, công chức, viên chức", ""},
}

var childForms = map[string]struct {
	title  string
	fields []formField
}{
	"qualifications": {"Trình độ", []formField{
		{"kind", "Loại", ""},
		{"level", "Trình độ", ""},
		{"major", "Chuyên ngành", ""},
		{"field", "Lĩnh vực", "gõ vài chữ của tên hoặc mã rồi chọn trong danh sách"},
		{"institution", "Cơ sở đào tạo", ""},
		{"country", "Quốc gia", ""},
		{"year", "Năm", ""},
		{"mode_of_study", "Hình thức đào tạo", ""},
		{"document_number", "Số văn bằng", ""},
	}},
	"positions": {"Chức vụ, nơi công tác", []formField{
		{"organization", "Cơ quan (trong danh mục)", ""},
		{"organization_name", "Tên cơ quan (ngoài danh mục)", ""},
		{"title", "Chức vụ", ""},
		{"department", "Phòng, khoa", ""},
		{"employment_type", "Loại hình", ""},
		{"start", "Từ", "tháng/năm hoặc năm"},
		{"end", "Đến", ""},
		{"current", "Hiện nay", ""},
		{"country", "Quốc gia", ""},
		{"administrative_unit", "Đơn vị hành chính", "với nơi làm việc ngoài danh mục; gõ vài chữ của tên rồi chọn"},
	}},
	"works": {"Công trình", []formField{
		{"title", "Tên công trình, đề tài", ""},
		{"kind", "Loại", ""},
		{"year", "Năm", "năm công bố, cấp bằng, nghiệm thu hoặc công nhận"},
		{"role", "Vai trò", ""},
		{"level", "Cấp", "với đề tài, sáng kiến"},
		{"venue", "Nơi công bố, cơ quan phê duyệt", ""},
		{"document_number", "Số bằng, số quyết định", ""},
		{"doi", "DOI", "ví dụ 10.1000/xyz123"},
		{"field", "Lĩnh vực", "gõ vài chữ của tên hoặc mã rồi chọn trong danh sách"},
	}},
	"honors": {"Khen thưởng", []formField{
		{"title", "Danh hiệu, giải thưởng", ""},
		{"kind", "Loại", ""},
		{"year", "Năm", ""},
		{"issuer", "Cơ quan khen thưởng", ""},
		{"decision_number", "Số quyết định", ""},
	}},
}

// viewFields reads m into the form's fields; errs are the server's messages
// by field; ch are the reference lists its codes are chosen from.
func viewFields(m proto.Message, form []formField, errs map[string]string, ch choices) []fieldView {
	r := m.ProtoReflect()
	var out []fieldView
	for _, f := range form {
		fd := r.Descriptor().Fields().ByName(protoreflect.Name(f.Name))
		v := fieldView{formField: f, Error: errs[f.Name]}
		val := r.Get(fd)
		switch {
		case fd.IsList() && fd.Kind() == protoreflect.EnumKind:
			v.Kind = "checks"
			on := map[protoreflect.EnumNumber]bool{}
			for i := 0; i < val.List().Len(); i++ {
				on[val.List().Get(i).Enum()] = true
			}
			vals := fd.Enum().Values()
			for i := 0; i < vals.Len(); i++ {
				if ev := vals.Get(i); ev.Number() != 0 {
					v.Options = append(v.Options, option{Value: string(ev.Name()), Label: labels.Of(ev), Selected: on[ev.Number()]})
				}
			}
		case isFieldList(fd):
			fieldListView(&v, fd, val.List(), ch)
		case fd.Kind() == protoreflect.EnumKind:
			v.Kind = "enum"
			vals := fd.Enum().Values()
			for i := 0; i < vals.Len(); i++ {
				ev := vals.Get(i)
				l := labels.Of(ev)
				if ev.Number() == 0 {
					l = "—"
				}
				v.Options = append(v.Options, option{Value: string(ev.Name()), Label: l, Selected: ev.Number() == val.Enum()})
			}
		case fd.Kind() == protoreflect.BoolKind:
			v.Kind, v.Checked = "bool", val.Bool()
		case fd.Kind() == protoreflect.Int32Kind:
			v.Kind = "int"
			if val.Int() != 0 {
				v.Value = strconv.FormatInt(val.Int(), 10)
			}
		case fd.Message() != nil && fd.Message().FullName() == "google.type.Date":
			v.Kind = "date"
			if r.Has(fd) {
				v.Value = labels.Date(val.Message().Interface().(*date.Date))
			}
		default:
			v.Kind, v.Value = "text", val.String()
			if opts, ok := ch[refList(fd)]; ok {
				choiceView(&v, refList(fd), opts)
			}
		}
		out = append(out, v)
	}
	return out
}

// viewPosted is viewFields of m as read from the posted form r, with errs:
// a box whose text could not be read (a date, a number) shows it again as
// typed, since m cannot hold it, so that the person corrects it rather
// than typing it anew.
func viewPosted(r *http.Request, m proto.Message, form []formField, errs map[string]string, ch choices) []fieldView {
	fields := viewFields(m, form, errs, ch)
	for i, f := range fields {
		if _, held := r.PostForm[f.Name]; held && f.Error != "" && (f.Kind == "date" || f.Kind == "int") && f.Value == "" {
			fields[i].Value = strings.TrimSpace(r.PostFormValue(f.Name))
		}
	}
	return fields
}

// readForm sets the form's fields of m from the posted form; a field the
// form does not hold is left as m has it. It returns the fields whose text
// cannot be read as their type, with a message. A field chosen from a
// reference list of ch is read back to its code. Boxes to tick send
// nothing when none is ticked, so edit.html sends an empty value beside
// them, which says the form holds the field.
func readForm(r *http.Request, m proto.Message, form []formField, ch choices) map[string]string {
	bad := map[string]string{}
	msg := m.ProtoReflect()
	r.ParseForm() // done when the form's token was read; an error left it empty
	for _, f := range form {
		if _, held := r.PostForm[f.Name]; !held {
			continue
		}
		fd := msg.Descriptor().Fields().ByName(protoreflect.Name(f.Name))
		msg.Clear(fd)
		s := strings.TrimSpace(r.PostFormValue(f.Name))
		switch {
		case fd.IsList() && fd.Kind() == protoreflect.EnumKind:
			list := msg.Mutable(fd).List()
			for _, s := range r.PostForm[f.Name] {
				if s == "" {
					continue
				}
				ev := fd.Enum().Values().ByName(protoreflect.Name(s))
				if ev == nil || ev.Number() == 0 {
					bad[f.Name] = "lựa chọn không hợp lệ"
					continue
				}
				list.Append(protoreflect.ValueOfEnum(ev.Number()))
			}
		case isFieldList(fd):
			readFieldList(r, msg, fd, ch)
		case fd.Kind() == protoreflect.EnumKind:
			ev := fd.Enum().Values().ByName(protoreflect.Name(s))
			if ev == nil && s != "" {
				bad[f.Name] = "lựa chọn không hợp lệ"
				continue
			}
			if ev != nil {
				msg.Set(fd, protoreflect.ValueOfEnum(ev.Number()))
			} else {
				msg.Clear(fd)
			}
		case fd.Kind() == protoreflect.BoolKind:
			msg.Set(fd, protoreflect.ValueOfBool(slices.ContainsFunc(r.PostForm[f.Name], func(v string) bool { return v != "" })))
		case fd.Kind() == protoreflect.Int32Kind:
			if s == "" {
				msg.Clear(fd)
				continue
			}
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				bad[f.Name] = "phải là một số nguyên"
				continue
			}
			msg.Set(fd, protoreflect.ValueOfInt32(int32(n)))
		case fd.Message() != nil && fd.Message().FullName() == "google.type.Date":
			if s == "" {
				msg.Clear(fd)
				continue
			}
			d, err := parseDate(s)
			if err != nil {
				bad[f.Name] = err.Error()
				continue
			}
			msg.Set(fd, protoreflect.ValueOfMessage(d.ProtoReflect()))
		default:
			if opts, ok := ch[refList(fd)]; ok {
				if other := strings.TrimSpace(r.PostFormValue(f.Name + "_other")); other != "" && withOther[f.Name] {
					s = other
				}
				s = readChoice(s, opts)
			}
			msg.Set(fd, protoreflect.ValueOfString(s))
		}
	}
	return bad
}

// changedPaths are the form's fields whose values in edited differ from
// those in read, the resource as read: the update mask of a form saved.
// They are compared as the form shows them, so that what the server keeps
// beside a value (a field of expertise's code) or writes differently
// (a unit's code for its name) is no change.
func changedPaths(read, edited proto.Message, form []formField, ch choices) []string {
	was, is := viewFields(read, form, nil, ch), viewFields(edited, form, nil, ch)
	var paths []string
	for i, f := range form {
		if !reflect.DeepEqual(was[i], is[i]) {
			paths = append(paths, f.Name)
		}
	}
	return paths
}

// changes is the update of m's fields paths: a message of m's type with
// them, and its name and etag.
func changes(m proto.Message, paths []string) proto.Message {
	from := m.ProtoReflect()
	out := from.New()
	for _, p := range append([]string{"name", "etag"}, paths...) {
		if fd := from.Descriptor().Fields().ByName(protoreflect.Name(p)); fd != nil && from.Has(fd) {
			out.Set(fd, from.Get(fd))
		}
	}
	return out.Interface()
}

// withhold shows the fields names of a form as withheld, for why, without
// their boxes or values.
func withhold(fields []fieldView, why string, names ...string) {
	for i := range fields {
		if slices.Contains(names, fields[i].Name) {
			fields[i] = fieldView{formField: fields[i].formField, Withheld: why}
		}
	}
}

// parseDate reads dd/mm/yyyy, mm/yyyy, yyyy or yyyy-mm-dd.
func parseDate(s string) (*date.Date, error) {
	bad := fmt.Errorf("%q không phải là ngày: viết ngày/tháng/năm (08/03/1985), tháng/năm hoặc năm", s)
	var parts []string
	if strings.Contains(s, "-") {
		p := strings.Split(s, "-")
		for i := len(p) - 1; i >= 0; i-- {
			parts = append(parts, p[i])
		}
	} else {
		parts = strings.Split(s, "/")
	}
	nums := make([]int32, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, bad
		}
		nums[i] = int32(n)
	}
	switch len(nums) {
	case 1:
		return &date.Date{Year: nums[0]}, nil
	case 2:
		return &date.Date{Month: nums[0], Year: nums[1]}, nil
	case 3:
		return &date.Date{Day: nums[0], Month: nums[1], Year: nums[2]}, nil
	}
	return nil, bad
}

func protoValue(s string) protoreflect.Value { return protoreflect.ValueOfString(s) }

// withEtag sends a change with the etag the form carries. A form without
// one (an older page, a forged form) is answered as a stale one, ABORTED,
// as the server answers a stale etag: nothing is changed blind.
func withEtag(etag string, send func(etag string) error) error {
	if etag == "" {
		return status.Error(codes.Aborted, "the form carries no etag")
	}
	return send(etag)
}
