// Package synth makes synthetic but realistic profiles of the province's
// intellectuals, deterministic for a seed: Vietnamese names with their real
// frequencies, Khmer and Hoa names in the shares of the Mekong delta, birth
// years of a working population, and the province's administrative units.
// The demo, the tests and the benchmarks use it; no real person's data is
// ever needed.
package synth

import (
	"fmt"
	"math/rand/v2"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// Generator makes profiles; the same seed makes the same profiles.
type Generator struct {
	r    *rand.Rand
	seed uint64
	n    int
}

// New returns a generator for seed.
func New(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed}
}

// StartAt numbers the next person n+1: people are numbered 1, 2, 3... per
// generator, and the number makes their national ID and id unique (up to
// ten million people), so a generator that adds people to a database that
// already holds n of them starts at n.
func (g *Generator) StartAt(n int) *Generator {
	g.n = n
	return g
}

// LastNumber is the highest number of a person that national IDs with these
// highest serials per province code (as store.Plain.NationalIDSerials
// reports them) can belong to, 0 when none is the generator's: a generator
// that adds people to a database starts after it.
func LastNumber(serials map[string]int) int {
	last := 0
	for i, code := range idProvinces {
		if s, ok := serials[code]; ok {
			last = max(last, i*1_000_000+s)
		}
	}
	return last
}

// ID returns an id like the ones the server assigns (a letter, then 15
// letters or digits) for the last person made, from the seed and the
// person's number only.
func (g *Generator) ID() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	const alnum = letters + "0123456789"
	x := g.seed*0x9e3779b97f4a7c15 ^ uint64(g.n)
	next := func() uint64 { // splitmix64
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	b := make([]byte, 16)
	v := next()
	b[0] = letters[v%uint64(len(letters))]
	for i := 1; i < len(b); i++ {
		if i == 8 {
			v = next()
		}
		v /= uint64(len(alnum))
		b[i] = alnum[v%uint64(len(alnum))]
	}
	return string(b)
}

type weighted[T any] struct {
	v T
	w float64
}

func pick[T any](r *rand.Rand, items []weighted[T]) T {
	var total float64
	for _, it := range items {
		total += it.w
	}
	x := r.Float64() * total
	for _, it := range items {
		if x < it.w {
			return it.v
		}
		x -= it.w
	}
	return items[len(items)-1].v
}

func one[T any](r *rand.Rand, items []T) T { return items[r.IntN(len(items))] }

// Family names of the Kinh majority with their approximate shares.
var kinhFamilies = []weighted[string]{
	{"Nguyễn", 38}, {"Trần", 11}, {"Lê", 9.5}, {"Phạm", 7}, {"Huỳnh", 5}, {"Hoàng", 2},
	{"Phan", 4.5}, {"Võ", 3.9}, {"Vũ", 1}, {"Đặng", 2.1}, {"Bùi", 2}, {"Đỗ", 1.4},
	{"Hồ", 1.3}, {"Ngô", 1.3}, {"Dương", 1}, {"Lý", 0.5}, {"Đinh", 0.6}, {"Trương", 0.8},
	{"Lâm", 0.6}, {"Mai", 0.5}, {"Tạ", 0.3}, {"Châu", 0.4}, {"Quách", 0.2}, {"Đoàn", 0.6},
}

var (
	maleMiddles   = []string{"Văn", "Văn", "Văn", "Minh", "Quốc", "Thanh", "Hữu", "Đức", "Công", "Hoàng", "Trọng", "Tấn", "Duy", "Ngọc"}
	femaleMiddles = []string{"Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Bích", "Hồng", "Diễm", "Phương", "Thị Ngọc", "Thị Thanh"}
	maleGivens    = []string{"Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phong", "Quang", "Sơn", "Thắng", "Tuấn", "Việt", "Hiếu", "Trung", "Lộc", "Phúc", "Toàn", "Đông", "Khánh", "Nghĩa", "Tâm", "Thịnh", "Vinh", "Huy", "Kiên", "Lực",
		"Bảo", "Châu", "Công", "Danh", "Định", "Đức", "Duy", "Giang", "Hào", "Hậu", "Hiển", "Hòa", "Hoàng", "Hưng", "Kha", "Khải", "Lâm", "Luân", "Mạnh", "Minh", "Nhân", "Nhật", "Phát", "Phước", "Quân", "Quốc", "Tài", "Tân", "Thái", "Thanh", "Thiện", "Thông", "Tiến", "Trí", "Triết", "Trọng", "Tú", "Tùng", "Vũ", "Vương", "Tuấn Anh", "Minh Khoa", "Hoàng Long", "Quốc Bảo", "Thành Đạt", "Gia Huy"}
	femaleGivens = []string{"An", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Trang", "Vy", "Yến", "Trinh", "Uyên", "Xuân", "Diệp", "Giang", "Loan", "Nguyệt", "Oanh", "Quyên", "Tuyết", "Thủy", "Ánh",
		"Bích", "Cúc", "Diễm", "Duyên", "Đào", "Hiền", "Hồng", "Huệ", "Huyền", "Khánh", "Kiều", "Lệ", "Liên", "Lụa", "Ly", "My", "Nga", "Ngọc", "Nhi", "Nhàn", "Như", "Phượng", "Quỳnh", "Sương", "Tâm", "Thanh", "Thơ", "Thu", "Thúy", "Tiên", "Trâm", "Tú", "Vân", "Hồng Nhung", "Thanh Tâm", "Bảo Ngọc", "Ngọc Hân", "Minh Thư", "Kim Ngân", "Thu Hà"}

	// Khmer names as they are written in Vietnamese records: a family name
	// from a small set, often no middle name or "Thị", and given names
	// transcribed from Khmer.
	khmerFamilies = []weighted[string]{{"Thạch", 30}, {"Danh", 25}, {"Sơn", 15}, {"Kim", 10}, {"Lâm", 6}, {"Châu", 5}, {"Trà", 3}, {"Lý", 3}, {"Huỳnh", 3}}
	khmerMales    = []string{"Sa Rươl", "Sô Phal", "Chanh Đa", "Sóc", "Kha", "Út", "Sà Phanh", "Pha Ly", "Rát", "Sươl", "Thươl", "Chơn", "Ni"}
	khmerFemales  = []string{"Sa Ni", "Sô Phia", "Srây Mom", "Sa Mênh", "Thi Da", "Kim Chi", "Sóc Khanh", "Ny", "Ra Ni", "Mây"}

	hoaFamilies = []weighted[string]{{"Lâm", 20}, {"Quách", 15}, {"Trương", 15}, {"Lưu", 12}, {"Mã", 10}, {"Tăng", 10}, {"Diệp", 8}, {"Hứa", 10}}

	// Current (from 1 July 2025) commune-level units of An Giang, with the
	// former Kiên Giang ones first and weighted up: the registry is mostly
	// theirs.
	communes = []weighted[string]{
		{"30742", 30}, {"30760", 10}, {"30766", 8}, {"30769", 6}, {"31078", 10}, {"30787", 3},
		{"30817", 3}, {"30850", 3}, {"30880", 3}, {"30904", 4}, {"30952", 3}, {"30985", 3},
		{"31018", 2}, {"31069", 2}, {"31108", 1}, {"31027", 2}, {"30796", 1},
		{"30307", 6}, {"30316", 3}, {"30376", 2}, {"30520", 1}, {"30544", 1},
	}
)

