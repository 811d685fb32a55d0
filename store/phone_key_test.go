package store

import (
	"context"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
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
		// Without the 0 a spreadsheet drops from a number: the number
		// with it, mobile (9 digits, 3, 5, 7, 8 or 9 first) or landline
		// (10 digits, 2 first).
		{"912345678", "0912345678"},
		{"912 345 678", "0912345678"},
		{"386123456", "0386123456"},
		{"2963841234", "02963841234"},
		{"0296 384 1234", "02963841234"},
		{"+84 296 384 1234", "02963841234"},
		{"841234567", "0841234567"}, // 084..., not 84 and 7 digits
		// Already right, or too short or otherwise not a number cut of
		// its 0: as they are.
		{"0912345678", "0912345678"},
		{"02963841234", "02963841234"},
		{"84912345678", "0912345678"},
		{"+912345678", "912345678"}, // after a +, a country code
		{"12345678", "12345678"},
		{"91234567", "91234567"},
		{"123456789", "123456789"},
		{"612345678", "612345678"},
		{"9123456789", "9123456789"},
		{"29638412345", "29638412345"},
		{"1623456789", "1623456789"},
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
		{"OK, without its 0, as a number cell holds it", "0912 345 678", "912345678", true},
		{"OK, stored without its 0, quoted with it", "912345678", `the file has "0912 345 678"`, true},
		{"OK, a landline without its 0", "+84 296 384 1234", "2963841234", true},
		{"OK, without its 0 after a length byte", "0912 345 678", "\x0a7912345678", true},
		{"another number", "0912 345 678", "+84 912 345 679", false},
		{"another number without its 0", "0912 345 678", "912345679", false},
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

// Migration 0039 keys again the phones 0037 keyed before a number without
// its 0 was that number: the keys of such numbers change, the rest stay.
func TestMigrateZeroLessPhoneKeys(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_phone_keys_zero_less.sql")
	// The keys as 0037 computed them then.
	if _, err := old.writer.ExecContext(ctx, `INSERT INTO people(pk, id, given_name, phone, phone_key, create_time, update_time) VALUES
		(1, 'mobile', 'A', '912345678', '912345678', 1, 1), (2, 'landline', 'B', '2963841234', '2963841234', 1, 1),
		(3, 'vina', 'C', '841234567', '01234567', 1, 1), (4, 'home', 'D', '0912 345 678', '0912345678', 1, 1),
		(5, 'short', 'E', '12345678', '12345678', 1, 1), (6, 'none', 'F', '', '', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	want := map[string]string{"mobile": "0912345678", "landline": "02963841234", "vina": "0841234567", "home": "0912345678", "short": "12345678", "none": ""}
	for id, w := range want {
		var got string
		if err := db.reader.QueryRowContext(ctx, `SELECT phone_key FROM people WHERE id = ?`, id).Scan(&got); err != nil || got != w {
			t.Errorf("%s: phone_key %q %v, want %q", id, got, err, w)
		}
	}
}

// FuzzPhoneKey: a key is digits; a phone and the same number typed
// otherwise (without its 0 where Vietnam's numbering tells it was cut,
// with +84 for the 0) are one key; and the marks of a person find their
// phone in a text that quotes it as it was typed.
func FuzzPhoneKey(f *testing.F) {
	for _, s := range []string{"0912 345 678", "+84 912 345 678", "912345678", "2963841234", "841234567", "+1 202 555 0100", "12345678", "", "+", "84", "0912 345 678 (nhà)", "\u00a0912.345-678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := phoneKey(s)
		if strings.Trim(k, "0123456789") != "" {
			t.Fatalf("phoneKey(%q) = %q, not digits", s, k)
		}
		d := digitsOf(strings.TrimPrefix(strings.TrimSpace(s), "+"))
		if d != "" && d[0] != '0' {
			if got := phoneKey("+84" + d); got != phoneKey("0"+d) {
				t.Errorf("phoneKey(+84%s) = %q, phoneKey(0%s) = %q", d, got, d, phoneKey("0"+d))
			}
			if vntext.ZeroLessPhone(d) && phoneKey(d) != phoneKey("0"+d) {
				t.Errorf("phoneKey(%s) = %q, phoneKey(0%s) = %q", d, phoneKey(d), d, phoneKey("0"+d))
			}
		}
		m := &personMarks{name: "people/x"}
		m.add(&pb.Person{Phone: s})
		if len(m.phones) > 0 && !m.in(s) {
			t.Errorf("the marks of the phone %q are not found in %q", s, s)
		}
	})
}
