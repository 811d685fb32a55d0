package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The attacks of issues 12 and 14 on statistics by ethnicity, made with a
// home_affairs key, which may not read anyone's ethnicity: filters that
// differ by a few people, and the figures for both.

// synthPerson is a person of the synthetic population: what home_affairs reads on
// every profile, and the ethnicity it may not.
type synthPerson struct {
	name          string
	created       time.Time
	gender, where string
	level         string
	ethnicity     string
}

// synthEnv is a server holding a seeded synthetic population, and a
// home_affairs client.
type synthEnv struct {
	*env
	people []synthPerson
	ha     *client.Client
}

func newSynthEnv(t *testing.T, n int) *synthEnv {
	e := &synthEnv{env: newEnv(t)}
	r := rand.New(rand.NewPCG(12, 14))
	pick := func(weights map[string]int) string {
		total := 0
		for _, w := range weights {
			total += w
		}
		k := r.IntN(total)
		for _, v := range sortedKeys(weights) {
			if k -= weights[v]; k < 0 {
				return v
			}
		}
		panic("unreachable")
	}
	for i := range n {
		s := synthPerson{
			gender:    pick(map[string]int{"MALE": 5, "FEMALE": 5}),
			where:     pick(map[string]int{"IN_PROVINCE": 80, "ELSEWHERE_IN_VIETNAM": 14, "ABROAD": 6}),
			level:     pick(map[string]int{"CAO_DANG": 5, "DAI_HOC": 50, "THAC_SI": 33, "TIEN_SI": 12}),
			ethnicity: pick(map[string]int{"01": 82, "05": 12, "06": 4, "07": 2}),
		}
		// The last is the one person abroad with a doctorate (issue 14).
		switch {
		case i == n-1:
			s.where, s.level, s.ethnicity = "ABROAD", "TIEN_SI", "05"
		case s.where == "ABROAD" && s.level == "TIEN_SI":
			s.level = "THAC_SI"
		}
		p := &pb.Person{FamilyName: "Lê", GivenName: fmt.Sprintf("S%03d", i), Ethnicity: s.ethnicity,
			Gender: pb.Person_Gender(pb.Person_Gender_value[s.gender]), WorkLocation: pb.Person_WorkLocation(pb.Person_WorkLocation_value[s.where])}
		if s.where == "ABROAD" {
			p.WorkCountry = "JP"
		}
		p = e.person(p)
		e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: s.level, Major: "Kinh tế"})
		s.name, s.created = p.Name, p.CreateTime.AsTime()
		e.people = append(e.people, s)
	}
	_, token := e.key("home_affairs")
	var err error
	e.ha, err = client.Dial(e.srv.GRPCAddr(), client.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ha.Close() })
	return e
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// ethnicities answers ETHNICITY over filter as home_affairs: the count of
// each code, nil where hidden; ok false when refused.
func (e *synthEnv) ethnicities(filter string) (map[string]*int32, bool) {
	e.t.Helper()
	r, err := e.ha.Statistics.ComputeStatistics(context.Background(), &pb.ComputeStatisticsRequest{
		Dimensions: []dim{dEthnicity}, Filter: filter})
	if err != nil {
		refused(e.t, err)
		return nil, false
	}
	out := map[string]*int32{}
	for _, row := range r.GetRows() {
		out[row.GetValues()[0]] = row.Count
	}
	return out, true
}

// refused fails unless err is a refusal the caller can act on.
func refused(t *testing.T, err error) {
	t.Helper()
	switch status.Code(err) {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.PermissionDenied:
	default:
		t.Fatalf("refused with %v", err)
	}
}

// The create_time attack: `create_time <= T` and `create_time < T`, T a
// person's creation time (on the profile), differ by that person.
func TestStatisticsCreateTimeAttack(t *testing.T) {
	e := newSynthEnv(t, 40)
	recovered := 0
	for _, p := range e.people {
		ts := p.created.Format(time.RFC3339Nano)
		with, ok1 := e.ethnicities(`create_time <= "` + ts + `"`)
		without, ok2 := e.ethnicities(`create_time < "` + ts + `"`)
		if !ok1 || !ok2 {
			continue
		}
		for code, n := range derive([]int{1, -1}, []map[string]*int32{with, without}) {
			if n != 0 {
				recovered++
				if code != p.ethnicity || n != 1 {
					t.Errorf("%s: recovered %s=%d, truly %s", p.name, code, n, p.ethnicity)
				}
			}
		}
	}
	if recovered > 0 {
		t.Errorf("the create_time attack recovered %d of %d people's ethnicity", recovered, len(e.people))
	}
	// The year of birth and update_time are refused the same way.
	for _, f := range []string{`birth_date.year <= 1990`, `update_time < "2030-01-01T00:00:00Z"`} {
		if _, ok := e.ethnicities(f); ok {
			t.Errorf("%s was answered", f)
		}
	}
}

