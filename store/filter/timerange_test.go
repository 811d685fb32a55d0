package filter_test

import (
	"math"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store/filter"
)

func TestTimeRange(t *testing.T) {
	us := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	const lo, hi = math.MinInt64, math.MaxInt64
	a, b := "2024-01-01T00:00:00+07:00", "2024-02-01T03:30:00.000001Z"
	tests := []struct {
		filter   string
		from, to int64
	}{
		{``, lo, hi},
		{`create_time >= "` + a + `"`, us(a), hi},
		{`create_time > "` + a + `"`, us(a) + 1, hi},
		{`create_time < "` + b + `"`, lo, us(b)},
		{`create_time <= "` + b + `"`, lo, us(b) + 1},
		{`create_time = "` + a + `"`, us(a), us(a) + 1},
		{`create_time >= "` + a + `" AND create_time < "` + b + `"`, us(a), us(b)},
		// Juxtaposition is AND, at any depth of ANDs; the tightest bound wins.
		{`gender = MALE (create_time >= "` + a + `" create_time >= "` + b + `")`, us(b), hi},
		{`create_time < "` + b + `" AND create_time < "` + a + `"`, lo, us(a)},
		// Under OR or NOT a comparison bounds nothing; nor does != or
		// another field.
		{`create_time >= "` + a + `" OR gender = MALE`, lo, hi},
		{`NOT create_time < "` + a + `"`, lo, hi},
		{`-create_time < "` + a + `"`, lo, hi},
		{`create_time != "` + a + `"`, lo, hi},
		{`birth_date >= "1980-01-01"`, lo, hi},
		// A value Compile refuses bounds nothing (Compile says why).
		{`create_time >= "2024-01-01"`, lo, hi},
		{`create_time >= "2024-01-01T00:00:00.0000001Z"`, lo, hi},
		{`create_time >= 2024`, lo, hi},
	}
	for _, tt := range tests {
		from, to, err := filter.TimeRange(tt.filter, "create_time")
		if err != nil {
			t.Errorf("TimeRange(%q): %v", tt.filter, err)
			continue
		}
		if from != tt.from || to != tt.to {
			t.Errorf("TimeRange(%q) = %d, %d; want %d, %d", tt.filter, from, to, tt.from, tt.to)
		}
	}
	if _, _, err := filter.TimeRange(`create_time >= (`, "create_time"); err == nil {
		t.Error("TimeRange of a filter that does not parse: no error")
	}
}