// idProvinces are the province codes of citizen IDs: Kiên Giang, then its
// neighbours of the delta.
var idProvinces = []string{"091", "089", "092", "093", "094", "095", "096", "087", "086", "084"}

// Ethnic group codes in the General Statistics Office list.
const (
	EthnicKinh  = "01"
	EthnicKhmer = "05"
	EthnicHoa   = "06"
)

// Person makes one profile. About 7% of profiles are Khmer and 2% Hoa, a
// little under their share of the population, as among the province's
// graduates; about half are women.
func (g *Generator) Person() *pb.Person {
	r := g.r
	g.n++
	p := &pb.Person{Gender: pb.Person_MALE}
	female := r.Float64() < 0.49
	if female {
		p.Gender = pb.Person_FEMALE
	}
	switch x := r.Float64(); {
	case x < 0.07:
		p.Ethnicity = EthnicKhmer
		p.FamilyName = pick(r, khmerFamilies)
		if female {
			p.MiddleName = one(r, []string{"Thị", "", ""})
			p.GivenName = one(r, khmerFemales)
		} else {
			p.MiddleName = one(r, []string{"", "", "Văn"})
			p.GivenName = one(r, khmerMales)
		}
	case x < 0.09:
		p.Ethnicity = EthnicHoa
		p.FamilyName = pick(r, hoaFamilies)
		g.vietnameseGiven(p, female)
	default:
		p.Ethnicity = EthnicKinh
		p.FamilyName = pick(r, kinhFamilies)
		g.vietnameseGiven(p, female)
	}

	// Working ages: born 1960 to 2002, most in the 1975-1995 band.
	year := int32(1960 + min(42, max(0, int(r.NormFloat64()*9+25))))
	month := int32(1 + r.IntN(12))
	day := int32(1 + r.IntN(28))
	p.BirthDate = &date.Date{Year: year, Month: month, Day: day}
	p.Hometown = pick(r, communes)
	if year < 1995 && r.Float64() < 0.3 {
		// Older records name the district of before the 2025 merger.
		p.Hometown = one(r, oldDistricts)
	}
	// A citizen ID: the province of registration, gender and century, the
	// year, and a serial; the serial is the person's number, and each
	// million people take the next province code, so that IDs never repeat.
	p.NationalId = fmt.Sprintf("%s%d%02d%06d", idProvinces[(g.n/1000000)%len(idProvinces)], genderCentury(female, year), year%100, g.n%1000000)
	if r.Float64() < 0.8 {
		p.Phone = fmt.Sprintf("09%d%07d", r.IntN(10), r.IntN(10000000))
	}
	if r.Float64() < 0.7 {
		p.Email = fmt.Sprintf("%s.%s%d@example.vn", ascii(p.GivenName), ascii(p.FamilyName), g.n)
	}
	return p
}

func (g *Generator) vietnameseGiven(p *pb.Person, female bool) {
	if female {
		p.MiddleName = one(g.r, femaleMiddles)
		p.GivenName = one(g.r, femaleGivens)
	} else {
		p.MiddleName = one(g.r, maleMiddles)
		p.GivenName = one(g.r, maleGivens)
	}
}

// genderCentury is the fourth digit of a citizen ID: 0/1 for men/women born
// in the 1900s, 2/3 in the 2000s.
func genderCentury(female bool, year int32) int {
	d := 0
	if year >= 2000 {
		d = 2
	}
	if female {
		d++
	}
	return d
}

// ascii strips a name to lower-case ASCII letters for synthetic emails.
func ascii(s string) string {
	var b []byte
	for _, c := range vntext.Fold(s) {
		if c >= 'a' && c <= 'z' {
			b = append(b, byte(c))
		}
	}
	return string(b)
}
