package transfer

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A workbook is refused before excelize reads it when one of its texts,
// rows or tags is longer than an import takes, or its shared strings
// would take too much memory, with where and what to do; the files are
// small, their texts large.
func TestCheckExpansion(t *testing.T) {
	big := strings.Repeat("a", 1<<20)
	sst := func(items ...string) string {
		return `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + strings.Join(items, "") + `</sst>`
	}
	sstRow := `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`
	var manyCells strings.Builder
	manyCells.WriteString(`<row r="2">`)
	for i := range 20 {
		fmt.Fprintf(&manyCells, `<c r="%c2" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, big[:60<<10])
	}
	manyCells.WriteString(`</row>`)
	// The registry's own export of 90,000 people as Excel saves it has
	// some 440,000 distinct texts, most of them short.
	distinct := make([]string, 450_000)
	for i := range distinct {
		distinct[i] = fmt.Sprintf("<si><t>%07d</t></si>", i)
	}
	for _, tc := range []struct {
		name string
		wb   handmade
		want []string // in the error; none for a workbook admitted
	}{
		{"OK", handmade{}, nil},
		{"OKTextUnderBound", handmade{rows: inlineRow(2, big[:60<<10])}, nil},
		{"OKSharedStringsOfAProvince", handmade{rows: sstRow, sst: sst(distinct...)}, nil},
		{"ErrInlineText", handmade{rows: inlineRow(2, "Trần", big)}, []string{`sheet "` + PeopleSheet + `"`, "cell B2", "64 KB", "shorten it"}},
		{"ErrValue", handmade{rows: `<row r="2"><c r="A2"><v>` + big + `</v></c></row>`}, []string{"cell A2", "64 KB"}},
		{"ErrRichTextRuns", handmade{rows: `<row r="2"><c r="C2" t="inlineStr"><is>` + strings.Repeat("<r><t>"+big[:1000]+"</t></r>", 100) + `</is></c></row>`}, []string{"cell C2", "64 KB"}},
		{"ErrCDATA", handmade{rows: `<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[` + strings.Repeat("<b>", 40_000) + `]]></t></is></c></row>`}, []string{"cell A2", "64 KB"}},
		{"ErrTextOutsideCells", handmade{rows: `<row r="2">` + big + `</row>`}, []string{"row 2", "64 KB"}},
		{"ErrAttribute", handmade{rows: `<row r="2"><c r="A2" x="` + big + `"/></row>`}, []string{"cell A2", "tag or comment of more than 64 KB"}},
		{"ErrComment", handmade{rows: `<row r="2"><!--` + strings.Repeat("<->", 40_000) + `--></row>`}, []string{"row 2", "tag or comment"}},
		{"ErrRow", handmade{rows: manyCells.String()}, []string{"row 2", "1 MB"}},
		{"ErrDocumentType", handmade{rows: `<!DOCTYPE x [<!ENTITY a "b">]>`}, []string{`sheet "` + PeopleSheet + `"`, "document type"}},
		{"ErrSharedString", handmade{rows: sstRow, sst: sst("<si><t>a</t></si>", "<si><r><t>"+big+"</t></r></si>")}, []string{"its shared strings, string 1,", "64 KB"}},
		{"ErrSharedStringsMemory", handmade{rows: sstRow, sst: sst(strings.Repeat("<si/>", 1_000_000))}, []string{"1000000 distinct texts", "over 128 MB", "split it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.wb.bytes(t)
			if len(data) > 2<<20 {
				t.Fatalf("the workbook is %d bytes", len(data))
			}
			err := checkExpansion(data)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("got %v, want ErrUnreadable", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error %q does not say %q", err, w)
				}
			}
		})
	}
}
