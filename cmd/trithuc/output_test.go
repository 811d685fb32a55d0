package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestPrintResult(t *testing.T) {
	anh := &pb.Person{Name: "people/anh", DisplayName: "Nguyễn Văn Anh", BirthDate: &date.Date{Year: 1985, Month: 3, Day: 8},
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-101", Primary: true}, {Field: "fields/vn2008-102"}}}
	bich := &pb.Person{Name: "people/bich", DisplayName: "Trần Thị Bích"}
	page := &pb.ListPeopleResponse{People: []*pb.Person{anh, bich}, NextPageToken: "tok2"}
	tests := []struct {
		name      string
		resp      proto.Message
		format    string
		columns   string
		want      string // stdout, exactly
		wantIn    string // or a part of it
		wantErrw  string // stderr, exactly
		wantUsage string // a usage error saying this
	}{
		// A resource is one row, not a table of the fields of expertise
		// it repeats.
		{name: "OKResourceCSV", resp: anh, format: "csv", columns: "name,display_name",
			want: "name,display_name\npeople/anh,Nguyễn Văn Anh\n"},
		{name: "OKResourceTable", resp: anh, format: "table",
			wantIn: "people/anh  Nguyễn Văn Anh          1985-03-08"},
		{name: "OKJSONNames", resp: anh, format: "csv", columns: "displayName, birthDate.year",
			want: "display_name,birth_date.year\nNguyễn Văn Anh,1985\n"},
		{name: "OKBatchGetIsAList", resp: &pb.BatchGetPeopleResponse{People: []*pb.Person{anh, bich}}, format: "csv", columns: "name",
			want: "name\npeople/anh\npeople/bich\n"},
		// More pages: said beside the data, never in it.
		{name: "OKMoreCSV", resp: page, format: "csv", columns: "name",
			want: "name\npeople/anh\npeople/bich\n", wantErrw: "More: --page-token tok2 (or --all)\n"},
		{name: "OKMoreJSON", resp: page, format: "json", wantIn: `"next_page_token": "tok2"`,
			wantErrw: "More: --page-token tok2 (or --all)\n"},
		{name: "OKMoreTable", resp: page, format: "table", columns: "name", wantIn: "people/bich\n\nMore: --page-token tok2 (or --all)\n"},
		{name: "OKLastPage", resp: &pb.ListPeopleResponse{People: []*pb.Person{bich}}, format: "csv", columns: "name",
			want: "name\npeople/bich\n"},
		{name: "ErrUnknownColumn", resp: page, format: "csv", columns: "name,bogus",
			wantUsage: `--columns: "bogus": Person has no field "bogus"; its fields: name, family_name,`},
		{name: "ErrUnknownNested", resp: anh, format: "table", columns: "birth_date.week",
			wantUsage: `"birth_date.week": Date has no field "week"; its fields: year, month, day`},
		{name: "ErrNotAMessage", resp: anh, format: "table", columns: "name.id", wantUsage: `"name.id": Person.name holds no fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			err := printResult(&out, &errw, tt.format, tt.columns, []proto.Message{proto.Clone(tt.resp)})
			if tt.wantUsage != "" {
				var ue usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantUsage) {
					t.Fatalf("err = %v, want a usage error saying %q", err, tt.wantUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && out.String() != tt.want {
				t.Errorf("printed\n%s\nwant\n%s", out.String(), tt.want)
			}
			if !strings.Contains(out.String(), tt.wantIn) {
				t.Errorf("printed\n%s\nwithout %q", out.String(), tt.wantIn)
			}
			if errw.String() != tt.wantErrw {
				t.Errorf("stderr %q, want %q", errw.String(), tt.wantErrw)
			}
		})
	}
}

// An unknown column is refused before any call: no server is needed.
func TestUnknownColumnRefused(t *testing.T) {
	_, err := cli(t, "people", "list", "--output", "csv", "--columns", "bogus", "--server", "127.0.0.1:1", "--timeout", "1s")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "display_name") {
		t.Errorf("--columns bogus: %v, want a usage error listing the fields", err)
	}
}

// A list of reports prints its times in the service's zone with the
// offset (they printed in UTC, unmarked, on a machine set to UTC), and no
// INDICATORS column, which ListReports always left empty.
func TestPrintReportsTable(t *testing.T) {
	made := time.Date(2026, 1, 5, 2, 30, 0, 0, time.UTC)
	resp := &pb.ListReportsResponse{Reports: []*pb.Report{{Name: "reports/nam-2025", Template: pb.Report_YEARLY_WORKFORCE,
		AsOf: &date.Date{Year: 2025, Month: 12, Day: 31}, CreateTime: timestamppb.New(made),
		Creator: "accounts/lan", CreatorDisplayName: "Trần Thị Lan"}}}
	var out bytes.Buffer
	if err := printResult(&out, io.Discard, "table", "", []proto.Message{resp}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if got := strings.Join(strings.Fields(lines[0]), " "); got != "NAME TEMPLATE AS_OF CREATE_TIME CREATOR_DISPLAY_NAME" {
		t.Errorf("header %q", got)
	}
	if !strings.Contains(lines[1], "2026-01-05 09:30:00 +07:00") || !strings.Contains(lines[1], "Trần Thị Lan") {
		t.Errorf("the report made at %s reads %q, want 2026-01-05 09:30:00 +07:00 and its maker", made, lines[1])
	}
}
