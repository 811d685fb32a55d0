// Package vimsg says the server's English messages in Vietnamese: an
// import's problems and the refusals of its file, and the messages about
// single fields of a request. The API's contract keeps its messages
// English for every client; the console's pages and the report of an
// import a person downloads take their Vietnamese from here, so that one
// message has one translation.
package vimsg

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import's messages are said by their shape: the format the server,
// the transfer package or the store wrote the message with.
// TestEveryImportMessageIsTranslated reads those formats from the
// sources, so that a new one cannot pass untranslated.

// problemsVi are the Vietnamese of the import's messages, by the English
// format the message was made with; %[n]s is the message's nth value.
var problemsVi = map[string]string{
	// Rows that resemble or differ from a registered person (server/transfer.go).
	"resembles a registered person whose profile is restricted (same name and birth date, or same email), and was not created; only an admin may import it":                  "Giống một người đã có mà hồ sơ đang bị hạn chế xử lý (trùng họ tên và ngày sinh, hoặc trùng email) nên chưa được tạo; chỉ quản trị viên mới nhập được dòng này.",
	"resembles %s (same name and birth date, or same email) and was not created; add the national ID or the Mã hồ sơ to match that person, or check that it is someone else": "Giống người đã có %[1]s (trùng họ tên và ngày sinh, hoặc trùng email) nên chưa được tạo. Nếu là cùng một người, hãy ghi Số CCCD hoặc Mã hồ sơ của người đó vào dòng này; nếu không, hãy kiểm tra lại rằng đây là một người khác.",
	"%s has %q registered; the file has %q, not applied (import with overwrite to replace it)":                                                                               "Hồ sơ %[1]s đang ghi %[2]s; tệp ghi %[3]s, chưa thay. Muốn thay bằng giá trị của tệp, hãy nhập lại và chọn “Ghi đè thông tin đã có”.",
	"%s withholds their contact details (no consent to be contacted): the file's %q was neither compared nor applied; only an admin may change them":                         "Hồ sơ %[1]s giữ kín thông tin liên hệ (người đó không đồng ý được liên hệ): giá trị %[2]s của tệp không được đối chiếu và không được ghi; chỉ quản trị viên mới sửa được thông tin này.",

	// Memberships (server/transfer_records.go).
	"%s was registered; its new person resembles %s (same name and birth date, or same email): check before approving it":                  "Đã ghi nhận đơn %[1]s; người mới trong đơn giống %[2]s (trùng họ tên và ngày sinh, hoặc trùng email): hãy kiểm tra trước khi duyệt.",
	"%s is %s; the file has %s, not applied: change a membership's state with ApproveMembership, SuspendMembership or ReinstateMembership": "Đơn %[1]s đang ở trạng thái “%[2]s”; tệp ghi “%[3]s”, chưa thay: hãy đổi trạng thái hội viên ở trang Duyệt hội viên (duyệt, tạm đình chỉ hoặc cho sinh hoạt trở lại).",
	"%d registered people outside %s":                    "%[1]s người đã có ngoài phạm vi %[2]s",
	"%d registered people whose profiles are restricted": "%[1]s người đã có mà hồ sơ đang bị hạn chế xử lý",

	// The header row (server/transfer.go, server/transfer_records.go).
	"row 1, column %s: %s":                                       "Dòng 1, cột %[1]s: %[2]s",
	"sheet %q, row 1, column %s: %s":                             "Trang %[1]s, dòng 1, cột %[2]s: %[3]s",
	"the header row of the file is not the template's: %s":       "Dòng tiêu đề của tệp không đúng như mẫu: %[1]s",
	"the header row of sheet %q is not the template's: %s":       "Dòng tiêu đề của trang %[1]s không đúng như mẫu: %[2]s",
	"unknown column %s; the template's columns are: %s":          "Cột %[1]s không có trong mẫu; các cột của mẫu là: %[2]s.",
	"unknown column %s of sheet %q; its columns are: %s, %s, %s": "Cột %[1]s không có trong trang %[2]s; các cột của trang là: %[3]s, %[4]s, %[5]s.",
	"column %s appears twice":                                    "Cột %[1]s xuất hiện hai lần.",
	"a value in a column without a header":                       "Có giá trị trong một cột không có tiêu đề.",
	"the header has no column \"Tên\" (given_name), nor \"Mã hồ sơ\" (name) to fill in registered people: the first row must be the template's headers (an export with chosen columns imports when they include name or given_name)": "Dòng tiêu đề không có cột “Tên”, cũng không có cột “Mã hồ sơ” để bổ sung cho người đã có: dòng đầu tiên phải là dòng tiêu đề của mẫu (tệp xuất với các cột tự chọn nhập được khi có cột Mã hồ sơ hoặc Tên).",
	"sheet %q has neither a column %q nor %q: each row must say whose record it is": "Trang %[1]s không có cột %[2]s, cũng không có cột %[3]s: mỗi dòng phải cho biết đó là hồ sơ của ai.",

	// Cells (transfer/cells.go, transfer/records.go).
	"the text %s looks typed in the TCVN3 (ABC) font encoding (it reads as %s); convert the file to Unicode (Unikey: Công cụ chuyển mã, TCVN3 → Unicode) and import it again":                                  "Chữ %[1]s có vẻ được gõ bằng bảng mã TCVN3 (ABC) (đọc ra là %[2]s); hãy chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, TCVN3 → Unicode) rồi nhập lại.",
	"the text %s looks typed in the VNI font encoding (it reads as %s); convert the file to Unicode (Unikey: Công cụ chuyển mã, VNI Windows → Unicode) and import it again":                                    "Chữ %[1]s có vẻ được gõ bằng bảng mã VNI (đọc ra là %[2]s); hãy chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, VNI Windows → Unicode) rồi nhập lại.",
	"the text %s looks typed in a legacy font encoding: in TCVN3 (ABC) it reads as %s, in VNI as %s; convert the file to Unicode from the one it was typed in (Unikey: Công cụ chuyển mã) and import it again": "Chữ %[1]s có vẻ được gõ bằng một bảng mã cũ: theo TCVN3 (ABC) đọc ra là %[2]s, theo VNI là %[3]s; hãy chuyển tệp sang Unicode từ bảng mã đã dùng để gõ (Unikey: Công cụ chuyển mã) rồi nhập lại.",
	"%s is not a date: write dd/mm/yyyy, or the year alone":                                                          "%[1]s không phải là ngày: hãy ghi dd/mm/yyyy, hoặc chỉ ghi năm.",
	"%s is not a date: write dd/mm/yyyy, mm/yyyy, or the year alone":                                                 "%[1]s không phải là ngày: hãy ghi dd/mm/yyyy, mm/yyyy, hoặc chỉ ghi năm.",
	"%s: write the year with four digits (dd/mm/yyyy)":                                                               "%[1]s: hãy ghi năm đủ bốn chữ số (dd/mm/yyyy).",
	"%s is not a date: the day comes first, then the month (dd/mm/yyyy)":                                             "%[1]s không phải là ngày: ghi ngày trước, rồi mới đến tháng (dd/mm/yyyy).",
	"%s is not a date: month %d has no day %d":                                                                       "%[1]s không phải là ngày: tháng %[2]s không có ngày %[3]s.",
	"%s is not a year: write it as 2015":                                                                             "%[1]s không phải là năm: hãy ghi như 2015.",
	"%s is a number in scientific notation and has lost digits; format the column as Text and type the number again": "%[1]s là một số dạng lũy thừa (E+) và đã mất chữ số; hãy định dạng cột là Văn bản (Text) rồi gõ lại số.",
	"%s has %d digits, not 12 (CCCD) or 9 (CMND): the leading zeros were probably lost; %s":                          "%[1]s có %[2]s chữ số, không phải 12 (CCCD) hay 9 (CMND): có lẽ các số 0 ở đầu đã bị mất; %[3]s.",
	"%s does not begin with 0: the leading zero was probably lost; %s":                                               "%[1]s không bắt đầu bằng số 0: có lẽ số 0 ở đầu đã bị mất; %[2]s.",
	"format the column as Text and type the number again":                                                            "hãy định dạng cột là Văn bản (Text) rồi gõ lại số",
	"%s is not one of the values of the drop-down list":                                                              "%[1]s không có trong danh sách thả xuống; hãy chọn một giá trị trong danh sách.",

	// The store (store/import*.go).
	"no registered person has the national ID %s, and no row of the people sheet adds one":                                            "Chưa có người nào có Số CCCD %[1]s, và trang Người cũng không có dòng nào thêm người này.",
	"say whose record this is: the Mã hồ sơ (people/...) or the Số CCCD of the person":                                                "Hãy cho biết đây là hồ sơ của ai: ghi Mã hồ sơ (people/...) hoặc Số CCCD của người đó.",
	"%s is restricted: the consent its processing rested on was withdrawn, or the person asked for restriction; only an admin may %s": "%[1]s đang bị hạn chế xử lý (người đó đã rút lại sự đồng ý, hoặc yêu cầu hạn chế xử lý); chỉ quản trị viên mới được %[2]s.",
	"the registered person with this national ID":                                                                                     "Người đã có với Số CCCD này",
	"import changes to them": "nhập thay đổi cho hồ sơ này",
	"register them":          "đăng ký người này",
}

