// Package vimsg says the server's English messages in Vietnamese: an
// import's problems and the refusals of its file, and the messages about
// single fields of a request. The API's contract keeps its messages
// English for every client; the console's pages and the report of an
// import a person downloads take their Vietnamese from here, so that one
// message has one translation.
package vimsg

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import's messages are said by their shape: the format the server,
// the transfer package or the store wrote the message with.
// TestEveryMessageAnImportCanSayIsTranslated finds those formats by
// following the import through the server, the transfer package and the
// store, and the rules of the requests it checks rows with, so that a new
// one cannot pass untranslated.

// problemsVi are the Vietnamese of the import's messages, by the English
// format the message was made with; %[n]s is the message's nth value.
var problemsVi = map[string]string{
	// Rows that resemble or differ from a registered person (server/transfer.go).
	"resembles a registered person whose profile is restricted (same name and birth date, or same email), and was not created; only an admin may import it":                  "Giống một người đã có mà hồ sơ đang bị hạn chế xử lý (trùng họ tên và ngày sinh, hoặc trùng email) nên chưa được tạo; chỉ quản trị viên mới nhập được dòng này.",
	"resembles %s (same name and birth date, or same email) and was not created; add the national ID or the Mã hồ sơ to match that person, or check that it is someone else": "Giống người đã có %[1]s (trùng họ tên và ngày sinh, hoặc trùng email) nên chưa được tạo. Nếu là cùng một người, hãy ghi Số CCCD hoặc Mã hồ sơ của người đó vào dòng này; nếu không, hãy kiểm tra lại rằng đây là một người khác.",
	"%s has %q registered; the file has %q, not applied (import with overwrite to replace it)":                                                                               "Hồ sơ %[1]s đang ghi %[2]s; tệp ghi %[3]s, chưa thay. Muốn thay bằng giá trị của tệp, hãy nhập lại và chọn “Ghi đè thông tin đã có”.",
	"%s is on the lists from %s; the file has %s, not applied: a registry date never changes once the person is registered":                                                  "Hồ sơ %[1]s có ngày vào danh sách %[2]s; tệp ghi %[3]s, không thay: ngày vào danh sách không sửa được sau khi hồ sơ đã được ghi.",
	"%s withholds their contact details (no consent to be contacted): the file's %q was neither compared nor applied; only an admin may change them":                         "Hồ sơ %[1]s giữ kín thông tin liên hệ (người đó không đồng ý được liên hệ): giá trị %[2]s của tệp không được đối chiếu và không được ghi; chỉ quản trị viên mới sửa được thông tin này.",

	// Memberships (server/transfer_records.go, transfer/memberships.go).
	"an email or phone needs the person's consent to be contacted: write Có in the column %q, or leave the email and phone empty (without that consent only an admin may read them)": "Đã ghi email hoặc điện thoại nhưng người đăng ký chưa đồng ý cho dùng thông tin liên hệ: hãy ghi Có ở cột %[1]s, hoặc xoá email và điện thoại (không có sự đồng ý này, chỉ quản trị viên xem được chúng).",
	"%s was registered; its new person resembles %s (same name and birth date, or same email): check before approving it":                                                            "Đã ghi nhận đơn %[1]s; người mới trong đơn giống %[2]s (trùng họ tên và ngày sinh, hoặc trùng email): hãy kiểm tra trước khi duyệt.",
	"%s is %s; the file has %s, not applied: change a membership's state with ApproveMembership, SuspendMembership or ReinstateMembership":                                           "Đơn %[1]s đang ở trạng thái “%[2]s”; tệp ghi “%[3]s”, chưa thay: hãy đổi trạng thái hội viên ở trang Duyệt hội viên (duyệt, tạm đình chỉ hoặc cho sinh hoạt trở lại).",
	"%s has ended (%s): a row of an ended registration is read and left as it is, not imported; to register the person again, write the state %s":                                    "Đơn %[1]s đã kết thúc (%[2]s): dòng của một đơn đã kết thúc chỉ để đọc, không được nhập và đơn giữ nguyên; muốn đăng ký lại người này, hãy ghi trạng thái %[3]s.",
	"%s has the member number %q; the file has %q, not applied: the association's approval numbers its members":                                                                      "Đơn %[1]s có số hội viên %[2]s; tệp ghi %[3]s, không thay: số hội viên do hội cấp khi duyệt.",
	"%d registered people outside %s":                    "%[1]s người đã có ngoài phạm vi %[2]s",
	"%d registered people whose profiles are restricted": "%[1]s người đã có mà hồ sơ đang bị hạn chế xử lý",
	// A limited key's row about a membership whose person it is not shown.
	"%s already has a membership of %s that has not ended: the file's %s was neither compared nor applied; a registrar without a limit can tell which, and change its state": "%[1]s đã có một đơn chưa kết thúc của hội %[2]s: trạng thái “%[3]s” của tệp không được đối chiếu và không được ghi; cán bộ đăng ký không bị giới hạn trong một hội mới biết đó là đơn nào và đổi được trạng thái của đơn.",

	// The header row (server/transfer.go, server/transfer_records.go).
	"row 1, column %s: %s":                                 "Dòng 1, cột %[1]s: %[2]s",
	"sheet %q, row 1, column %s: %s":                       "Trang %[1]s, dòng 1, cột %[2]s: %[3]s",
	"the header row of the file is not the template's: %s": "Dòng tiêu đề của tệp không đúng như mẫu: %[1]s",
	"the template's headers are on row %d, under a title: delete the rows above them, so that the headers are row 1": "Dòng tiêu đề của mẫu nằm ở dòng %[1]s, dưới tên danh sách: hãy xoá các dòng phía trên để dòng tiêu đề là dòng 1.",
	"the header row of sheet %q is not the template's: %s":                                                           "Dòng tiêu đề của trang %[1]s không đúng như mẫu: %[2]s",
	"unknown column %s; the template's columns are: %s":                                                              "Cột %[1]s không có trong mẫu; các cột của mẫu là: %[2]s.",
	"unknown column %s of sheet %q; its columns are: %s, %s, %s":                                                     "Cột %[1]s không có trong trang %[2]s; các cột của trang là: %[3]s, %[4]s, %[5]s.",
	"column %s appears twice":              "Cột %[1]s xuất hiện hai lần.",
	"a value in a column without a header": "Có giá trị trong một cột không có tiêu đề.",
	"the header has no column \"Tên\" (given_name), nor \"Mã hồ sơ\" (name) to fill in registered people: the first row must be the template's headers (an export with chosen columns imports when they include name or given_name)": "Dòng tiêu đề không có cột “Tên”, cũng không có cột “Mã hồ sơ” để bổ sung cho người đã có: dòng đầu tiên phải là dòng tiêu đề của mẫu (tệp xuất với các cột tự chọn nhập được khi có cột Mã hồ sơ hoặc Tên).",
	"sheet %q has neither a column %q nor %q: each row must say whose record it is": "Trang %[1]s không có cột %[2]s, cũng không có cột %[3]s: mỗi dòng phải cho biết đó là hồ sơ của ai.",

	// Cells (transfer/cells.go, transfer/records.go).
	"the text %s looks typed in the TCVN3 (ABC) font encoding (it reads as %s); convert the file to Unicode (Unikey: Công cụ chuyển mã, TCVN3 → Unicode) and import it again":                                  "Chữ %[1]s có vẻ được gõ bằng bảng mã TCVN3 (ABC) (đọc ra là %[2]s); hãy chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, TCVN3 → Unicode) rồi nhập lại.",
	"the text %s looks typed in the VNI font encoding (it reads as %s); convert the file to Unicode (Unikey: Công cụ chuyển mã, VNI Windows → Unicode) and import it again":                                    "Chữ %[1]s có vẻ được gõ bằng bảng mã VNI (đọc ra là %[2]s); hãy chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, VNI Windows → Unicode) rồi nhập lại.",
	"the text %s looks typed in a legacy font encoding: in TCVN3 (ABC) it reads as %s, in VNI as %s; convert the file to Unicode from the one it was typed in (Unikey: Công cụ chuyển mã) and import it again": "Chữ %[1]s có vẻ được gõ bằng một bảng mã cũ: theo TCVN3 (ABC) đọc ra là %[2]s, theo VNI là %[3]s; hãy chuyển tệp sang Unicode từ bảng mã đã dùng để gõ (Unikey: Công cụ chuyển mã) rồi nhập lại.",
	"%s is not a date: write dd/mm/yyyy, or the year alone":                                                                      "%[1]s không phải là ngày: hãy ghi dd/mm/yyyy, hoặc chỉ ghi năm.",
	"%s is not a date: write dd/mm/yyyy, mm/yyyy, or the year alone":                                                             "%[1]s không phải là ngày: hãy ghi dd/mm/yyyy, mm/yyyy, hoặc chỉ ghi năm.",
	"%s: write the year with four digits (dd/mm/yyyy)":                                                                           "%[1]s: hãy ghi năm đủ bốn chữ số (dd/mm/yyyy).",
	"%s is not a date: the day comes first, then the month (dd/mm/yyyy)":                                                         "%[1]s không phải là ngày: ghi ngày trước, rồi mới đến tháng (dd/mm/yyyy).",
	"%s is not a date: month %d has no day %d":                                                                                   "%[1]s không phải là ngày: tháng %[2]s không có ngày %[3]s.",
	"%s is not a year: write it as 2015":                                                                                         "%[1]s không phải là năm: hãy ghi như 2015.",
	"%s is a number in scientific notation and has lost digits; format the column as Text and type the number again":             "%[1]s là một số dạng lũy thừa (E+) và đã mất chữ số; hãy định dạng cột là Văn bản (Text) rồi gõ lại số.",
	"%s has %d digits, not 12 (CCCD) or 9 (CMND): the leading zeros were probably lost; %s":                                      "%[1]s có %[2]s chữ số, không phải 12 (CCCD) hay 9 (CMND): có lẽ các số 0 ở đầu đã bị mất; %[3]s.",
	"%s does not begin with 0: the leading zero was probably lost; %s":                                                           "%[1]s không bắt đầu bằng số 0: có lẽ số 0 ở đầu đã bị mất; %[2]s.",
	"format the column as Text and type the number again":                                                                        "hãy định dạng cột là Văn bản (Text) rồi gõ lại số",
	"row %d of this file gives the national ID %s to %s: the two rows are of different people, and one of them has the ID wrong": "Dòng %[1]s của tệp này ghi Số CCCD %[2]s cho %[3]s: hai dòng là của hai người khác nhau, và một trong hai dòng ghi sai Số CCCD.",
	"%s is not one of the values of the drop-down list":                                                                          "%[1]s không có trong danh sách thả xuống; hãy chọn một giá trị trong danh sách.",

	// A warning, not a refusal (transfer/cells.go).
	"%s has lost its leading 0, which a spreadsheet drops from a number: imported as %s; check it, and format the column as Text to keep the 0": "%[1]s đã mất số 0 ở đầu (bảng tính bỏ số 0 ở đầu của một ô kiểu số): đã nhập thành %[2]s; hãy kiểm tra lại, và định dạng cột là Văn bản (Text) để giữ số 0.",

	// A text holding a character a reader cannot see (server/hidden.go).
	"contains the invisible character %s at byte %d: remove it (it is often pasted from a word processor or a web page) and send the text again": "Có một ký tự ẩn không nhìn thấy được (thường do dán từ trình soạn thảo văn bản hay trang web); hãy xoá ký tự đó rồi nhập lại.",

	// The file refused, or its run ended, as a whole (server/transfer.go,
	// server/operations.go).
	"the file is empty: the first row must be the template's headers":                                                    "Tệp trống: dòng đầu tiên phải là dòng tiêu đề của mẫu.",
	"the file has no rows to import: fill in the rows under the header row of the people sheet or of a sheet of records": "Tệp không có dòng nào để nhập: hãy điền các dòng dưới dòng tiêu đề của trang Người hoặc của một trang hồ sơ (Bằng cấp, Chức vụ...).",
	"%d imports are running, the most the server runs at once; retry in %s":                                              "Máy chủ đang chạy %[1]s lần nhập, nhiều nhất có thể cùng lúc; hãy thử lại sau %[2]s.",
	"the import was cancelled; nothing was imported":                                                                     "Việc nhập đã bị huỷ; chưa nhập gì.",
	"%s; nothing was imported": "%[1]s Chưa nhập gì.",
	"the server stopped while the import ran; nothing of it was imported; start it again":                                                                                                 "Máy chủ đã dừng khi đang nhập nên chưa nhập gì; hãy nhập lại tệp.",
	"want an operation's name, operations/{id}, with an id of lower-case letters and digits":                                                                                              "Địa chỉ này không phải của một lần nhập (mã lần nhập chỉ gồm chữ thường và chữ số); hãy mở lại từ trang Nhập danh sách.",
	"the problems of this import and its report were removed after the retention period (--import-result-retention): they quoted the personal data of the uploaded file; the counts stay": "Các vấn đề và tệp báo lỗi của lần nhập này đã được xoá khi hết thời hạn lưu giữ, vì chúng trích dữ liệu cá nhân trong tệp đã tải lên; các con số thống kê vẫn được giữ.",
	"the problems of this import are withheld: they name or quote a person whose data is now restricted, or whose contact details are withheld; only an admin may read them":              "Các vấn đề của lần nhập này không được hiển thị: chúng nêu tên hoặc trích thông tin của một người nay đang bị hạn chế xử lý, hoặc giữ kín thông tin liên hệ; chỉ quản trị viên mới xem được.",

	// A file that is not a workbook or CSV file, or that unpacks to too
	// much (transfer/read.go, transfer/expand.go, transfer/textscan.go);
	// %w is "unreadable file".
	"unreadable file": "Không đọc được tệp",
	"%w: the CSV file is not UTF-8 text; save it as \"CSV UTF-8\"":         "%[1]s: tệp CSV không phải là văn bản UTF-8; hãy lưu lại tệp dưới dạng “CSV UTF-8”.",
	"%w: not an XLSX workbook (%v); save it as \"Excel Workbook (.xlsx)\"": "%[1]s: tệp không phải là tệp Excel XLSX (%[2]s); hãy lưu lại tệp dưới dạng “Excel Workbook (.xlsx)”.",
	"%w: the workbook has no sheets":                                       "%[1]s: tệp Excel không có trang nào.",
	"%w: send an XLSX workbook or a CSV file":                              "%[1]s: hãy gửi một tệp Excel (XLSX) hoặc một tệp CSV.",
	"%w: sheet %q: %v": "%[1]s: trang %[2]s: %[3]s",
	"%w: %s: a cell lies past column XFD (16,384), the last a spreadsheet has; open the file in Excel and save it again": "%[1]s: %[2]s: có một ô nằm sau cột XFD (16.384), cột cuối cùng của bảng tính; hãy mở tệp bằng Excel rồi lưu lại.",
	"%w: %s: a row lies past row 1,048,576, the last a spreadsheet has; open the file in Excel and save it again":        "%[1]s: %[2]s: có một dòng nằm sau dòng 1.048.576, dòng cuối cùng của bảng tính; hãy mở tệp bằng Excel rồi lưu lại.",
	"%w: %s: %v":       "%[1]s: %[2]s: %[3]s",
	"%w: %v":           "%[1]s: %[2]s",
	"sheet %q, row %d": "trang %[1]s, dòng %[2]s",
	// A limited key's import of a workbook with people or records
	// (server/transfer_scope.go): its own export's are skipped.
	"a limited key does not import people or their records: import the memberships of its people on sheet %q alone":                                                                                                    "Tài khoản của hội không nhập người hay hồ sơ của họ: chỉ nhập trang %[1]s, đơn hội viên của những người thuộc hội.",
	"a limited key does not import people or their records: register a new member on sheet %q (Số CCCD, Họ, Tên...), or delete this row":                                                                               "Tài khoản của hội không nhập người mới ở trang này: hãy đăng ký hội viên mới ở trang %[1]s (ghi Số CCCD, Họ, Tên…), hoặc xóa dòng này.",
	"sheet %q was not imported: a key limited to an association imports only sheet %q; its %d rows, all of people in the key's scope, were skipped and nothing of them was written (change a profile on its own page)": "Trang %[1]s không được nhập: tài khoản của hội chỉ nhập trang %[2]s; %[3]s dòng của trang này, đều là của người thuộc hội, được bỏ qua và không ghi gì. Muốn sửa hồ sơ, hãy sửa trên trang hồ sơ của từng người.",
	"sheet %q, after row %d": "trang %[1]s, sau dòng %[2]s",
	"%w: the workbook expands to too much: its styles part unpacks to %d MB, over %d MB; %s":                                            "%[1]s: tệp Excel giải nén ra quá lớn: phần định dạng (styles) giải nén ra %[2]s MB, quá %[3]s MB; hãy %[4]s.",
	"%w: the workbook expands to too much: it unpacks to %d MB, over %d MB; %s":                                                         "%[1]s: tệp Excel giải nén ra quá lớn: %[2]s MB, quá %[3]s MB; hãy %[4]s.",
	"%w: the workbook expands to too much: its parts other than sheets unpack to %d MB, over %d MB; %s":                                 "%[1]s: tệp Excel giải nén ra quá lớn: các phần không phải trang tính giải nén ra %[2]s MB, quá %[3]s MB; hãy %[4]s.",
	"%w: the workbook expands to too much: %s holds %s; shorten it, or %s":                                                              "%[1]s: tệp Excel giải nén ra quá lớn: %[2]s chứa %[3]s; hãy rút ngắn, hoặc %[4]s.",
	"%w: the workbook expands to too much: %s, %s, holds %s; shorten it, or %s":                                                         "%[1]s: tệp Excel giải nén ra quá lớn: %[2]s, %[3]s, chứa %[4]s; hãy rút ngắn, hoặc %[5]s.",
	"%w: %s declares a document type, which spreadsheets do not; %s":                                                                    "%[1]s: %[2]s có khai báo kiểu tài liệu (DTD), điều mà bảng tính không có; hãy %[3]s.",
	"%w: %s cannot be read (%v); %s":                                                                                                    "%[1]s: không đọc được %[2]s (%[3]s); hãy %[4]s.",
	"%w: the workbook expands to too much: its %d distinct texts (shared strings, %d MB) would take some %d MB to read, over %d MB; %s": "%[1]s: tệp Excel giải nén ra quá lớn: %[2]s chuỗi văn bản khác nhau (shared strings, %[3]s MB) cần khoảng %[4]s MB để đọc, quá %[5]s MB; hãy %[6]s.",
	"open it in Excel and save it again, or split it into files of fewer rows":                                                          "mở tệp bằng Excel rồi lưu lại, hoặc chia thành nhiều tệp ít dòng hơn",
	"its shared strings": "bảng chuỗi dùng chung (shared strings)",
	"sheet %q":           "trang %[1]s",
	"part %s":            "phần %[1]s của tệp",
	"cell %s":            "ô %[1]s",
	"row %s":             "dòng %[1]s",
	"string %d":          "chuỗi thứ %[1]s (đếm từ 0)",
	"a text of more than 64 KB, longer than any field takes":  "một đoạn văn bản dài hơn 64 KB, dài hơn mọi ô thông tin",
	"more than 1 MB of text, more than a row of fields takes": "hơn 1 MB văn bản, nhiều hơn mọi dòng thông tin",
	"a tag or comment of more than 64 KB":                     "một thẻ hoặc chú thích dài hơn 64 KB",

	// The store (store/import*.go).
	"no registered person has the national ID %s, and no row of the people sheet adds one":                                                                      "Chưa có người nào có Số CCCD %[1]s, và trang Người cũng không có dòng nào thêm người này.",
	"no registered person has the national ID %s, and row %d of the people sheet, which adds them, was refused: correct that row, and this one imports with it": "Chưa có người nào có Số CCCD %[1]s: dòng %[2]s của trang Người, dòng thêm người này, đã bị từ chối; hãy sửa dòng đó, dòng này sẽ được nhập cùng.",
	"say whose record this is: the Mã hồ sơ (people/...) or the Số CCCD of the person":                                                                          "Hãy cho biết đây là hồ sơ của ai: ghi Mã hồ sơ (people/...) hoặc Số CCCD của người đó.",
	"%s is restricted: the consent its processing rested on was withdrawn, or the person asked for restriction; only an admin may %s":                           "%[1]s đang bị hạn chế xử lý (người đó đã rút lại sự đồng ý, hoặc yêu cầu hạn chế xử lý); chỉ quản trị viên mới được %[2]s.",
	"the registered person with this national ID":                                                                                                               "Người đã có với Số CCCD này",
	"import changes to them": "nhập thay đổi cho hồ sơ này",
	"register them":          "đăng ký người này",

	// The store's checks of a row's person and records (store/*.go), as
	// the import meets them (vimsg/reach_test.go finds them).
	"people/%s does not exist":                                        "Không có hồ sơ people/%[1]s; hãy kiểm tra lại Mã hồ sơ.",
	"people/%s is deleted; undelete it first":                         "Hồ sơ people/%[1]s đã bị xoá; hãy khôi phục hồ sơ trước khi nhập.",
	"want a person's name, people/{id}, not %q":                       "Cần Mã hồ sơ dạng people/…, không phải %[1]s.",
	"contains a control character at byte %d":                         "Có một ký tự điều khiển (ví dụ dấu tab) không hiển thị được; hãy xoá ký tự đó rồi nhập lại.",
	"only a person who works ABROAD has a work country other than VN": "Chỉ người làm việc ở nước ngoài mới có quốc gia làm việc khác Việt Nam: hãy để trống Quốc gia làm việc, hoặc ghi Nơi làm việc là “Nước ngoài”.",
	"follows from the current position people/%s/positions/%s, which is %s; leave it unset, or change or end that position": "Nơi làm việc suy ra từ chức vụ hiện tại people/%[1]s/positions/%[2]s (%[3]s); hãy để trống, hoặc sửa hay kết thúc chức vụ đó.",
	"%s is listed twice":                                     "%[1]s được ghi hai lần.",
	"exactly one field must be primary; %d are":              "Cần đúng một lĩnh vực chính; đang có %[1]s.",
	"the database was opened read-only: nothing was changed": "Cơ sở dữ liệu đang mở ở chế độ chỉ đọc: chưa thay đổi gì.",
	// A reference list's entry named, not coded (transfer/names.go); the
	// lists' names and how to find them are said as values.
	"%s names more than one %s: %s; write the code of the one meant":                             "%[1]s là tên của nhiều %[2]s: %[3]s; hãy ghi mã của %[2]s cần chọn.",
	"no %s has the code or name %s; write its code: see %s (trithuc %s list)":                    "Không có %[1]s nào có mã hoặc tên %[2]s; hãy ghi mã: xem %[3]s (lệnh trithuc %[4]s list).",
	"no %s has the code or name %s (did you mean %s?); write its code: see %s (trithuc %s list)": "Không có %[1]s nào có mã hoặc tên %[2]s (có phải là %[3]s không?); hãy ghi mã: xem %[4]s (lệnh trithuc %[5]s list).",
	"administrative unit":     "đơn vị hành chính",
	"field":                   "lĩnh vực",
	"ListAdministrativeUnits": "danh sách đơn vị hành chính",
	"ListFields":              "danh sách lĩnh vực",
	// The registered organizations and associations, named by display
	// name; their codes are their resource names.
	"organization":      "cơ quan",
	"association":       "hội",
	"ListOrganizations": "danh sách cơ quan, mã dạng organizations/…",
	"ListAssociations":  "danh sách hội, mã dạng associations/…",

	// Codes of the reference lists (store/reference.go); the names of
	// the lists and how to find them are said as values.
	"unknown %s code %q%s; see %s":     "Không có mã %[1]s %[2]s%[3]s; hãy chọn trong %[4]s.",
	" (codes are upper case: %q)":      " (mã viết chữ in hoa: %[1]s)",
	"qualification level":              "trình độ",
	"academic title":                   "học hàm",
	"ethnic group":                     "dân tộc",
	"country":                          "quốc gia",
	"sector":                           "ngành kinh tế",
	"ListQualificationLevels":          "danh sách trình độ",
	"ListAcademicTitles":               "danh sách học hàm",
	"ListEthnicGroups":                 "danh sách dân tộc",
	"ListCountries":                    "danh sách quốc gia",
	"ListSectors":                      "danh sách ngành kinh tế",
	"unknown field %q; see ListFields": "Không có lĩnh vực %[1]s; hãy chọn trong danh sách lĩnh vực.",
	"%q is not a field's name: want fields/{scheme}-{code}, for example \"fields/vn2008-502\"; see ListFields":                               "%[1]s không phải là mã lĩnh vực: cần dạng fields/{bảng mã}-{mã}, ví dụ fields/vn2008-502; hãy chọn trong danh sách lĩnh vực.",
	"administrative unit %s was not valid on %s (%s); give the code of a unit valid on that date: see ListAdministrativeUnits with as_of %s": "Đơn vị hành chính %[1]s không có hiệu lực vào %[2]s (%[3]s); hãy ghi mã của một đơn vị có hiệu lực vào ngày đó (xem danh sách đơn vị hành chính tại ngày %[4]s).",
	// Qualifications, positions, honours, works (store/profile.go, works.go).
	"%s is a specialist grade (chuyên khoa, nội trú), not a level of the national qualifications framework that a degree's level is (see ListQualificationLevels): write the degree's level (a doctor's or pharmacist's degree is Đại học), and keep the grade on a row of a kind whose level is free text, such as Chứng chỉ hành nghề": "%[1]s là hạng chuyên khoa (chuyên khoa cấp I, II, nội trú), không phải một trình độ của Khung trình độ quốc gia nên không ghi làm trình độ của bằng cấp: hãy ghi trình độ của bằng (bằng bác sĩ, dược sĩ là Đại học), và ghi hạng chuyên khoa ở một dòng thuộc loại có trình độ ghi tự do, như Chứng chỉ hành nghề.",
	"%s is the level %s and the major %s, but the column Chuyên ngành gives %s: write the level alone in Trình độ": "%[1]s gồm trình độ %[2]s và chuyên ngành %[3]s, nhưng cột Chuyên ngành ghi %[4]s: hãy chỉ ghi trình độ ở cột Trình độ.",
	"%q is not a level of %s; use one of %s":                                                       "%[1]s không phải là một trình độ của loại %[2]s; hãy dùng một trong: %[3]s.",
	"only a FOREIGN_LANGUAGE qualification has a language":                                         "Chỉ trình độ ngoại ngữ mới ghi ngôn ngữ.",
	"only a DEGREE has a degree title":                                                             "Chỉ bằng cấp mới có tên bằng (Cử nhân, Kỹ sư...).",
	"%q is not a degree's title; use one of %s, or leave it empty when the level names the degree": "%[1]s không phải là tên bằng; hãy ghi một trong: %[2]s, hoặc để trống khi trình độ đã là tên của bằng.",
	"%s is a degree of the level %s, not %s":                                                       "%[1]s là tên bằng của trình độ %[2]s, không phải của trình độ %[3]s.",
	"%s gives the degree's title %s, but the column %s gives %s: write one title":                  "%[1]s là bằng %[2]s, nhưng cột %[3]s ghi %[4]s: hãy ghi một tên bằng.",
	"%d is before the holder could have earned it (born %d)":                                       "Năm %[1]s là trước khi người đó có thể đạt được (sinh năm %[2]s).",
	"%d is before the person could have held a position (born %d)":                                 "Năm %[1]s là trước khi người đó có thể giữ chức vụ (sinh năm %[2]s).",
	"%d is before the person was born (%d)":                                                        "Năm %[1]s là trước năm sinh của người đó (%[2]s).",
	"%d is before the person could have produced it (born %d)":                                     "Năm %[1]s là trước khi người đó có thể làm ra công trình (sinh năm %[2]s).",
	"is before the start":                                     "trước ngày bắt đầu",
	"want organizations/{organization}, not %q":               "Cần mã tổ chức dạng organizations/…, không phải %[1]s.",
	"want an organization's name, organizations/{id}, not %q": "Cần mã tổ chức dạng organizations/…, không phải %[1]s.",
	"organizations/%s does not exist":                         "Không có tổ chức organizations/%[1]s.",
	"%s is deleted":                                           "%[1]s đã bị xoá.",
	"only a PUBLICATION has a DOI; put a patent's or a decision's number in document_number": "Chỉ công trình loại “Công bố khoa học” mới có DOI; số bằng sáng chế hay số quyết định hãy ghi vào cột Số bằng, quyết định.",
	"must be 1 to 20 capital letters, digits and hyphens":                                    "cần 1 đến 20 chữ in hoa không dấu, chữ số hoặc dấu gạch ngang",
	// Memberships (store/import_records.go, registration.go,
	// membershipstates.go, associations.go).
	"say whose membership this is: the Mã hồ sơ (people/...) of a registered person, or the Số CCCD of a registered or a new person": "Hãy cho biết đây là hội viên nào: ghi Mã hồ sơ (people/...) của người đã có, hoặc Số CCCD của người đã có hay của người mới.",
	"%s: import PENDING, ACTIVE or SUSPENDED memberships; a membership that has ended is not imported":                               "%[1]s: chỉ nhập được hội viên ở trạng thái Chờ duyệt, Đang sinh hoạt hoặc Tạm đình chỉ; hội viên đã thôi không được nhập.",
	"only for an ACTIVE or SUSPENDED membership: a registration has no reason":                                                       "Chỉ ghi lý do cho hội viên Đang sinh hoạt hoặc Tạm đình chỉ: đơn đăng ký chưa có lý do.",
	"associations/%s does not exist":                                                            "Không có hội associations/%[1]s.",
	"associations/%s is deleted; undelete it first":                                             "Hội associations/%[1]s đã bị xoá; hãy khôi phục hội trước.",
	"want an association's name, associations/{id}, not %q":                                     "Cần mã hội dạng associations/…, không phải %[1]s.",
	"associations/%s/memberships/%s does not exist":                                             "Không có đơn associations/%[1]s/memberships/%[2]s.",
	"associations/%s/memberships/%s already exists":                                             "Đã có đơn associations/%[1]s/memberships/%[2]s.",
	"want associations/{association}/memberships/{membership}, not %q":                          "Cần mã đơn dạng associations/…/memberships/…, không phải %[1]s.",
	"people/%s/consents/%s does not exist":                                                      "Không có sự đồng ý people/%[1]s/consents/%[2]s.",
	"%s already has a membership of associations/%s that is %s: associations/%s/memberships/%s": "%[1]s đã có đơn ở trạng thái “%[3]s” của hội associations/%[2]s: associations/%[4]s/memberships/%[5]s.",
	"%s is %s and its consent was already withdrawn":                                            "%[1]s đang ở trạng thái “%[2]s” và sự đồng ý đã được rút lại.",
	"%s is deleted; undelete the person first":                                                  "%[1]s đã bị xoá; hãy khôi phục hồ sơ trước.",

	// The same refusal to a limited key, of a membership whose person it
	// is not shown.
	"%s already has a membership of associations/%s that has not ended; a registrar without a limit can tell which": "%[1]s đã có một đơn chưa kết thúc của hội associations/%[2]s; cán bộ đăng ký không bị giới hạn trong một hội mới biết đó là đơn nào.",

	"%s links the registration to a person registered outside %s; a registrar not limited to an association must approve it, which confirms the link":                                            "%[1]s gắn đơn đăng ký với một người đã có ngoài phạm vi %[2]s; cần một cán bộ đăng ký không bị giới hạn trong một hội duyệt đơn này, việc duyệt xác nhận mối liên kết đó.",
	"%s may be a duplicate: %s resembles %s. If they are different people, approve with confirm_distinct_person; if the same, reject this registration and register the existing person instead": "%[1]s có thể bị trùng: %[2]s giống %[3]s. Nếu là hai người khác nhau, hãy duyệt và xác nhận là người khác; nếu là cùng một người, hãy từ chối đơn này và đăng ký cho người đã có.",
	"associations/%s: no free member number in the format %q after %d tries; change the format":                                                                                                  "Hội associations/%[1]s: không còn số hội viên trống theo mẫu %[2]s sau %[3]s lần thử; hãy đổi mẫu số hội viên.",
	"%d is not a purpose; use REGISTRY, CONTACT or PUBLICATION":                                                                                                                                  "%[1]s không phải là một mục đích; hãy dùng Lưu trong cơ sở dữ liệu, Liên hệ hoặc Công bố.",
	"must include REGISTRY: a person is registered only with their consent to be kept in the registry":                                                                                           "cần có mục đích “Lưu trong cơ sở dữ liệu”: một người chỉ được đăng ký khi đồng ý được lưu trong cơ sở dữ liệu",
	"is not a valid time": "không phải là một thời điểm hợp lệ",

	// The request's rules (protovalidate's messages, server/errors.go and
	// server/hidden.go), about single fields: the column names the field.
	"must be at most %s characters":  "tối đa %[1]s ký tự; hãy viết ngắn lại",
	"must be at least %s characters": "cần ít nhất %[1]s ký tự",
	// min_len 1 refuses only an empty text: the cell is required.
	"must be at least 1 characters":                                    "bắt buộc, chưa điền",
	"must be less than or equal to %s":                                 "không được lớn hơn %[1]s",
	"must be greater than or equal to %s":                              "không được nhỏ hơn %[1]s",
	"must be greater than or equal to %s and less than %s":             "phải từ %[1]s đến dưới %[2]s",
	"must be greater than or equal to %s and less than or equal to %s": "phải từ %[1]s đến %[2]s",
	"must be greater than or equal to %s or less than %s":              "phải từ %[1]s trở lên, hoặc nhỏ hơn %[2]s",
	"must be greater than or equal to %s or less than or equal to %s":  "phải từ %[1]s trở lên, hoặc không quá %[2]s",
	"must contain at least %d item(s)":                                 "cần ít nhất %[1]s mục",
	// The same rules as server/errors.go words them (countMessage).
	"must not be empty":                        "bắt buộc, chưa điền",
	"must be at least %s characters long":      "cần ít nhất %[1]s ký tự",
	"must hold at least one item":              "cần ít nhất 1 mục",
	"must hold at least %s items":              "cần ít nhất %[1]s mục",
	"must hold at most %s items":               "nhiều nhất %[1]s mục",
	"must contain no more than %s item(s)":     "nhiều nhất %[1]s mục",
	"repeated value must contain unique items": "mỗi giá trị chỉ được ghi một lần",
	"does not match regex pattern `%s`":        "không đúng dạng quy định (%[1]s)",
	"must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen": "cần 1 đến 63 chữ thường không dấu, chữ số hoặc dấu gạch ngang, bắt đầu bằng một chữ và không kết thúc bằng dấu gạch ngang",
	"must be a person's resource name, people/{person}":                                                           "cần Mã hồ sơ dạng people/…",
	"must be an association's resource name, associations/{association}":                                          "cần mã hội dạng associations/…",
	"must be a DOI such as \"10.1000/xyz123\" (without https://doi.org/)":                                         "cần mã DOI như 10.1000/xyz123 (không kèm https://doi.org/)",
	"must be an ISO 639-1 language code of two small letters, e.g. \"en\"":                                        "cần mã ngôn ngữ gồm hai chữ thường, ví dụ en (tiếng Anh)",
	"%d is not a value of %s; want one of %s":                                                                     "%[1]s không phải là một giá trị của %[2]s; hãy chọn một trong: %[3]s",
	"%s is not allowed here; want one of %s":                                                                      "%[1]s không dùng được ở đây; hãy chọn một trong: %[2]s",
}