// The work_location/NOT attack of issue 14: the one person abroad with a
// doctorate is left out, and everyone's figures less the rest's are hers.
func TestStatisticsComplementAttack(t *testing.T) {
	e := newSynthEnv(t, 60)
	ctx := context.Background()
	// Make one person alone abroad with a doctorate, as home_affairs
	// finds by listing.
	iso := `work_location = ABROAD AND highest_qualification_level = TIEN_SI`
	list, err := e.ha.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: iso, PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetPeople()) != 1 {
		t.Fatalf("%d people abroad with a doctorate; the attack needs one", len(list.GetPeople()))
	}
	x := list.GetPeople()[0]
	if x.GetEthnicity() != "" {
		t.Fatalf("home_affairs reads the ethnicity of %s", x.GetName())
	}
	all, ok1 := e.ethnicities("")
	rest, ok2 := e.ethnicities("NOT (" + iso + ")")
	if ok1 && ok2 {
		if got := derive([]int{1, -1}, []map[string]*int32{all, rest}); len(got) > 0 {
			t.Errorf("ETHNICITY: everyone less NOT (%s) gives %v", iso, got)
		}
	}
	// The same with a dimension anyone may see: refused, and why.
	_, err = e.ha.Statistics.ComputeStatistics(ctx, &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}, Filter: "NOT (" + iso + ")"})
	wantCode(t, err, codes.FailedPrecondition)
	if !strings.Contains(err.Error(), "leaves out fewer than 5") {
		t.Errorf("message: %v", err)
	}
	// GetIndicators: the ethnic minority share, 34/310 against 33/309.
	minority := func(filter string) (*pb.Indicator, bool) {
		r, err := e.ha.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: filter})
		if err != nil {
			refused(t, err)
			return nil, false
		}
		for _, ind := range r.GetIndicators() {
			if ind.GetKind() == pb.Indicator_ETHNIC_MINORITY {
				return ind, true
			}
		}
		t.Fatal("no ETHNIC_MINORITY")
		return nil, false
	}
	a, ok1 := minority("")
	b, ok2 := minority("NOT (" + iso + ")")
	if ok1 && ok2 && a.Numerator != nil && b.Numerator != nil {
		t.Errorf("indicators: ethnic minority %d/%d against %d/%d tells whether %s is of a minority",
			a.GetNumerator(), a.GetDenominator(), b.GetNumerator(), b.GetDenominator(), x.GetName())
	}
	// A filter with OR is not one figures by ethnicity take: the rest of
	// the indicators are answered, that one hidden.
	r, err := e.ha.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: "gender = MALE OR gender = FEMALE"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range r.GetIndicators() {
		switch ind.GetKind() {
		case pb.Indicator_ETHNIC_MINORITY:
			if !ind.GetSuppressed() {
				t.Errorf("ETHNIC_MINORITY shown for a filter with OR: %v", ind)
			}
		case pb.Indicator_WOMEN:
			if ind.GetSuppressed() {
				t.Errorf("WOMEN suppressed: %v", ind)
			}
		}
	}
}

// derive combines answers by ETHNICITY with coefficients, as an attacker
// would: the value of every code that every answer tells (a count shown,
// or no row in an answer that lists rows), left out where any answer hides
// it; codes no answer has a row for are left out too.
func derive(coef []int, answers []map[string]*int32) map[string]int {
	codes := map[string]bool{}
	for _, a := range answers {
		for c := range a {
			codes[c] = true
		}
	}
	out := map[string]int{}
	for c := range codes {
		sum, known := 0, true
		for i, a := range answers {
			n, ok := a[c]
			switch {
			case ok && n != nil:
				sum += coef[i] * int(*n)
			case ok || len(a) == 0:
				known = false
			}
		}
		if known {
			out[c] = sum
		}
	}
	return out
}

// pred is a filter the attacker writes, and which of the people it
// selects, worked out from what the attacker reads on their profiles.
type pred struct {
	text  string
	match func(s synthPerson) bool
}

func is(field, value string) pred {
	get := map[string]func(s synthPerson) string{
		"gender":                      func(s synthPerson) string { return s.gender },
		"work_location":               func(s synthPerson) string { return s.where },
		"highest_qualification_level": func(s synthPerson) string { return s.level },
	}[field]
	return pred{field + " = " + value, func(s synthPerson) bool { return get(s) == value }}
}

