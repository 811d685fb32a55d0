package console

import (
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/vimsg"
)

// importHoldsWrites is what the server says of a write refused while an
// import holds the writer (store/importwait.go).
const importHoldsWrites = "an import of a file is running"

// explain turns a failed call into a message for the page, the server's
// messages about single fields by the form's field, and the HTTP status of
// the page that shows them. What the console knows of the server's words
// it says in Vietnamese (messages.go, package vimsg); the rest is kept as
// the server wrote it, since it names the field and says what to do.
func explain(err error) (string, map[string]string, int) {
	st, _ := status.FromError(err)
	fields, detail := violations(st, "")
	if detail == "" {
		detail = st.Message()
	}
	msg := st.Message()
	code := http.StatusBadRequest
	switch st.Code() {
	case codes.InvalidArgument, codes.OutOfRange:
		msg = "Có thông tin chưa hợp lệ: " + detail
		code = http.StatusUnprocessableEntity
	case codes.Aborted:
		msg = "Hồ sơ này vừa được người khác sửa trong lúc bạn đang sửa, nên thay đổi của bạn chưa được lưu. Trang dưới đây là bản mới nhất; hãy xem lại và nhập lại thay đổi của bạn."
		code = http.StatusConflict
	case codes.NotFound:
		msg = msgNotFound
		code = http.StatusNotFound
	case codes.PermissionDenied:
		msg = sayDenied(msg)
		code = http.StatusForbidden
	case codes.Unauthenticated:
		msg = "Phiên làm việc đã hết; hãy đăng nhập lại."
		code = http.StatusUnauthorized
	case codes.AlreadyExists:
		msg = "Đã tồn tại: " + detail
		code = http.StatusConflict
	case codes.FailedPrecondition:
		msg = sayPrecondition("Chưa thể làm việc này: ", msg)
		code = http.StatusConflict
	case codes.ResourceExhausted:
		msg = "Quá nhiều yêu cầu; hãy thử lại sau ít phút."
		if !retryable(err) {
			// Too much for one call (a read's budget, a body's size):
			// trying again does the same.
			msg = "Yêu cầu này quá lớn để trả lời trong một lần; hãy thu hẹp nó: một bộ lọc hẹp hơn, ít điều kiện hơn, hoặc ít hơn mỗi trang."
		}
		code = http.StatusTooManyRequests
	case codes.Unavailable, codes.DeadlineExceeded:
		msg = "Hệ thống đang bận; hãy thử lại."
		if strings.Contains(st.Message(), importHoldsWrites) {
			msg = "Đang nhập một danh sách từ tệp: việc ghi phải chờ đến khi nhập xong, nên thay đổi của bạn chưa được lưu. Hãy thử lại sau ít phút."
		}
		code = http.StatusServiceUnavailable
	case codes.Internal, codes.Unknown:
		msg = "Lỗi hệ thống; lỗi đã được ghi lại."
		code = http.StatusInternalServerError
	}
	return msg, fields, code
}

// retryable reports whether err says when to try again (RetryInfo): a
// rate limit or a busy server, which passes, and not a call too big for
// one call's share, which a retry does not help.
func retryable(err error) bool {
	st, _ := status.FromError(err)
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.RetryInfo); ok {
			return true
		}
	}
	return false
}

// violations are st's messages about single fields by the form's field,
// and what the page's message says of them: the first in Vietnamese, with
// its field's label when the console knows it, and how many more there
// are; "" when the table does not know the first, whose English the
// server's own summary then gives. A message the tables do not know is
// unknown's words, if any, else the server's.
func violations(st *status.Status, unknown string) (map[string]string, string) {
	fields := map[string]string{}
	var first string
	n := 0
	for _, d := range st.Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok {
			continue
		}
		for _, v := range br.GetFieldViolations() {
			msg, known := vimsg.Violation(st.Code(), v.GetField(), v.GetDescription())
			if !known {
				// An import's file (its header row) is refused in words
				// of the import's.
				msg, known = vimsg.Import(v.GetDescription())
			}
			if !known && unknown != "" {
				msg = unknown
			}
			f := fieldOf(v.GetField())
			if fields[f] != "" {
				fields[f] += "; "
			}
			fields[f] += msg
			if n == 0 && known {
				first = msg
				if l := fieldLabel(v.GetField()); l != "" {
					first = l + ": " + msg
				}
			}
			n++
		}
	}
	if first != "" && n > 1 {
		first += fmt.Sprintf(" (và %d lỗi khác)", n-1)
	}
	return fields, first
}

