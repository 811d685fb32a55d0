package server

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// A list with a title above its headers (the list's name, merged across
// the columns, and a blank row) is refused saying on which row the
// headers are and what to do, in Vietnamese too, on the people sheet and
// on a sheet of records.
func TestImportSaysWhereTheHeadersAreUnderATitle(t *testing.T) {
	e := newEnv(t)
	for _, sheet := range []string{transfer.PeopleSheet, transfer.QualificationsSheet} {
		f := excelize.NewFile()
		f.SetSheetName("Sheet1", transfer.PeopleSheet)
		people := [][]any{peopleHeader, {"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "Kinh", "001080000001", ""}}
		quals := [][]any{{"Số CCCD", "Loại", "Trình độ"}, {"001080000001", "Bằng cấp", "Thạc sĩ"}}
		if _, err := f.NewSheet(transfer.QualificationsSheet); err != nil {
			t.Fatal(err)
		}
		for name, rows := range map[string][][]any{transfer.PeopleSheet: people, transfer.QualificationsSheet: quals} {
			first := 1
			if name == sheet {
				f.SetCellStr(name, "A1", "DANH SÁCH ĐỘI NGŨ TRÍ THỨC TỈNH KIÊN GIANG")
				f.MergeCell(name, "A1", "H1")
				first = 3
			}
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, first+i)
				f.SetSheetRow(name, cell, &r)
			}
		}
		var buf bytes.Buffer
		f.WriteTo(&buf)
		_, err := pb.NewTransferServiceClient(e.client.Conn()).ImportPeople(context.Background(), &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: buf.Bytes()}})
		st := status.Convert(err)
		if err == nil || st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "the template's headers are on row 3, under a title") {
			t.Errorf("%s: %v", sheet, st)
			continue
		}
		_, inner, _ := strings.Cut(st.Message(), "template's: ")
		if vi, ok := vimsg.Import(inner); !ok || !strings.Contains(vi, "nằm ở dòng 3") {
			t.Errorf("%s: in Vietnamese %q", sheet, vi)
		}
	}
}
