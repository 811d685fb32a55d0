package console

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// An import's failure the tables do not know is said by its code, in
// Vietnamese, never in the server's English; one they know is said in
// their words.
func TestExplainImportNeverEnglish(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{status.Error(codes.Internal, "internal error; it has been logged"), "Không nhập được tệp: lỗi hệ thống; lỗi đã được ghi lại, chưa nhập gì."},
		{status.Error(codes.Unavailable, "the database is being restored"), "Không nhập được tệp: hệ thống đang bận hoặc tạm ngừng"},
		{status.Error(codes.FailedPrecondition, "some precondition the console does not know"), "Không nhập được tệp: dữ liệu đã có không cho phép"},
		{status.Error(codes.Canceled, "the import was cancelled; nothing was imported"), "Không nhập được tệp: Việc nhập đã bị huỷ; chưa nhập gì."},
		{status.Error(codes.Aborted, "the server stopped while the import ran; nothing of it was imported; start it again"), "Không nhập được tệp: Máy chủ đã dừng khi đang nhập nên chưa nhập gì; hãy nhập lại tệp."},
		{status.Error(codes.ResourceExhausted, "2 imports are running, the most the server runs at once; retry in 10s"), "Không nhập được tệp: Máy chủ đang chạy 2 lần nhập, nhiều nhất có thể cùng lúc; hãy thử lại sau 10s."},
		{status.Error(codes.InvalidArgument, "unreadable file: the workbook has no sheets; nothing was imported"), "Không nhập được tệp: Không đọc được tệp: tệp Excel không có trang nào. Chưa nhập gì."},
		{invalid("file", "a refusal of the file the tables do not know"), "Không nhập được tệp: tệp không đúng như mẫu hoặc không đọc được"},
		{status.Error(codes.Code(99), "what"), "Không nhập được tệp: lỗi không xác định"},
	} {
		msg, fields, _ := explainImport(c.err, leadImport)
		if !strings.HasPrefix(msg, c.want) {
			t.Errorf("%v:\n got %q\nwant %q", c.err, msg, c.want)
		}
		for _, m := range append([]string{msg}, fields["file"]) {
			for _, english := range []string{"the ", "import", "error", "file", "what"} {
				if strings.Contains(m, english) {
					t.Errorf("%v: %q says %q", c.err, m, english)
				}
			}
		}
	}
}

// RESOURCE_EXHAUSTED is said by what helps: a rate limit or a busy server
// (it says when to retry) passes with time; a call too big for one call's
// share (a read's budget) does not, and the page says to narrow it, not
// to retry.
func TestExplainResourceExhausted(t *testing.T) {
	limited, err := status.New(codes.ResourceExhausted, "too many calls: this credential may make 100 calls a second (bursts of 100); retry in 11ms").
		WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(11 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err       error
		want, not string
	}{
		{limited.Err(), "hãy thử lại", "thu hẹp"},
		{status.Error(codes.ResourceExhausted, "the query needs more than 2s of database time, the most one call may use; narrow it: ..."), "thu hẹp", "thử lại"},
	} {
		msg, _, code := explain(c.err)
		if !strings.Contains(msg, c.want) || strings.Contains(msg, c.not) || code != http.StatusTooManyRequests {
			t.Errorf("%v: %q (HTTP %d), want it to say %q and not %q", c.err, msg, code, c.want, c.not)
		}
	}
}
