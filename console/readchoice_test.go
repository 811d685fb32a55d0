package console

import "testing"

func TestReadChoice(t *testing.T) {
	fields := []option{
		{Value: "fields/vn2008-102", Label: "102 Khoa học máy tính và thông tin"},
		{Value: "fields/vn2008-1", Label: "1 Khoa học tự nhiên"},
	}
	units := []option{
		{Value: "30292", Label: "Phường Bình Đức"},
		{Value: "30316", Label: "Phường Châu Đốc"},
		{Value: "1", Label: "Xã Châu Thành"},
		{Value: "2", Label: "Xã Chau Thanh"},
		{Value: "30301", Label: "Phường Mỹ Thới"},
		{Value: "3", Label: "Xã Mỹ Thới"},
	}
	for _, tc := range []struct {
		name, in string
		opts     []option
		want     string
	}{
		{"OKEntry", "102 Khoa học máy tính và thông tin (fields/vn2008-102)", fields, "fields/vn2008-102"},
		{"OKLabel", "102 Khoa học máy tính và thông tin", fields, "fields/vn2008-102"},
		{"OKCode", "fields/vn2008-1", fields, "fields/vn2008-1"},
		{"OKName", "102 khoa học máy tính và thông tin", fields, "fields/vn2008-102"},
		{"OKNameWithoutAccents", "khoa hoc may tinh va thong tin", fields, "fields/vn2008-102"},
		{"OKNameWithoutAccentsAndCode", "102 khoa hoc may tinh va thong tin", fields, "fields/vn2008-102"},
		{"OKUnitWithoutAccents", "  phuong  chau doc ", units, "30316"},
		{"OKUnitD", "Phuong Binh Duc", units, "30292"},
		{"OKUnitWithoutItsKind", "Bình Đức", units, "30292"},
		{"OKUnitWithoutItsKindNorAccents", "chau doc", units, "30316"},
		{"KeptTwoFoldAlike", "xa chau thanh", units, "xa chau thanh"},
		{"KeptTwoAlikeWithoutTheirKind", "Mỹ Thới", units, "Mỹ Thới"},
		{"KeptPartOfAName", "khoa hoc", fields, "khoa hoc"},
		{"KeptUnknown", "Vật lý", fields, "Vật lý"},
		{"KeptEmpty", "", fields, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := readChoice(tc.in, tc.opts); got != tc.want {
				t.Errorf("readChoice(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