type problemShape struct {
	re *regexp.Regexp
	vi string
	// wrapped are the values that are a wrapped error's message (%w):
	// the shape fits only when the table knows them, so that "%w: %v"
	// does not fit every message with a colon.
	wrapped []bool
	// used is how many of the values vi says: it may leave out the last
	// (a byte's position, which the column says better).
	used int
}

// problemShapes are problemsVi's formats as patterns, each value a group.
var problemShapes = func() []problemShape {
	verb := regexp.MustCompile(`%[sqvdw]`)
	index := regexp.MustCompile(`%\[(\d+)\]`)
	type shape struct {
		problemShape
		prefix, literal int
	}
	var shapes []shape
	for en, vi := range problemsVi {
		parts := verb.Split(en, -1)
		s := shape{prefix: len(parts[0])}
		for i := range parts {
			s.literal += len(parts[i])
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		for _, v := range verb.FindAllString(en, -1) {
			s.wrapped = append(s.wrapped, v == "%w")
		}
		s.re, s.vi = regexp.MustCompile("^"+strings.Join(parts, "(.*?)")+"$"), vi
		for _, m := range index.FindAllStringSubmatch(vi, -1) {
			n, _ := strconv.Atoi(m[1])
			s.used = max(s.used, n)
		}
		shapes = append(shapes, s)
	}
	// A message may fit two formats ("row 1, column %s: %s" holds a
	// cell's "%s: write the year ..."): the one that says more of it
	// first, from its start, wins.
	slices.SortFunc(shapes, func(a, b shape) int {
		return cmp.Or(b.prefix-a.prefix, b.literal-a.literal, strings.Compare(a.vi, b.vi))
	})
	out := make([]problemShape, len(shapes))
	for i, s := range shapes {
		out[i] = s.problemShape
	}
	return out
}()

// Import is an import's message in Vietnamese, and whether its shape is
// known; else the message itself.
func Import(msg string) (string, bool) {
shapes:
	for _, s := range problemShapes {
		m := s.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, v := range m[1:] {
			if s.wrapped[i] {
				vi, ok := Import(v)
				if !ok {
					continue shapes
				}
				args[i] = vi
				continue
			}
			args[i] = sayValue(v)
		}
		return fmt.Sprintf(s.vi, args[:s.used]...), true
	}
	return msg, false
}

// sayValue is a value of a message in Vietnamese when it is itself a
// message, a list of them, or an enum value's name (a membership's
// state); else the value as the message has it (a name, a cell).
func sayValue(v string) string {
	if vi, ok := Import(v); ok {
		return vi
	}
	if l := labels.Of(v); l != v {
		return l
	}
	// A quoted enum value (a conflict's "FEMALE") is the word a file
	// writes for it, quoted.
	if u, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
		if l := labels.Of(u); l != u {
			return `"` + l + `"`
		}
	}
	parts := strings.Split(v, ", ")
	if len(parts) > 1 {
		for i, p := range parts {
			vi, ok := Import(p)
			if !ok {
				if l := labels.Of(p); l != p {
					vi, ok = l, true
				}
			}
			if !ok {
				return v
			}
			parts[i] = vi
		}
		return strings.Join(parts, ", ")
	}
	return v
}

// Problem is an import problem's message in Vietnamese: by its shape,
// else as the message of a field of a form (the request's and the store's
// rules on a person), else as the server wrote it.
func Problem(p *pb.ImportProblem) string {
	msg := p.GetMessage()
	if vi, ok := Import(msg); ok {
		return vi
	}
	// A membership row's field the file has no column for is named first.
	if rest, ok := strings.CutPrefix(msg, p.GetField()+": "); ok && p.GetField() != "" {
		msg = rest
		if vi, ok := Import(msg); ok {
			return vi
		}
	}
	if vi, ok := Violation(codes.InvalidArgument, p.GetField(), msg); ok {
		return vi
	}
	return p.GetMessage()
}
