package transfer

import (
	"strings"
	"testing"
)

// The specialist grades are told from the degrees' titles they begin
// with, however typed; a speciality after one is the grade's still.
func TestIsSpecialistGrade(t *testing.T) {
	for s, want := range map[string]bool{
		"BSCK I": true, "BSCKII": true, "BS.CKI": true, "bs ck ii": true, "BSCK1 Nội khoa": true,
		"DSCK I": true, "Dược sĩ chuyên khoa cấp II": true, "Bác sĩ chuyên khoa I": true, "bac si chuyen khoa cap 2": true,
		"CKI": true, "CK II": true, "Chuyên khoa cấp I": true, "BSNT": true, "Bác sĩ nội trú": true,
		"Bác sĩ": false, "Bác sĩ Đa khoa": false, "Dược sĩ": false, "Chuyên khoa Ung bướu": false,
		"Chuyên khoa Ít người": false, "Thạc sĩ": false, "Cử nhân": false, "CKII-X": true, "CKIT": false,
	} {
		if got := IsSpecialistGrade(s); got != want {
			t.Errorf("IsSpecialistGrade(%q) = %v, want %v", s, got, want)
		}
	}
}

// The major after a degree's title drops the word that announces it.
func TestMajorOf(t *testing.T) {
	for in, want := range map[string]string{
		"Quản trị kinh doanh":        "Quản trị kinh doanh",
		"chuyên ngành Luật":          "Luật",
		"Chuyên ngành: Luật kinh tế": "Luật kinh tế",
		"ngành Công nghệ thông tin":  "Công nghệ thông tin",
		"- Kinh tế nông nghiệp":      "Kinh tế nông nghiệp",
		"Ngân hàng (hệ chính quy).":  "Ngân hàng (hệ chính quy)",
		"Ngành":                      "Ngành",
	} {
		if got := majorOf(strings.Fields(in)); got != want {
			t.Errorf("majorOf(%q) = %q, want %q", in, got, want)
		}
	}
}
