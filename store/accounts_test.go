package store

import (
	"errors"
	"testing"
)

// A password is refused for containing the address, or the name before its
// @ when that name is long enough to mean something; the message says which
// part was found.
func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, email, password, want string // want: the message, "" for accepted
	}{
		{"OK", "ten@snv.angiang.gov.vn", "Matkhau-Rat-Manh-2027", ""},
		{"OKShortLocalPartInside", "ha@snv.angiang.gov.vn", "Matkhau-Rat-Manh-2027", ""},
		{"OKTwoLetterLocalPart", "tk@syt.example.vn", "Thang-tkb-2027-moi", ""},
		{"OKThreeLetterLocalPart", "ten@snv.angiang.gov.vn", "Ten-cua-toi-2027", ""},
		{"ErrTooShort", "ten@snv.angiang.gov.vn", "ngan-qua", "Mật khẩu phải dài ít nhất 10 ký tự."},
		{"ErrCommon", "ten@snv.angiang.gov.vn", "1234567890", "Mật khẩu này quá phổ biến và dễ đoán; hãy chọn mật khẩu khác."},
		{"ErrWholeAddress", "ha@s.vn", "xx-ha@s.vn-2027", "Mật khẩu không được chứa địa chỉ email (ha@s.vn)."},
		{"ErrWholeAddressOtherCase", "ha@s.vn", "HA@S.VN-2027!", "Mật khẩu không được chứa địa chỉ email (ha@s.vn)."},
		{"ErrLocalPart", "binhtt@snv.angiang.gov.vn", "BinhTT-2027-moi", "Mật khẩu không được chứa phần tên của địa chỉ email (binhtt)."},
		{"ErrFourLetterLocalPart", "binh@snv.angiang.gov.vn", "xuan-binh-2027", "Mật khẩu không được chứa phần tên của địa chỉ email (binh)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(&Account{Email: tc.email}, tc.password)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q, %q) = %v, want nil", tc.email, tc.password, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != Invalid || e.Field != "password" || e.Message != tc.want {
				t.Fatalf("CheckPassword(%q, %q) = %#v, want Invalid password %q", tc.email, tc.password, err, tc.want)
			}
		})
	}
}