var everyone = pred{"", func(synthPerson) bool { return true }}

func and(ps ...pred) pred {
	var texts []string
	for _, p := range ps {
		if p.text != "" {
			texts = append(texts, p.text)
		}
	}
	return pred{strings.Join(texts, " AND "), func(s synthPerson) bool {
		for _, p := range ps {
			if !p.match(s) {
				return false
			}
		}
		return true
	}}
}

func or(a, b pred) pred {
	return pred{"(" + a.text + ") OR (" + b.text + ")", func(s synthPerson) bool { return a.match(s) || b.match(s) }}
}

func not(a pred) pred {
	return pred{"NOT (" + a.text + ")", func(s synthPerson) bool { return !a.match(s) }}
}

// attackTerm is one answer of an attack, with its coefficient; group, when
// set, reads the answer by ETHNICITY and GENDER for that gender only.
type attackTerm struct {
	coef  int
	p     pred
	group string
}

// A family of differencing attacks, generated for every person of a
// synthetic population from the fields home_affairs reads on every
// profile (gender, work location, level): pairs and triples of filters
// whose answers, added and subtracted, count a set of fewer than 5
// people. None may tell anything about that set's ethnicities.
func TestStatisticsGeneratedAttacks(t *testing.T) {
	e := newSynthEnv(t, 120)
	const threshold = 5
	fields := map[string][]string{
		"gender":                      {"MALE", "FEMALE"},
		"work_location":               {"IN_PROVINCE", "ELSEWHERE_IN_VIETNAM", "ABROAD"},
		"highest_qualification_level": {"CAO_DANG", "DAI_HOC", "THAC_SI", "TIEN_SI"},
	}
	names := []string{"gender", "work_location", "highest_qualification_level"}
	value := func(s synthPerson, f string) string {
		return map[string]string{"gender": s.gender, "work_location": s.where, "highest_qualification_level": s.level}[f]
	}
	// own is the conjunction of x's values on the fields of mask.
	own := func(x synthPerson, mask int) pred {
		var ps []pred
		for i, f := range names {
			if mask&(1<<i) != 0 {
				ps = append(ps, is(f, value(x, f)))
			}
		}
		return and(ps...)
	}
	other := func(x synthPerson, f string) []string {
		var out []string
		for _, v := range fields[f] {
			if v != value(x, f) {
				out = append(out, v)
			}
		}
		return out
	}

	type attack struct {
		kind  string
		terms []attackTerm
	}
	seen := map[string]bool{}
	var attacks []attack
	// add keeps an attack whose terms add up to a set of 1 to 4 people.
	add := func(kind string, terms ...attackTerm) {
		key := fmt.Sprint(terms)
		if seen[key] {
			return
		}
		n := 0
		for _, s := range e.people {
			w := 0
			for _, tm := range terms {
				if tm.p.match(s) && (tm.group == "" || s.gender == tm.group) {
					w += tm.coef
				}
			}
			if w != 0 && w != 1 {
				return
			}
			n += w
		}
		if n >= 1 && n < threshold {
			seen[key] = true
			attacks = append(attacks, attack{kind, terms})
		}
	}
	for _, x := range e.people {
		for mask := 1; mask < 8; mask++ {
			iso := own(x, mask)
			opp := is("gender", other(x, "gender")[0])
			same := is("gender", x.gender)
			// Pairs.
			add("everyone, NOT iso", attackTerm{1, everyone, ""}, attackTerm{-1, not(iso), ""})
			add("A OR iso, A", attackTerm{1, or(opp, iso), ""}, attackTerm{-1, opp, ""})
			add("A, A AND NOT iso", attackTerm{1, same, ""}, attackTerm{-1, and(same, not(iso)), ""})
			var spread []pred
			for i, f := range names {
				if mask&(1<<i) != 0 {
					spread = append(spread, or(opp, is(f, value(x, f))))
				}
			}
			add("(A OR a) AND (A OR b)..., A", attackTerm{1, and(spread...), ""}, attackTerm{-1, opp, ""})
			// Conjunctions one inside the other: C, and C with a value
			// x does not have.
			for i, f := range names {
				if mask&(1<<i) != 0 {
					continue
				}
				for _, v := range other(x, f) {
					add("C, C AND c", attackTerm{1, iso, ""}, attackTerm{-1, and(iso, is(f, v)), ""})
				}
			}
			// A group of a breakdown, with and without a filter.
			for i, f := range names {
				if f == "gender" || mask&(1<<i) == 0 {
					continue
				}
				for _, v := range other(x, f) {
					add("group, group of filter", attackTerm{1, everyone, x.gender}, attackTerm{-1, is(f, v), x.gender})
				}
				add("group, group of NOT", attackTerm{1, everyone, x.gender}, attackTerm{-1, not(is(f, value(x, f))), x.gender})
			}
			// Triples: A + B - (A or B) is A and B.
			for i, f := range names {
				for j, g := range names {
					if j <= i || mask&(1<<i) == 0 || mask&(1<<j) == 0 {
						continue
					}
					c := own(x, mask&^(1<<i|1<<j))
					a, b := and(c, is(f, value(x, f))), and(c, is(g, value(x, g)))
					add("C AND a + C AND b - C", attackTerm{1, a, ""}, attackTerm{1, b, ""}, attackTerm{-1, c, ""})
					add("A OR iso + B OR iso - (A OR B OR iso)", attackTerm{1, or(opp, iso), ""}, attackTerm{1, or(a, iso), ""},
						attackTerm{-1, or(or(opp, a), iso), ""})
				}
			}
		}
	}
	if len(attacks) < 50 {
		t.Fatalf("only %d attacks generated", len(attacks))
	}

	// Each answer once.
	type answer struct {
		rows map[string]*int32 // by ethnicity code, for the group asked
		ok   bool
	}
	answers := map[string]answer{}
	ask := func(tm attackTerm) answer {
		key := tm.p.text + "|" + tm.group
		if a, ok := answers[key]; ok {
			return a
		}
		req := &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}, Filter: tm.p.text}
		if tm.group != "" {
			req.Dimensions = append(req.Dimensions, dGender)
		}
		r, err := e.ha.Statistics.ComputeStatistics(context.Background(), req)
		a := answer{rows: map[string]*int32{}, ok: err == nil}
		if err != nil {
			refused(t, err)
		}
		for _, row := range r.GetRows() {
			if tm.group == "" || row.GetValues()[1] == tm.group {
				a.rows[row.GetValues()[0]] = row.Count
			}
		}
		answers[key] = a
		return a
	}
	kinds := map[string][2]int{}
	for _, at := range attacks {
		var coef []int
		var rows []map[string]*int32
		ok := true
		for _, tm := range at.terms {
			a := ask(tm)
			ok = ok && a.ok
			coef, rows = append(coef, tm.coef), append(rows, a.rows)
		}
		k := kinds[at.kind]
		k[0]++
		if ok {
			if got := derive(coef, rows); len(got) > 0 {
				k[1]++
				if k[1] <= 3 {
					t.Errorf("%s: %v tells %v", at.kind, at.terms, got)
				}
			}
		}
		kinds[at.kind] = k
	}
	for kind, k := range kinds {
		t.Logf("%-40s %4d attacks, %d told something", kind, k[0], k[1])
		if k[1] > 0 {
			t.Errorf("%s: %d of %d attacks told something about fewer than %d people's ethnicity", kind, k[1], k[0], threshold)
		}
	}
}

