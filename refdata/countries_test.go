package refdata

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

var updateCountries = flag.Bool("update-countries", false, "rewrite refdata/seed/countries.csv from golang.org/x/text")

// countriesCSV makes the country list from the CLDR data in golang.org/x/text:
// the regions that are countries, in their current ISO 3166-1 alpha-2
// codes, named in Vietnamese and English. It lives in a test, not in the
// binary, so that the binary does not carry x/text's display tables and
// the list changes only when someone regenerates it and reviews the diff.
func countriesCSV(t *testing.T) []byte {
	t.Helper()
	vi, en := display.Vietnamese.Regions(), display.English.Regions()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"code", "name_vi", "name_en"})
	for a := 'A'; a <= 'Z'; a++ {
		for c := 'A'; c <= 'Z'; c++ {
			code := string([]rune{a, c})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code {
				continue
			}
			// Left out: codes replaced by others (BU is now MM), and
			// grouping or reserved codes that are not countries in ISO
			// 3166-1 (AC, CP, DG, EA, IC, TA have no UN M.49 number; AN,
			// CS, SU, YU no longer exist; X* are user-assigned, XK among
			// them).
			if r.Canonicalize() != r || r.M49() == 0 || en.Name(r) == "" || code[0] == 'X' {
				continue
			}
			nameVI, nameEN := vi.Name(r), en.Name(r)
			if nameVI == "" || nameEN == "" {
				t.Fatalf("%s has no Vietnamese or English name in x/text", code)
			}
			w.Write([]string{code, nameVI, nameEN})
		}
	}
	w.Flush()
	return b.Bytes()
}

// TestCountriesCSVIsCurrent keeps the embedded country list what x/text
// makes, as proto/generate_test.go keeps generated code current.
func TestCountriesCSVIsCurrent(t *testing.T) {
	want := countriesCSV(t)
	if n := strings.Count(string(want), "\n") - 1; n != 249 {
		t.Errorf("%d countries; ISO 3166-1 has 249", n)
	}
	if *updateCountries {
		if err := os.WriteFile("seed/countries.csv", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := ReadSeed("countries.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("refdata/seed/countries.csv differs from what golang.org/x/text makes: run `go test -tags sqlite_fts5 ./refdata -run TestCountriesCSVIsCurrent -update-countries`, review the diff and commit it")
	}
}
