package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A dry run of a file whose rows name one person twice, far apart,
// reports what the import then does: the later row finds what the
// earlier did (a conflict, a match, a possible duplicate), however short
// the dry run's slices.
func TestDryRunOfRepeatsReportsTheImport(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.DryRunSlice = time.Nanosecond })
	ctx := context.Background()
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Nguyễn", GivenName: "An", NationalId: "001080000001"}}); err != nil {
		t.Fatal(err)
	}
	b, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Trần", GivenName: "Bình"}})
	if err != nil {
		t.Fatal(err)
	}
	var f strings.Builder
	f.WriteString("Mã hồ sơ;Họ;Tên đệm;Tên;Ngày sinh;Số CCCD;Email;Địa chỉ\n")
	f.WriteString(";Nguyễn;;An;;001080000001;;1 Lê Lợi\n")       // row 2: A by national ID, a new address
	fmt.Fprintf(&f, "%s;;;;;;;2 Lê Lợi\n", b.Name)               // row 3: B by Mã hồ sơ, a new address
	f.WriteString(";Phạm;;Mới;;079080999001;;\n")                // row 4: new, by national ID
	f.WriteString(";Lê;Thị;Thủy;01/02/1985;;thuy@example.vn;\n") // row 5: new, no key
	const filler = 300
	for i := range filler {
		fmt.Fprintf(&f, ";Võ;;Khách;;0020800%05d;;\n", i)
	}
	f.WriteString(";Nguyễn;;An;;001080000001;;9 Hai Bà Trưng\n") // A again, another address: a conflict
	fmt.Fprintf(&f, "%s;;;;;;;9 Hai Bà Trưng\n", b.Name)         // B again: a conflict
	f.WriteString(";Phạm;;Mới;;079080999001;;\n")                // row 4 again: unchanged
	f.WriteString(";LÊ;THỊ;THỦY;01/02/1985;;;\n")                // row 5 in capitals: a possible duplicate
	f.WriteString(";Đỗ;;Khác;;;THUY@example.vn;\n")              // row 5's email: a possible duplicate
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeCSV, Data: []byte(f.String())}

	dry, st := e.importFile(&pb.ImportPeopleRequest{File: file, ValidateOnly: true})
	if st != nil {
		t.Fatalf("the dry run: %v", st.Err())
	}
	if c := e.count(); c != 2 {
		t.Fatalf("%d people after the dry run; want the 2 registered", c)
	}
	real, st := e.importFile(&pb.ImportPeopleRequest{File: file})
	if st != nil {
		t.Fatalf("the import: %v", st.Err())
	}
	outcome := func(r *pb.ImportPeopleResponse) string {
		s := fmt.Sprintf("created %d, updated %d, unchanged %d, possible duplicates %d, refused %d;",
			r.Created, r.Updated, r.Unchanged, r.PossibleDuplicates, r.Refused)
		for _, p := range r.Problems {
			s += fmt.Sprintf(" %s row %d %s;", p.Kind, p.Row, p.Field)
		}
		return s
	}
	n := int32(5 + filler)
	want := fmt.Sprintf("created %d, updated 2, unchanged 3, possible duplicates 2, refused 0;"+
		" CONFLICT row %d person.address; CONFLICT row %d person.address;"+
		" POSSIBLE_DUPLICATE row %d ; POSSIBLE_DUPLICATE row %d ;", filler+2, n+1, n+2, n+4, n+5)
	if got := outcome(real); got != want {
		t.Errorf("the import:\n got %s\nwant %s", got, want)
	}
	if got := outcome(dry); got != outcome(real) {
		t.Errorf("the dry run told another story than the import:\n dry run %s\n  import %s", got, outcome(real))
	}
}