// A count hidden only to protect another is marked apart from one below
// the threshold, in the answer and in the CSV, whose legend says so: a
// reader must not take it for "fewer than the threshold" (issue 12, 8).
func TestStatisticsSecondaryMark(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	// CAO_DANG 1 and no degree 1 are below 3; TIEN_SI, 3, is hidden only
	// so that they cannot be worked out.
	r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dLevel}})
	reasons := map[string]pb.SuppressionReason{}
	for _, row := range r.GetRows() {
		reasons[row.GetValues()[0]] = row.GetSuppressionReason()
	}
	for v, want := range map[string]pb.SuppressionReason{"CAO_DANG": pb.SuppressionReason_BELOW_THRESHOLD,
		"": pb.SuppressionReason_BELOW_THRESHOLD, "TIEN_SI": pb.SuppressionReason_PROTECTS_ANOTHER,
		"DAI_HOC": pb.SuppressionReason_SUPPRESSION_REASON_UNSPECIFIED} {
		if reasons[v] != want {
			t.Errorf("%q: %v, want %v", v, reasons[v], want)
		}
	}
	out, err := e.client.Statistics.ExportStatistics(ctx, &pb.ExportStatisticsRequest{Dimensions: []dim{dLevel}})
	if err != nil {
		t.Fatal(err)
	}
	csv := string(out.GetData())
	for _, want := range []string{"\r\nCAO_DANG,Cao đẳng,<3\r\n", "\r\nTIEN_SI,Tiến sĩ,ẩn\r\n", "\r\nDAI_HOC,Đại học,6\r\n",
		"Ghi chú: <3 là từ 1 đến 2 người", "ẩn là số không công bố để không suy ra được một số <3"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the CSV has no %q:\n%s", want, csv)
		}
	}
}
