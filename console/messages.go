package console

// What the console says in its own words: the messages after a form
// succeeded.

// flashes are the messages a page shows after a form succeeded, by the key
// the redirect carries (?ok=person-saved). The address holds a key, never
// the text, so that a link cannot make the console say what its author
// likes; an unknown key shows nothing.
var flashes = map[string]string{
	"person-saved":        "Đã lưu hồ sơ.",
	"qualification-saved": "Đã lưu trình độ.",
	"position-saved":      "Đã lưu chức vụ, nơi công tác.",
	"work-saved":          "Đã lưu công trình.",
	"honor-saved":         "Đã lưu khen thưởng.",
	"registered":          "Đã đăng ký; đơn đang chờ duyệt.",
	"approved":            "Đã duyệt đơn đăng ký; số hội viên ở dưới.",
	"rejected":            "Đã từ chối đơn đăng ký.",
	"suspended":           "Đã tạm đình chỉ.",
	"reinstated":          "Đã cho sinh hoạt trở lại.",
	"withdrawn":           "Đã ghi nhận rút khỏi hội.",
	"account-disabled":    "Đã khoá tài khoản và kết thúc các phiên của tài khoản.",
	"key-revoked":         "Đã thu hồi khoá; khoá không dùng được nữa.",
	"campaign-opened":     "Đã mở đợt rà soát.",
	"campaign-closed":     "Đã kết thúc đợt rà soát.",
	"review-confirmed":    "Đã xác nhận hồ sơ.",
	"review-changed":      "Hồ sơ này vừa thay đổi trong lúc bạn xem nên chưa được xác nhận; hãy xem lại hồ sơ rồi xác nhận lần nữa.",
	"signed-out":          "Bạn đã đăng xuất.",
	"password-set":        "Đã đặt mật khẩu; hãy đăng nhập bằng email và mật khẩu mới.",
}
