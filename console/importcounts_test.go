package console_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
)

// An import that found more problems than it lists says so on its page:
// how many it found, and a count of them by column, in Vietnamese, so that
// a mistake made down a whole column is corrected at once.
func TestImportPageCountsUnlistedProblems(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	var file strings.Builder
	file.WriteString("Họ;Tên;Ngày sinh;Email\n")
	const n = 5500 // two problems a row: more than the 10,000 listed
	for i := range n {
		fmt.Fprintf(&file, "Nguyễn;An;31/02/1980;an%d@\n", i)
	}
	_, _, op := b.uploadTo("x.csv", file.String())
	if !strings.HasPrefix(op, "/imports/") {
		t.Fatalf("the upload sends to %q, not an import's page", op)
	}
	_, page := b.get(op)
	for i := 0; strings.Contains(page, `id="import-progress"`) && i < 300; i++ {
		time.Sleep(100 * time.Millisecond)
		_, page = b.get(op)
	}
	page = html.UnescapeString(page)
	if !strings.Contains(page, "Tệp có 11000 vấn đề; chỉ 10000 vấn đề đầu tiên được liệt kê") {
		t.Errorf("the page does not say how many problems there are:\n%.3000s", page)
	}
	table := regexp.MustCompile(`(?s)<table class="list stack" id="import-counts">.*?</table>`).FindString(page)
	for _, want := range []string{"C (Ngày sinh)", "D (Email)", `<td data-label="Số vấn đề">5500</td>`, "không phải là một địa chỉ email"} {
		if !strings.Contains(table, want) {
			t.Errorf("the counts lack %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "must be a valid") {
		t.Errorf("the counts say English:\n%s", table)
	}
}
