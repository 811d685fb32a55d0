package server

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// An import's progress counts the rows of every sheet it reads, the
// records' too, so that its total is that of the rows it will read (the
// console's and the command line's bar reach the end, not past it); a
// sheet whose size the workbook does not record (excelize writes none)
// leaves the total unknown, 0, rather than too small.
func TestImportProgressTotalCountsEverySheet(t *testing.T) {
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet}
	rows := map[string][][]any{
		transfer.PeopleSheet: {peopleHeader,
			{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01 - Kinh", "001080000001", ""},
			{"Trần", "Thị", "Bình", "Nữ", "1982", "01 - Kinh", "001182000002", ""}},
		transfer.QualificationsSheet: {{"Mã hồ sơ", "Số CCCD", "Loại", "Chuyên ngành", "Năm", "Trình độ"},
			{"", "001080000001", "Bằng cấp", "Toán học", 2002, "DAI_HOC"},
			{"", "001182000002", "Bằng cấp", "Vật lý", 2004, "DAI_HOC"},
			{"", "001182000002", "Bằng cấp", "Hoá học", 2008, "THAC_SI"}},
	}
	for _, tc := range []struct {
		name      string
		dimension bool
		want      int64
	}{{"AsExcelSaves", true, 5}, {"WithoutDimension", false, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			data := sheets(t, names, rows)
			if tc.dimension {
				data = withDimensions(t, data, names, rows)
			}
			conn := e.client.Conn()
			op, err := pb.NewTransferServiceClient(conn).ImportPeople(context.Background(), &pb.ImportPeopleRequest{
				File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: data}, ValidateOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			meta := &pb.ImportPeopleMetadata{}
			if err := op.Metadata.UnmarshalTo(meta); err != nil {
				t.Fatal(err)
			}
			if meta.RowsTotal != tc.want {
				t.Errorf("rows total %d, want %d", meta.RowsTotal, tc.want)
			}
			op = e.wait(longrunningpb.NewOperationsClient(conn), op)
			if op.GetError() != nil {
				t.Fatalf("the dry run: %v", op.GetError())
			}
			if err := op.Metadata.UnmarshalTo(meta); err != nil {
				t.Fatal(err)
			}
			if meta.RowsRead != 5 {
				t.Errorf("rows read %d, want 5", meta.RowsRead)
			}
		})
	}
}

// withDimensions records each sheet's used range, as Excel does when it
// saves a workbook.
func withDimensions(t *testing.T, data []byte, names []string, rows map[string][][]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		last, _ := excelize.CoordinatesToCellName(len(rows[n][0]), len(rows[n]))
		if err := f.SetSheetDimension(n, fmt.Sprintf("A1:%s", last)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
