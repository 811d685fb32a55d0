package labels

// outcomes are the words for how a call ended, by its gRPC status code's
// name, as the audit trail records it: an admin reading the trail reads
// "Không có quyền", not PERMISSION_DENIED.
var outcomes = map[string]string{
	"OK":                  "Thành công",
	"CANCELLED":           "Người gọi đã huỷ",
	"UNKNOWN":             "Lỗi không rõ",
	"INVALID_ARGUMENT":    "Dữ liệu gửi lên sai",
	"DEADLINE_EXCEEDED":   "Quá thời gian chờ",
	"NOT_FOUND":           "Không tìm thấy",
	"ALREADY_EXISTS":      "Đã có",
	"PERMISSION_DENIED":   "Không có quyền",
	"RESOURCE_EXHAUSTED":  "Vượt giới hạn",
	"FAILED_PRECONDITION": "Không làm được lúc này",
	"ABORTED":             "Xung đột, không ghi",
	"OUT_OF_RANGE":        "Ngoài khoảng cho phép",
	"UNIMPLEMENTED":       "Chưa hỗ trợ",
	"INTERNAL":            "Lỗi hệ thống",
	"UNAVAILABLE":         "Máy chủ tạm không phục vụ",
	"DATA_LOSS":           "Mất dữ liệu",
	"UNAUTHENTICATED":     "Chưa đăng nhập hoặc khoá sai",
}

// Outcome is the Vietnamese for how a call ended, given its gRPC status
// code's name; the name itself when it is none of them.
func Outcome(code string) string {
	if w, ok := outcomes[code]; ok {
		return w
	}
	return code
}

// channels are the words for the way a call came, as the audit trail
// records it.
var channels = map[string]string{
	"console": "Giao diện web",
	"grpc":    "API gRPC",
	"rest":    "API REST",
}

// Channel is the Vietnamese for the way a call came (console, grpc or
// rest); the name itself when it is none of them.
func Channel(transport string) string {
	if w, ok := channels[transport]; ok {
		return w
	}
	return transport
}
