package console

import (
	"regexp"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// What the console says in its own words: the messages after a form
// succeeded, and the server's refusals of whole pages, which are English,
// in Vietnamese (its messages about fields and imports: package vimsg).

// flashes are the messages a page shows after a form succeeded, by the key
// the redirect carries (?ok=person-saved). The address holds a key, never
// the text, so that a link cannot make the console say what its author
// likes; an unknown key shows nothing.
var flashes = map[string]string{
	"person-saved":          "Đã lưu hồ sơ.",
	"person-created":        "Đã thêm người. Hãy bổ sung trình độ, quá trình công tác… ở dưới.",
	"person-deleted":        "Đã xoá hồ sơ (xoá tạm): hồ sơ nằm trong mục “Hồ sơ đã xoá” và khôi phục được.",
	"person-restored":       "Đã khôi phục hồ sơ.",
	"unchanged":             "Không có gì thay đổi; chưa lưu gì.",
	"qualification-saved":   "Đã lưu trình độ.",
	"position-saved":        "Đã lưu chức vụ, nơi công tác.",
	"work-saved":            "Đã lưu công trình.",
	"honor-saved":           "Đã lưu khen thưởng.",
	"qualification-deleted": "Đã xoá trình độ.",
	"position-deleted":      "Đã xoá chức vụ, nơi công tác.",
	"work-deleted":          "Đã xoá công trình.",
	"honor-deleted":         "Đã xoá khen thưởng.",
	"registered":            "Đã đăng ký; đơn đang chờ duyệt.",
	// RegisterMember links a registered person's national ID to them and
	// keeps their profile as it is: what the form said of them is not
	// written, which the registrar who typed it must know.
	"registered-linked": "Đã đăng ký; đơn đang chờ duyệt. Số định danh cá nhân này đã có trong hồ sơ của một người, nên đơn được gắn với hồ sơ đó; những gì vừa nhập (họ tên, ngày sinh, email, điện thoại…) không được ghi vào hồ sơ. Nếu hồ sơ cần sửa, hãy sửa trên trang hồ sơ của người đó.",
	"approved":          "Đã duyệt đơn đăng ký; số hội viên ở dưới.",
	"rejected":          "Đã từ chối đơn đăng ký.",
	"suspended":         "Đã tạm đình chỉ.",
	"reinstated":        "Đã cho sinh hoạt trở lại.",
	"withdrawn":         "Đã ghi nhận rút khỏi hội.",
	"account-disabled":  "Đã khoá tài khoản và kết thúc các phiên của tài khoản.",
	"key-revoked":       "Đã thu hồi khoá; khoá không dùng được nữa.",
	"campaign-opened":   "Đã mở đợt rà soát.",
	"campaign-closed":   "Đã kết thúc đợt rà soát.",
	"review-confirmed":  "Đã xác nhận hồ sơ.",
	"review-changed":    "Hồ sơ này vừa thay đổi trong lúc bạn xem nên chưa được xác nhận; hãy xem lại hồ sơ rồi xác nhận lần nữa.",
	"signed-out":        "Bạn đã đăng xuất.",
	"password-set":      "Đã đặt mật khẩu; hãy đăng nhập bằng email và mật khẩu mới.",
	"report-made":       "Đã lập báo cáo; số liệu của báo cáo giữ nguyên như lúc lập.",

	// A qualification's verification recorded (verify.go).
	"qualification-verified": "Đã ghi kết quả xác minh trình độ.",
}

// Refusals, by words of the server's message: the server's text names
// roles and methods, which mean nothing to the person at the console.
const (
	msgNotFound    = "Không tìm thấy: không có mục này, hoặc mục đã bị xoá. Hãy kiểm tra lại đường dẫn."
	msgOutOfScope  = "Bạn không có quyền làm việc này: hồ sơ hoặc việc này nằm ngoài phạm vi của tài khoản của bạn."
	msgRestricted  = "Bạn không có quyền làm việc này: hồ sơ này đang bị hạn chế xử lý (người đó đã rút lại sự đồng ý hoặc yêu cầu hạn chế), chỉ quản trị viên mới xem được."
	msgNotYourRole = "Bạn không có quyền làm việc này: vai trò của tài khoản không cho phép. Nếu bạn cần việc này, hãy liên hệ quản trị viên."
	// A page of administrators' (accounts, keys, the audit trail).
	msgAdminsOnly = "trang này chỉ dành cho quản trị viên (quản lý tài khoản, khoá API và nhật ký); tài khoản của bạn không có quyền quản trị nên không dùng được trang này. Nếu bạn cần việc này, hãy liên hệ quản trị viên."
	// A form posted with contact details withheld from the account
	// (contactWithheld): the server keeps them as they are.
	msgContactRefused = "Bạn không có quyền sửa thông tin liên hệ của người này: người này không đồng ý cho dùng thông tin liên hệ, nên chỉ quản trị viên xem và sửa được. Không có gì bị thay đổi."
)

// Refusals of an approval the membership page answers (store's
// ApproveMembership): the server's words name the API's field, which the
// page offers as a box to tick.
const (
	msgMayBeDuplicate   = "Chưa duyệt: người đăng ký có thể trùng với một người đã có (xem các hồ sơ “Có thể trùng” bên cạnh). Nếu là người khác, hãy đánh dấu ô “Tôi đã đối chiếu: đây là người khác…” rồi bấm Duyệt; nếu là cùng một người, hãy từ chối đơn này rồi đăng ký lại với số định danh cá nhân của người đó, để đơn gắn với hồ sơ đã có."
	msgDuplicateOutside = "Chưa duyệt: người đăng ký có thể trùng với người đã có nằm ngoài phạm vi của tài khoản của bạn; cán bộ của Liên hiệp hội (tài khoản không giới hạn theo hội) cần đối chiếu và duyệt đơn này."
	msgLinkedOutside    = "Chưa duyệt: đơn này gắn với hồ sơ đã có của một người (cùng số định danh cá nhân) chưa thuộc hội của bạn; cán bộ của Liên hiệp hội (tài khoản không giới hạn theo hội) cần duyệt đơn này, việc duyệt xác nhận người đó là hội viên của hội."
)

// What the membership page says in place of a profile an account limited
// to an association may not see (DESIGN.md §10).
const (
	// The registration linked by national ID to someone registered
	// outside the account's scope, until an approval confirms the link.
	cardLinkedOutside = "(người đã có hồ sơ trong cơ sở dữ liệu, chưa thuộc hội của bạn: hồ sơ không xem được cho đến khi cán bộ của Liên hiệp hội duyệt đơn)"
	// A membership that has ended: its person has left the scope.
	cardEnded = "(không xem được hồ sơ: người này không còn thuộc hội của bạn)"
	// A look-alike outside the account's scope.
	cardOutside = "(một người đã có hồ sơ, ngoài phạm vi của tài khoản của bạn: không xem được)"
	// The same on a row of the desk.
	deskLinkedOutside = "(người đã có hồ sơ, chờ Liên hiệp hội duyệt)"
	deskEnded         = "(không còn thuộc hội)"
)

// sayPrecondition is a FAILED_PRECONDITION's message in Vietnamese when
// the console knows it, else the server's words after lead.
func sayPrecondition(lead, msg string) string {
	if why, ok := sayReportDay(msg); ok {
		return "Chưa lập được báo cáo: " + why + "."
	}
	if _, why, ok := sayExpertRefusal(status.Error(codes.FailedPrecondition, msg), nil); ok {
		return why
	}
	switch {
	case strings.Contains(msg, "may be a duplicate of") && strings.Contains(msg, "outside"):
		return msgDuplicateOutside
	case strings.Contains(msg, "may be a duplicate:"):
		return msgMayBeDuplicate
	case strings.Contains(msg, "links the registration to a person registered outside"):
		return msgLinkedOutside
	}
	return lead + msg
}

// sayDenied is a PERMISSION_DENIED's message in Vietnamese.
func sayDenied(msg string) string {
	switch {
	case strings.Contains(msg, "is limited to"):
		return msgOutOfScope
	case strings.Contains(msg, "is restricted"):
		return msgRestricted
	case strings.Contains(msg, "no CONTACT consent"):
		return msgContactRefused
	}
	return msgNotYourRole
}

// fieldLabel is the label of the form's field a violation's path names, by
// the resource the path starts with, or "".
func fieldLabel(path string) string {
	res, _, _ := strings.Cut(path, ".")
	var form []formField
	switch res {
	case "person":
		form = personForm
	case "new_person":
		form = registerForm
	case "qualification", "position", "work", "honor":
		form = childForms[res+"s"].fields
	}
	name := fieldOf(path)
	for _, f := range form {
		if f.Name == name {
			return f.Label
		}
	}
	return otherLabels[name]
}

// otherLabels name the fields of forms other than the edit forms.
var otherLabels = map[string]string{"reason": "Lý do", "dimensions": "Chiều thống kê", "as_of": "Tính đến ngày",
	"report_id": "Mã báo cáo", "state": "Kết quả xác minh", "note": "Ghi chú"}

// firstRegistered finds the day of the registry's first profile in
// CreateReport's refusal of a date before it (store.CheckReport).
var firstRegistered = regexp.MustCompile(`first profile was registered on (\d{4})-(\d{2})-(\d{2})`)

// sayReportDay is CreateReport's refusal of a date on which nobody was
// registered yet, about the date's box, in Vietnamese.
func sayReportDay(msg string) (string, bool) {
	if m := firstRegistered.FindStringSubmatch(msg); m != nil {
		first := m[3] + "/" + m[2] + "/" + m[1]
		return "ngày này trước khi có người đầu tiên được đăng ký vào cơ sở dữ liệu (ngày " + first +
			"), nên báo cáo sẽ không đếm được ai; hãy chọn từ ngày " + first + " trở đi, hoặc nhập danh sách cũ có ghi Ngày vào danh sách của từng người", true
	}
	if strings.Contains(msg, "the registry holds no one yet") {
		return "cơ sở dữ liệu chưa có ai, nên báo cáo sẽ không đếm được ai; hãy đăng ký hoặc nhập hồ sơ trước", true
	}
	return "", false
}

// An import refused to an account limited to an association
// (server's checkImportScope): the server lists each cell at fault after
// its lead, "sheet %q, row %d, column %s: why", joined by "; ".
var (
	importScopeLead = regexp.MustCompile(`^this key is limited to \S+: it imports only memberships \(sheet "[^"]*"\)[^.]*; nothing was imported\. `)
	importScopeCell = regexp.MustCompile(`(?:; )?(?:sheet "([^"]*)", )?row (\d+)(?:, column ([^:]+))?: `)
)

// sayImportScope is that refusal in Vietnamese, each cell at fault with
// where it is, and whether msg was one.
func sayImportScope(msg string) (string, bool) {
	lead := importScopeLead.FindString(msg)
	if lead == "" {
		return "", false
	}
	rest := msg[len(lead):]
	var b strings.Builder
	b.WriteString("tài khoản của bạn chỉ dùng cho một hội, nên chỉ nhập được trang “Hội viên” của tệp mẫu: đăng ký hội viên vào hội của bạn và các hội trực thuộc, cho người đã thuộc hội (ghi Mã hồ sơ) hoặc người mới (ghi Số CCCD); không nhập được người, bằng cấp, chức vụ… (ở tệp do tài khoản này xuất ra, các trang đó được bỏ qua, không ghi gì). Chưa nhập gì.")
	at := importScopeCell.FindAllStringSubmatchIndex(rest, -1)
	for i, m := range at {
		end := len(rest)
		if i+1 < len(at) {
			end = at[i+1][0]
		}
		b.WriteString(" ")
		if m[2] >= 0 {
			b.WriteString("Trang “" + rest[m[2]:m[3]] + "”, dòng ")
		} else {
			b.WriteString("Dòng ")
		}
		b.WriteString(rest[m[4]:m[5]])
		if m[6] >= 0 {
			b.WriteString(", cột " + rest[m[6]:m[7]])
		}
		b.WriteString(": " + sayImportScopeCell(rest[m[1]:end]) + ".")
	}
	return b.String(), true
}

// sayImportScopeCell is why one cell is refused.
func sayImportScopeCell(why string) string {
	switch {
	case strings.Contains(why, "register a new member"):
		return "tài khoản của hội không nhập người mới ở trang này: hãy đăng ký hội viên mới ở trang “Hội viên” (ghi Số CCCD, Họ, Tên…), hoặc xóa dòng này"
	case strings.Contains(why, "does not import people"):
		return "tài khoản của hội không nhập người hay hồ sơ của họ: chỉ nhập trang “Hội viên”"
	case strings.Contains(why, "may not act on associations/"):
		return "hội này không phải hội của bạn hay một hội trực thuộc"
	case strings.Contains(why, "may not act on"):
		return "người có Mã hồ sơ này không thuộc hội của bạn"
	}
	return "nằm ngoài phạm vi của tài khoản của bạn"
}
