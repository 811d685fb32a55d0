package vimsg

import (
	"regexp"
	"strings"

	"trithuc.gov.vn/trithuc/labels"
)

// The refusals of the honours campaigns (store/campaigns.go) that are not
// about one field: a nomination after the deadline, a decision the
// nomination's life cycle does not allow, a selection over the quota or
// before the campaign's year, or of someone whose profile was deleted; a
// quota changed to below the number selected; a campaign that cannot be
// deleted.
var honorShapes = []struct {
	re  *regexp.Regexp
	say func(m []string) string
}{
	{regexp.MustCompile(`^honorCampaigns/\S+ closed for nominations on (\d{4})-(\d{2})-(\d{2})$`), func(m []string) string {
		return "đã hết hạn nhận đề cử: đợt này chỉ nhận đề cử đến hết ngày " + m[3] + "/" + m[2] + "/" + m[1] + "; không ghi được đề cử mới"
	}},
	{regexp.MustCompile(`^honorCampaigns/\S+/nominations/\S+ is (\w+) and cannot become (\w+); it can become (.+)$`), func(m []string) string {
		s := "hồ sơ đề cử đang ở trạng thái “" + labels.Of(m[1]) + "” nên không chuyển sang “" + labels.Of(m[2]) + "” được"
		if strings.HasPrefix(m[3], "none") {
			return s + ": đó là quyết định cuối cùng"
		}
		var next []string
		for _, n := range strings.Split(m[3], " or ") {
			next = append(next, "“"+labels.Of(n)+"”")
		}
		return s + "; chỉ có thể chuyển sang " + strings.Join(next, " hoặc ")
	}},
	{regexp.MustCompile(`^honorCampaigns/\S+ has selected its quota of (\d+) already$`), func(m []string) string {
		return "đợt này đã chọn đủ chỉ tiêu " + m[1] + " người; không chọn thêm được (muốn chọn thêm, cần tăng chỉ tiêu của đợt)"
	}},
	{regexp.MustCompile(`^(\d+) are selected already; the quota cannot go below that$`), func(m []string) string {
		return "đợt này đã chọn " + m[1] + " người; chỉ tiêu không thấp hơn số đó được"
	}},
	{regexp.MustCompile(`^honorCampaigns/\S+ is of (\d+), a year still ahead: its honours are conferred from 1 January \d+$`), func(m []string) string {
		return "đợt này là của năm " + m[1] + ", chưa đến: chỉ chọn được từ ngày 01/01/" + m[1]
	}},
	{regexp.MustCompile(`^people/\S+ is deleted; undelete the person before selecting their nomination$`), func([]string) string {
		return "hồ sơ của người được đề cử đã bị xoá (xoá tạm): hãy khôi phục hồ sơ trước khi chọn"
	}},
	{regexp.MustCompile(`^honorCampaigns/\S+ has selected nominations and conferred their honours on profiles; `), func(m []string) string {
		return "đợt này đã chọn người và đã ghi danh hiệu vào hồ sơ của họ; đợt được giữ làm căn cứ của các danh hiệu đó nên không xoá được (thông tin của đợt vẫn sửa được)"
	}},
	{regexp.MustCompile(`^honorCampaigns/\S+ has nominations; set force to delete them with it$`), func([]string) string {
		return "đợt này có đề cử; muốn xoá đợt thì phải xoá cả các đề cử của đợt"
	}},
	// A write in a campaign handed to an administrator (store.errHandedOver).
	{regexp.MustCompile(`^honorCampaigns/\S+ was deleted and handed to an administrator`), func([]string) string {
		return "đợt này đã bị xoá và được chuyển cho quản trị viên xử lý cùng các đề cử còn lại; không thêm hay sửa gì trong đợt được nữa"
	}},
}

// Honor is a refusal of the honours campaigns in Vietnamese, and whether
// its shape is known; else the message itself.
func Honor(msg string) (string, bool) {
	for _, s := range honorShapes {
		if m := s.re.FindStringSubmatch(msg); m != nil {
			return s.say(m), true
		}
	}
	return msg, false
}
