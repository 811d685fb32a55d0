package store

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A phone is one key however its groups were typed, and with Vietnam's
// country code or without.
func TestPhoneKey(t *testing.T) {
	for _, tt := range []struct{ phone, want string }{
		{"0912 345 678", "0912345678"},
		{"0912.345.678", "0912345678"},
		{"0912-345-678", "0912345678"},
		{"+84 912345678", "0912345678"},
		{"+84 912 345 678", "0912345678"},
		{"84 912 345 678", "0912345678"},
		{"+84 (0) 912 345 678", "0912345678"},
		{"+84\u00a0912\u00a0345\u00a0678", "0912345678"},
		{"024 3825 6789", "02438256789"},
		{"+84 24 3825 6789", "02438256789"},
		{"+1 202 555 0100", "12025550100"},
		{"", ""},
		{"0912 345 678 (nhà)", ""},
	} {
		if got := phoneKey(tt.phone); got != tt.want {
			t.Errorf("phoneKey(%q) = %q, want %q", tt.phone, got, tt.want)
		}
	}
}

// A text holds a person's phone however either was typed: the marks a
// purge looks for and the contact details an operation may quote
// (personMarks.in, textTokens.quotesContact) read it as the index does.
func TestMarksHoldPhone(t *testing.T) {
	for _, tt := range []struct {
		name, phone, text string
		want              bool
	}{
		{"OK, stored at home, quoted with the country code", "0912 345 678", "+84 912.345.678", true},
		{"OK, stored with the country code, quoted at home", "+84 912 345 678", "0912-345-678", true},
		{"OK, stored without the +, quoted at home", "84912345678", "0912345678", true},
		{"OK, after a length byte", "0912 345 678", "\x0a7+84 912 345 678", true},
		{"OK, in a sentence", "+84 912 345 678", `the file has "0912 345 678", not applied`, true},
		{"another number", "0912 345 678", "+84 912 345 679", false},
		{"another country", "+1 912 345 678", "0912 345 678", false},
		{"no phone", "", "0912 345 678", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &personMarks{name: "people/x"}
			m.add(&pb.Person{Phone: tt.phone})
			if got := m.in(tt.text); got != tt.want {
				t.Errorf("the marks of %q in %q: %v, want %v", tt.phone, tt.text, got, tt.want)
			}
			tok := newTextTokens()
			tok.add(tt.text)
			if got := tok.quotesContact(m); got != tt.want {
				t.Errorf("%q quotes the contact %q: %v, want %v", tt.text, tt.phone, got, tt.want)
			}
		})
	}
}

// Migration 0037 keys the phones of the people registered before it, as
// the writes key them since.
func TestMigratePhoneKeys(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_phone_keys.sql")
	if _, err := old.writer.ExecContext(ctx, `INSERT INTO people(pk, id, given_name, phone, create_time, update_time) VALUES
		(1, 'home', 'A', '0912 345 678', 1, 1), (2, 'abroad', 'B', '+84 913.345.678', 1, 1), (3, 'none', 'C', '', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "D", Phone: "+84 914-345-678"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"people/home": "0912345678", "people/abroad": "0913345678", "people/none": "", p.Name: "0914345678"}
	for name, w := range want {
		var got string
		if err := db.reader.QueryRowContext(ctx, `SELECT phone_key FROM people WHERE 'people/' || id = ?`, name).Scan(&got); err != nil || got != w {
			t.Errorf("%s: phone_key %q %v, want %q", name, got, err, w)
		}
	}
}
