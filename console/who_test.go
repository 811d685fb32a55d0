package console

import "testing"

func TestWho(t *testing.T) {
	names := map[string]string{"user:an@example.vn": "Nguyễn Văn An"}
	for _, tc := range []struct{ name, principal, want string }{
		{"AccountByName", "user:an@example.vn", "Nguyễn Văn An"},
		{"AccountWithoutNameByEmail", "user:binh@example.vn", "binh@example.vn"},
		{"Key", "key:k1x2", "Khoá API k1x2"},
		{"Other", "retention", "retention"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := who(names, tc.principal); got != tc.want {
				t.Errorf("who(%q) = %q, want %q", tc.principal, got, tc.want)
			}
		})
	}
}
