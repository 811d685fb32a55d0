package vimsg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// importSources are the files that write the messages of an import's
// problems, of the refusal of its file (read.go, expand.go, textscan.go:
// a file that is not a workbook, or unpacks to too much) and of the end
// of its run (operations.go: the server stopped; the problems withheld).
var importSources = []string{
	"../server/transfer.go", "../server/transfer_records.go", "../server/operations.go",
	"../transfer/cells.go", "../transfer/people.go", "../transfer/records.go",
	"../transfer/read.go", "../transfer/expand.go", "../transfer/textscan.go",
	"../store/import.go", "../store/import_children.go", "../store/import_records.go", "../store/bulk_import.go",
}

// notImportMessages are formats of importSources that no problem says:
// the console says them its own way, or they are not messages.
var notImportMessages = map[string]bool{
	"%d rows have errors; nothing was imported. Correct them, or import with skip_invalid to import the good rows": true, // importStatus's own sentence
	"the server stopped": true, "rows refused": true, // causes, not messages
	"unknown column %q; the columns are the fields %s": true, // an export's columns
	"%02d/%04d": true, "%02d/%02d/%04d": true,
	"born:%d-%d-%d":               true, // a key of Repeats, not a message
	"a document type declaration": true, // a sentinel, said by expand.go's own message
	// Of other calls about operations than the import page's.
	"%s does not exist":         true, // NOT_FOUND: the console's words
	"operations take no filter": true, "must not be negative": true, "not a page token of this listing; start again without it": true,
}

// Every format importSources write a message with has its Vietnamese in
// problemsVi: a new one fails here until it is translated.
func TestEveryImportMessageIsTranslated(t *testing.T) {
	fs := token.NewFileSet()
	for _, path := range importSources {
		f, err := parser.ParseFile(fs, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		consts := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			if v, ok := n.(*ast.ValueSpec); ok && len(v.Values) == len(v.Names) {
				for i, name := range v.Names {
					if s, ok := literal(v.Values[i], nil); ok {
						consts[name.Name] = s
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			var arg ast.Expr
			switch n := n.(type) {
			case *ast.CallExpr:
				i := -1
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					x, _ := fn.X.(*ast.Ident)
					switch {
					case x == nil:
					case x.Name == "fmt" && (fn.Sel.Name == "Sprintf" || fn.Sel.Name == "Errorf"), x.Name == "errors" && fn.Sel.Name == "New":
						i = 0
					case x.Name == "status" && (fn.Sel.Name == "New" || fn.Sel.Name == "Error" || fn.Sel.Name == "Errorf"):
						i = 1
					}
				case *ast.Ident:
					switch fn.Name {
					case "errorf":
						i = 2
					case "fieldError", "withDetails":
						i = 1
					}
				}
				if i >= 0 && len(n.Args) > i {
					arg = n.Args[i]
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "Message" || k.Name == "Msg" || k.Name == "what") {
					arg = n.Value
				}
			}
			if arg == nil {
				return true
			}
			format, ok := literal(arg, consts)
			if !ok || notImportMessages[format] {
				return true
			}
			if _, ok := problemsVi[format]; !ok {
				t.Errorf("%s: %q has no Vietnamese in problemsVi", fs.Position(arg.Pos()), format)
			}
			return true
		})
	}
}

// literal is the string e is, a literal or a constant of consts; a sum
// of one and something else is a format whose %s is the other
// ("the header row ...: "+errs[0].Msg).
func literal(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			break
		}
		x, okX := literal(e.X, consts)
		y, okY := literal(e.Y, consts)
		if !okX {
			x = "%s"
		}
		if !okY {
			y = "%s"
		}
		return x + y, okX || okY
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	}
	return "", false
}

