package vimsg

import (
	"strings"
	"testing"
)

// The honours campaigns' refusals, in the store's words, are said in
// Vietnamese without the English or the resource names.
func TestHonorRefusalsInVietnamese(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"honorCampaigns/tieu-bieu closed for nominations on 2026-10-31", "đến hết ngày 31/10/2026"},
		{"honorCampaigns/tieu-bieu/nominations/n-anh is SHORTLISTED and cannot become SHORTLISTED; it can become SELECTED or REJECTED",
			"“Vào danh sách xét chọn” nên không chuyển sang “Vào danh sách xét chọn” được; chỉ có thể chuyển sang “Được chọn” hoặc “Bị từ chối”"},
		{"honorCampaigns/tieu-bieu/nominations/n-anh is SELECTED and cannot become REJECTED; it can become none: it is final", "đó là quyết định cuối cùng"},
		{"honorCampaigns/tieu-bieu has selected its quota of 10 already", "đã chọn đủ chỉ tiêu 10 người"},
		{"honorCampaigns/tieu-bieu is of 2027, a year still ahead: its honours are conferred from 1 January 2027", "chỉ chọn được từ ngày 01/01/2027"},
		{"people/anh is deleted; undelete the person before selecting their nomination", "hãy khôi phục hồ sơ"},
		{"3 are selected already; the quota cannot go below that", "đã chọn 3 người; chỉ tiêu không thấp hơn số đó được"},
		{"honorCampaigns/tieu-bieu has selected nominations and conferred their honours on profiles; it stays as their record and cannot be deleted (correct its details with an update instead)",
			"đã chọn người và đã ghi danh hiệu vào hồ sơ của họ"},
		{"honorCampaigns/tieu-bieu has nominations; set force to delete them with it", "đợt này có đề cử"},
		{"honorCampaigns/abc was deleted and handed to an administrator with what it still holds; nothing is added to it or changed in it",
			"chuyển cho quản trị viên"},
	} {
		vi, ok := Honor(c.msg)
		if !ok || !strings.Contains(vi, c.want) {
			t.Errorf("%q\n → %q (%v), want %q", c.msg, vi, ok, c.want)
		}
		for _, english := range []string{"honorCampaigns/", "people/", "cannot", "quota", "SHORTLISTED"} {
			if strings.Contains(vi, english) {
				t.Errorf("%q\n → %q says %q", c.msg, vi, english)
			}
		}
	}
	if _, ok := Honor("something else"); ok {
		t.Errorf("an unknown message is said as known")
	}
}
