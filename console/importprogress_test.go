package console

import (
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import's progress says the rows read of a total when the server
// knows one, and the rows read alone when it does not (a workbook that
// records no sheet sizes), never "of about 0 rows (0%)".
func TestImportProgressSentence(t *testing.T) {
	for _, c := range []struct {
		name string
		meta *pb.ImportPeopleMetadata
		want string
	}{
		{"Known", &pb.ImportPeopleMetadata{RowsRead: 3, RowsTotal: 5, RowsAccepted: 2, RowsRefused: 1},
			"Đang xử lý: đã đọc 3 / khoảng 5 dòng (60%), 2 dòng đúng, 1 dòng sai. Trang tự tải lại."},
		{"Unknown", &pb.ImportPeopleMetadata{RowsRead: 55, RowsAccepted: 39, RowsRefused: 16},
			"Đang xử lý: đã đọc 55 dòng, 39 dòng đúng, 16 dòng sai. Trang tự tải lại."},
		{"PastTheEstimate", &pb.ImportPeopleMetadata{RowsRead: 55, RowsTotal: 30, RowsAccepted: 55},
			"Đang xử lý: đã đọc 55 dòng, 55 dòng đúng, 0 dòng sai. Trang tự tải lại."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := progressOf(c.meta); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
