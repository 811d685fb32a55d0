package vimsg

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// valuesLeftOut are formats whose Vietnamese leaves out a value, and why.
var valuesLeftOut = map[string]string{
	"contains a control character at byte %d": "a byte's position: the column says where",
	"contains the invisible character %s at byte %d: remove it (it is often pasted from a word processor or a web page) and send the text again": "the character's English name and a byte's position: the column says where",
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
			if !strings.Contains(vi, v) && valuesLeftOut[en] == "" {
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
		{`the registered person with this national ID already has a membership of associations/a that has not ended: the file's ACTIVE was neither compared nor applied; a registrar without a limit can tell which, and change its state`,
			`Người đã có với Số CCCD này đã có một đơn chưa kết thúc của hội associations/a: trạng thái “Đang sinh hoạt” của tệp không được đối chiếu và không được ghi; cán bộ đăng ký không bị giới hạn trong một hội mới biết đó là đơn nào và đổi được trạng thái của đơn.`},
		{`people/x already has a membership of associations/a that is ACTIVE: associations/a/memberships/m`,
			`people/x đã có đơn ở trạng thái “Đang sinh hoạt” của hội associations/a: associations/a/memberships/m.`},
		{`the registered person with this national ID already has a membership of associations/a that has not ended; a registrar without a limit can tell which`,
			`Người đã có với Số CCCD này đã có một đơn chưa kết thúc của hội associations/a; cán bộ đăng ký không bị giới hạn trong một hội mới biết đó là đơn nào.`},
		{`"benh vien da khoa" names more than one organization: organizations/bvdk-rach-gia (Bệnh viện Đa khoa), organizations/bvdk-ha-tien (Bệnh viện đa khoa); write the code of the one meant`,
			`"benh vien da khoa" là tên của nhiều cơ quan: organizations/bvdk-rach-gia (Bệnh viện Đa khoa), organizations/bvdk-ha-tien (Bệnh viện đa khoa); hãy ghi mã của cơ quan cần chọn.`},
		{`no organization has the code or name "So Noi Vuu" (did you mean organizations/so-noi-vu (Sở Nội vụ)?); write its code: see ListOrganizations (trithuc organizations list)`,
			`Không có cơ quan nào có mã hoặc tên "So Noi Vuu" (có phải là organizations/so-noi-vu (Sở Nội vụ) không?); hãy ghi mã: xem danh sách cơ quan, mã dạng organizations/… (lệnh trithuc organizations list).`},
		{`no association has the code or name "Hội Sử học"; write its code: see ListAssociations (trithuc associations list)`,
			`Không có hội nào có mã hoặc tên "Hội Sử học"; hãy ghi mã: xem danh sách hội, mã dạng associations/… (lệnh trithuc associations list).`},
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