// Each shape reads back its values into the Vietnamese (a wrapped error's
// in Vietnamese too), and no English of the format is left.
func TestImportMessagesSayTheirValues(t *testing.T) {
	verb := regexp.MustCompile(`%[sqvdw]`)
	for en := range problemsVi {
		n := 0
		var values []string
		msg := verb.ReplaceAllStringFunc(en, func(v string) string {
			n++
			s := "Giá trị " + strconv.Itoa(n)
			switch v {
			case "%q":
				s = strconv.Quote(s)
			case "%d":
				s = strconv.Itoa(1000 + n)
			case "%w":
				// A wrapped error is one the table knows.
				values = append(values, problemsVi["unreadable file"])
				return "unreadable file"
			}
			values = append(values, s)
			return s
		})
		vi, ok := Import(msg)
		if !ok {
			t.Errorf("%q is not read back", msg)
			continue
		}
		for _, v := range values {
			if !strings.Contains(vi, v) {
				t.Errorf("%q → %q lacks %s", msg, vi, v)
			}
		}
		if strings.Contains(vi, "%!") || vi == msg {
			t.Errorf("%q → %q", msg, vi)
		}
	}
}

// Messages inside messages are said too: a header row's cell, a list of
// look-alikes, a membership's state.
func TestImportMessagesNested(t *testing.T) {
	for _, c := range []struct{ en, vi string }{
		{`row 1, column D: column "Tên" appears twice`, `Dòng 1, cột D: Cột "Tên" xuất hiện hai lần.`},
		{`row 1, column F: "5/13/1980": write the year with four digits (dd/mm/yyyy)`, `Dòng 1, cột F: "5/13/1980": hãy ghi năm đủ bốn chữ số (dd/mm/yyyy).`},
		{`associations/a/memberships/m was registered; its new person resembles people/x, 2 registered people whose profiles are restricted (same name and birth date, or same email): check before approving it`,
			`Đã ghi nhận đơn associations/a/memberships/m; người mới trong đơn giống people/x, 2 người đã có mà hồ sơ đang bị hạn chế xử lý (trùng họ tên và ngày sinh, hoặc trùng email): hãy kiểm tra trước khi duyệt.`},
		{`associations/a/memberships/m is ACTIVE; the file has SUSPENDED, not applied: change a membership's state with ApproveMembership, SuspendMembership or ReinstateMembership`,
			`Đơn associations/a/memberships/m đang ở trạng thái “Đang sinh hoạt”; tệp ghi “Tạm đình chỉ”, chưa thay: hãy đổi trạng thái hội viên ở trang Duyệt hội viên (duyệt, tạm đình chỉ hoặc cho sinh hoạt trở lại).`},
		{`"0912345" has 7 digits, not 12 (CCCD) or 9 (CMND): the leading zeros were probably lost; format the column as Text and type the number again`,
			`"0912345" có 7 chữ số, không phải 12 (CCCD) hay 9 (CMND): có lẽ các số 0 ở đầu đã bị mất; hãy định dạng cột là Văn bản (Text) rồi gõ lại số.`},
	} {
		if got, _ := Import(c.en); got != c.vi {
			t.Errorf("%s\n got %s\nwant %s", c.en, got, c.vi)
		}
	}
}

// A field's message that has no import shape is said as the forms say it.
func TestImportProblemOfAField(t *testing.T) {
	for _, c := range []struct {
		p    *pb.ImportProblem
		want string
	}{
		{&pb.ImportProblem{Field: "person.hometown", Message: `must be an administrative unit code of 2 to 5 digits, for example "30742"`},
			"cần mã đơn vị hành chính gồm 2 đến 5 chữ số, ví dụ 30742; hãy chọn trong danh sách"},
		{&pb.ImportProblem{Field: "membership.new_person.email", Message: "membership.new_person.email: value must be a valid email address"},
			"không phải là một địa chỉ email; hãy viết như ten@example.vn"},
		{&pb.ImportProblem{Field: "person.national_id", Message: "no registered person has the national ID 079085001234, and no row of the people sheet adds one"},
			"Chưa có người nào có Số CCCD 079085001234, và trang Người cũng không có dòng nào thêm người này."},
	} {
		if got := Problem(c.p); got != c.want {
			t.Errorf("%s: %q, want %q", c.p.Message, got, c.want)
		}
	}
}