type problemShape struct {
	re *regexp.Regexp
	vi string
	// wrapped are the values that are a wrapped error's message (%w):
	// the shape fits only when the table knows them, so that "%w: %v"
	// does not fit every message with a colon.
	wrapped []bool
}

// problemShapes are problemsVi's formats as patterns, each value a group.
var problemShapes = func() []problemShape {
	verb := regexp.MustCompile(`%[sqvdw]`)
	type shape struct {
		problemShape
		prefix, literal int
	}
	var shapes []shape
	for en, vi := range problemsVi {
		parts := verb.Split(en, -1)
		s := shape{prefix: len(parts[0])}
		for i := range parts {
			s.literal += len(parts[i])
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		for _, v := range verb.FindAllString(en, -1) {
			s.wrapped = append(s.wrapped, v == "%w")
		}
		s.re, s.vi = regexp.MustCompile("^"+strings.Join(parts, "(.*?)")+"$"), vi
		shapes = append(shapes, s)
	}
	// A message may fit two formats ("row 1, column %s: %s" holds a
	// cell's "%s: write the year ..."): the one that says more of it
	// first, from its start, wins.
	slices.SortFunc(shapes, func(a, b shape) int {
		return cmp.Or(b.prefix-a.prefix, b.literal-a.literal, strings.Compare(a.vi, b.vi))
	})
	out := make([]problemShape, len(shapes))
	for i, s := range shapes {
		out[i] = s.problemShape
	}
	return out
}()

// Import is an import's message in Vietnamese, and whether its shape is
// known; else the message itself.
func Import(msg string) (string, bool) {
shapes:
	for _, s := range problemShapes {
		m := s.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, v := range m[1:] {
			if s.wrapped[i] {
				vi, ok := Import(v)
				if !ok {
					continue shapes
				}
				args[i] = vi
				continue
			}
			args[i] = sayValue(v)
		}
		return fmt.Sprintf(s.vi, args...), true
	}
	return msg, false
}

// sayValue is a value of a message in Vietnamese when it is itself a
// message, a list of them, or an enum value's name (a membership's
// state); else the value as the message has it (a name, a cell).
func sayValue(v string) string {
	if vi, ok := Import(v); ok {
		return vi
	}
	if l := labels.Of(v); l != v {
		return l
	}
	parts := strings.Split(v, ", ")
	if len(parts) > 1 {
		for i, p := range parts {
			vi, ok := Import(p)
			if !ok {
				return v
			}
			parts[i] = vi
		}
		return strings.Join(parts, ", ")
	}
	return v
}

// Problem is an import problem's message in Vietnamese: by its shape,
// else as the message of a field of a form (the request's and the store's
// rules on a person), else as the server wrote it.
func Problem(p *pb.ImportProblem) string {
	msg := p.GetMessage()
	if vi, ok := Import(msg); ok {
		return vi
	}
	// A membership row's field the file has no column for is named first.
	if rest, ok := strings.CutPrefix(msg, p.GetField()+": "); ok && p.GetField() != "" {
		msg = rest
		if vi, ok := Import(msg); ok {
			return vi
		}
	}
	if vi, ok := Violation(codes.InvalidArgument, p.GetField(), msg); ok {
		return vi
	}
	return p.GetMessage()
}
