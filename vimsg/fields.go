package vimsg

import (
	"strings"

	"google.golang.org/grpc/codes"
)

// violationsVi are the server's messages about single fields in
// Vietnamese. An entry is matched on what is stable about a violation: the
// status code, the end of the field's path (email matches person.email
// and account.email, birth_date.day matches new_person.birth_date.day),
// and words of the server's message; an empty part matches anything. The
// first entry that matches gives the words. The server names no
// validation rule in what it sends (it keeps only protovalidate's message),
// so the field and the message's words are what there is to match.
var violationsVi = []struct {
	code  codes.Code
	field string
	has   string
	vi    string
}{
	{codes.InvalidArgument, "request_id", "already used", "biểu mẫu này đã được lưu một lần, với nội dung khác; nếu bạn muốn thêm một mục nữa, hãy bấm lưu lần nữa"},
	{codes.InvalidArgument, "page_token", "", "đường dẫn sang trang sau đã cũ hoặc không đúng; hãy tìm lại từ trang đầu"},
	{codes.InvalidArgument, "filter", "", "một lựa chọn của bộ lọc không hợp lệ; hãy chọn lại"},
	{codes.InvalidArgument, "query", "required", "hãy gõ vài chữ để tìm, ví dụ họ tên, chuyên ngành hoặc nơi công tác"},
	{codes.InvalidArgument, "query", "at most", "quá nhiều từ; hãy bớt từ và thu hẹp bằng bộ lọc"},
	{codes.InvalidArgument, "query", "character", "có một ký tự mà việc tìm kiếm không đọc được; hãy gõ các chữ hai bên nó thành những từ riêng"},
	{codes.InvalidArgument, "email", "", "không phải là một địa chỉ email; hãy viết như ten@example.vn"},
	{codes.InvalidArgument, "phone", "", "số điện thoại gồm 8 đến 20 chữ số, có thể có dấu + ở đầu và dấu cách, dấu chấm hoặc gạch ngang giữa các nhóm số"},
	{codes.InvalidArgument, "national_id", "", "số định danh cá nhân gồm 12 chữ số (căn cước công dân), hoặc 9 chữ số (chứng minh nhân dân cũ)"},
	// RegisterMember's refusal of someone who is already a member: the ID
	// is theirs, and the registration is what exists (store's register).
	{codes.AlreadyExists, "national_id", "already has a membership", "người có số định danh cá nhân này đã có đơn chưa kết thúc (chờ duyệt, đang sinh hoạt hoặc tạm đình chỉ) ở hội này; không cần đăng ký lại, hãy xem đơn đó trong danh sách của hội"},
	{codes.AlreadyExists, "national_id", "", "số định danh cá nhân này đã có trong hồ sơ của một người khác"},
	{codes.AlreadyExists, "report_id", "", "đã có một báo cáo mang mã này; báo cáo đã lập không thay đổi được, hãy chọn mã khác hoặc để trống"},
	{codes.InvalidArgument, "", "ethnic group code", "cần mã dân tộc gồm hai chữ số, ví dụ 01 (Kinh) hoặc 05 (Khmer); hãy chọn trong danh sách"},
	{codes.InvalidArgument, "", "unknown administrative unit code", "không có đơn vị hành chính nào mang mã này; hãy gõ vài chữ của tên rồi chọn trong danh sách"},
	{codes.InvalidArgument, "", "administrative unit code", "cần mã đơn vị hành chính gồm 2 đến 5 chữ số, ví dụ 30742; hãy chọn trong danh sách"},
	{codes.InvalidArgument, "", "ISO 3166-1", "cần mã quốc gia gồm hai chữ in hoa, ví dụ JP; hãy chọn trong danh sách"},
	{codes.InvalidArgument, "field", "is not a field's name", "không phải là một lĩnh vực của danh mục; hãy gõ vài chữ của tên hoặc mã rồi chọn trong danh sách"},
	{codes.InvalidArgument, "field", "unknown field", "danh mục không có lĩnh vực này; hãy gõ vài chữ của tên hoặc mã rồi chọn trong danh sách"},
	// A pool's fields are a list of names (expert_pool.fields[0]).
	{codes.InvalidArgument, "", "is not a field's name", "không phải là một lĩnh vực của danh mục; hãy gõ vài chữ của tên hoặc mã rồi chọn trong danh sách"},
	{codes.InvalidArgument, "", `unknown field "fields/`, "danh mục không có lĩnh vực này; hãy gõ vài chữ của tên hoặc mã rồi chọn trong danh sách"},
	{codes.InvalidArgument, "field", "is listed twice", "một lĩnh vực được ghi hai lần; mỗi lĩnh vực chỉ ghi một lần"},
	{codes.InvalidArgument, "", "ORCID", "mã ORCID gồm bốn nhóm bốn chữ số nối bằng gạch ngang, ký tự cuối là chữ số hoặc X, ví dụ 0000-0002-1825-0097"},
	{codes.InvalidArgument, "registry_date", "cannot be changed", "ngày vào danh sách không sửa được sau khi hồ sơ đã được ghi: các báo cáo theo ngày tính người này từ ngày đó"},
	{codes.InvalidArgument, "", "want a full date", "cần một ngày đầy đủ: ngày/tháng/năm"},
	{codes.InvalidArgument, "day", "has no day", "tháng này không có ngày đó"},
	{codes.InvalidArgument, "month", "required when", "đã có ngày thì cần có tháng"},
	{codes.InvalidArgument, "month", "1 to 12", "tháng phải từ 1 đến 12"},
	{codes.InvalidArgument, "year", "required when", "đã có ngày hoặc tháng thì cần có năm"},
	{codes.InvalidArgument, "year", "from 1900", "năm phải từ 1900 trở đi"},
	{codes.InvalidArgument, "year", "is in the future", "không thể là một năm trong tương lai"},
	{codes.InvalidArgument, "", "is in the future", "không thể là một ngày trong tương lai"},
	{codes.InvalidArgument, "dimensions", "at least", "hãy chọn ít nhất một chiều thống kê"},
	{codes.InvalidArgument, "dimensions", "", "mỗi chiều thống kê chỉ chọn một lần, nhiều nhất ba chiều"},
	{codes.InvalidArgument, "end_date", "is before the start", "ngày kết thúc trước ngày bắt đầu"},
	{codes.AlreadyExists, "expert_pool_id", "", "hội đã có một nhóm mang mã này; hãy chọn mã khác hoặc để trống"},
	{codes.InvalidArgument, "expert_pool_id", "", "mã gồm chữ thường không dấu, chữ số và gạch nối, bắt đầu bằng một chữ, ví dụ thuy-san; hoặc để trống"},
	{codes.InvalidArgument, "end_year", "is before", "“Đến năm” trước năm “Từ năm”; hãy chọn lại"},
	{codes.InvalidArgument, "rating", "", "đánh giá từ 1 (kém) đến 5 (xuất sắc), hoặc 0 khi chưa đánh giá"},
	// The honours campaigns and their nominations (store/campaigns.go, store/nominations.go).
	{codes.AlreadyExists, "person", "is nominated in", "người này đã được đề cử trong đợt này; mỗi người chỉ được đề cử một lần trong một đợt"},
	{codes.InvalidArgument, "person", "does not exist", "không có hồ sơ nào mang mã này; hãy mở hồ sơ của người đó và chép phần cuối của địa chỉ trang (sau /people/)"},
	{codes.AlreadyExists, "honor_campaign_id", "", "đã có một đợt mang mã này; hãy chọn mã khác hoặc để trống"},
	{codes.InvalidArgument, "honor_campaign_id", "", "mã gồm chữ thường không dấu, chữ số và gạch nối, ví dụ tieu-bieu-2026; hoặc để trống"},
	{codes.InvalidArgument, "quota", "", "chỉ tiêu là số người được chọn, từ 1 đến 10000"},
	{codes.InvalidArgument, "note", "required to reject", "cần ghi lý do không chọn"},
	// An account's or a key's role left unchosen (accounts.proto).
	{codes.InvalidArgument, "role", "must be admin", "hãy chọn vai trò trong danh sách"},
	{codes.InvalidArgument, "", "required", "cần điền thông tin này"},
}

// Violation is a violation's message in Vietnamese, and whether the
// table knew it; else the server's own words.
func Violation(code codes.Code, path, msg string) (string, bool) {
	for _, v := range violationsVi {
		if v.code == code && (v.field == "" || path == v.field || strings.HasSuffix(path, "."+v.field)) && strings.Contains(msg, v.has) {
			return v.vi, true
		}
	}
	return msg, false
}