// resources are the request fields that hold the resource a form edits:
// the server's person.given_name is the form's given_name.
var resources = []string{"person.", "new_person.", "qualification.", "position.", "honor.", "work.",
	"account.", "api_key.", "review_campaign.", "report.", "engagement.", "expert_pool_member.", "expert_pool.",
	"honor_campaign.", "nomination."}

// fieldOf is the form's field of a violation's path: the path inside the
// resource, up to its first part, since a form shows a date in one box
// (person.birth_date.day is birth_date, as_of.day is as_of).
func fieldOf(path string) string {
	for _, r := range resources {
		if strings.HasPrefix(path, r) {
			path = path[len(r):]
			break
		}
	}
	if i := strings.IndexAny(path, ".["); i >= 0 {
		path = path[:i]
	}
	return path
}

// invalid is a mistake the console finds in what was typed before calling
// the server, made like the server's own, so that explain shows it the
// same way: next to its field, on a page answered 422.
func invalid(field, msg string) error {
	st := status.New(codes.InvalidArgument, msg)
	if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: field, Description: msg}}}); err == nil {
		st = d
	}
	return st.Err()
}

// explainImport is explain for an import's file and run, whose page says
// everything in Vietnamese: after lead, the server's words the tables know
// (a file that is not a workbook, or too large to read; the run cut
// short), else what the call's code means for an import, never the
// server's English.
func explainImport(err error, lead string) (string, map[string]string, int) {
	st, _ := status.FromError(err)
	msg, _, code := explain(err)
	if say, ok := sayImportScope(st.Message()); ok && st.Code() == codes.PermissionDenied {
		return lead + say, nil, code
	}
	switch st.Code() {
	case codes.PermissionDenied, codes.Unauthenticated:
		return msg, nil, code // explain's own words
	}
	why, ok := importCodes[st.Code()]
	if !ok {
		why = fmt.Sprintf("lỗi không xác định (mã %d); chưa nhập gì.", st.Code())
	}
	fields, first := violations(st, why)
	say, known := vimsg.Import(st.Message())
	switch {
	case known:
	case first != "":
		say = first
	default:
		say = why
	}
	return lead + say, fields, code
}

// The leads of explainImport's messages.
const (
	leadImport = "Không nhập được tệp: "
	leadStatus = "Không xem được lần nhập: "
)

// importCodes say what a code means for an import whose message the
// tables do not know.
var importCodes = map[codes.Code]string{
	codes.InvalidArgument:    "tệp không đúng như mẫu hoặc không đọc được; hãy kiểm tra tệp theo mẫu rồi tải lên lại.",
	codes.OutOfRange:         "tệp có giá trị nằm ngoài giới hạn cho phép; hãy kiểm tra tệp theo mẫu rồi tải lên lại.",
	codes.FailedPrecondition: "dữ liệu đã có không cho phép nhập tệp này lúc này; hãy xem lại tệp, hoặc liên hệ quản trị viên.",
	codes.AlreadyExists:      "dữ liệu của tệp trùng với dữ liệu đã có.",
	codes.NotFound:           "không tìm thấy; hãy kiểm tra lại đường dẫn.",
	codes.ResourceExhausted:  "tệp quá lớn, hoặc máy chủ đang bận với các lần nhập khác; hãy thử lại sau ít phút, hoặc chia tệp thành nhiều tệp nhỏ hơn.",
	codes.Canceled:           "việc nhập đã bị huỷ; chưa nhập gì.",
	codes.Aborted:            "việc nhập bị gián đoạn nên chưa nhập gì; hãy nhập lại tệp.",
	codes.Unavailable:        "hệ thống đang bận hoặc tạm ngừng; chưa nhập gì, hãy thử lại sau ít phút.",
	codes.DeadlineExceeded:   "quá thời gian chờ; chưa nhập gì, hãy thử lại hoặc chia tệp thành nhiều tệp nhỏ hơn.",
	codes.Unimplemented:      "hệ thống chưa hỗ trợ việc này.",
	codes.Internal:           "lỗi hệ thống; lỗi đã được ghi lại, chưa nhập gì.",
	codes.Unknown:            "lỗi hệ thống; lỗi đã được ghi lại, chưa nhập gì.",
	codes.DataLoss:           "lỗi hệ thống: cơ sở dữ liệu bị hỏng; hãy báo quản trị viên.",
}
