package transfer

import "testing"

func TestRepeats(t *testing.T) {
	const header = "Mã hồ sơ;Họ;Tên đệm;Tên;Ngày sinh;Số CCCD;Email\n"
	for _, c := range []struct {
		name, rows string
		want       bool
	}{
		{"distinct people", ";Nguyễn;;An;15/03/1980;001080000001;an@example.vn\n;Trần;;Bình;01/01/1990;;binh@example.vn\n;Lê;;Cúc;;001080000002;\n", false},
		{"distinct registered people", "people/abc;;;;;;\npeople/abd;;;;;001080000001;\n", false},
		{"blank rows and one row", "\n;Nguyễn;;An;;;\n;;;;;;\n", false},
		{"the same Mã hồ sơ", "people/abc;;;;;;\n;Lê;;Cúc;;;\npeople/abc;;;;;;\n", true},
		{"the same national ID", ";Nguyễn;;An;;079080999001;\n;Nguyễn;;Ân;;079080999001;\n", true},
		{"a national ID given again with a Mã hồ sơ", ";;;;;079080999001;\npeople/abc;;;;;079080999001;\n", true},
		{"a Mã hồ sơ and a national ID alone", "people/abc;;;;;;\n;Lê;;Cúc;;079080999001;\n", true},
		{"a national ID alone and a Mã hồ sơ", ";Lê;;Cúc;;079080999001;\npeople/abc;Lê;;Cúc;;;\n", true},
		{"the same email in another case, without a key", ";Lê;;Cúc;;;cuc@example.vn\n;Đỗ;;Khác;;;CUC@Example.VN\n", true},
		{"the email of a row with a key", "people/abc;;;;;;cuc@example.vn\n;Đỗ;;Khác;;;cuc@example.vn\n", true},
		{"the same email, each with a national ID", ";Lê;;Cúc;;079080999001;cuc@example.vn\n;Đỗ;;Khác;;079080999002;cuc@example.vn\n", false},
		{"a look-alike in capitals", ";Lê;Thị;Thủy;01/02/1985;;\n;LÊ;THỊ;THUỶ;01/02/1985;;\n", true},
		{"a look-alike of a row with a national ID", ";Lê;Thị;Thủy;01/02/1985;079080999001;\n;Lê;Thị;Thủy;01/02/1985;;\n", true},
		{"look-alikes, each with a national ID", ";Nguyễn;;An;15/03/1980;001080000001;\n;Nguyễn;;An;15/03/1980;001080000002;\n", false},
		{"a look-alike with a national ID after one without", ";Nguyễn;;An;15/03/1980;;\n;Nguyễn;;An;15/03/1980;001080000002;\n", false},
		{"the same name, another birth date", ";Lê;Thị;Thủy;01/02/1985;;\n;Lê;Thị;Thủy;02/02/1985;;\n", false},
		{"the same name, no birth date", ";Lê;Thị;Thủy;;;\n;Lê;Thị;Thủy;;;\n", false},
		{"a birth date given to a registered person", "people/abc;;;;01/02/1985;;\n;Lê;Thị;Thủy;01/02/1985;;\n", true},
		{"a name given to a registered person", "people/abc;Lê;Thị;Thủy;;;\n;Lê;Thị;Thủy;01/02/1985;;\n", true},
		{"a bad cell leaves the rest", ";Lê;;Cúc;31/02/1980;079080999001;\n;Lê;;Cúc;;079080999001;\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			wb, err := Open([]byte(header+c.rows), CSV)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := wb.Rows("")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			m, errs := MapHeader([]string{"Mã hồ sơ", "Họ", "Tên đệm", "Tên", "Ngày sinh", "Số CCCD", "Email"})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got, err := m.Repeats(rows)
			if err != nil || got != c.want {
				t.Errorf("Repeats = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}
