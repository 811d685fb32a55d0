package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

// env is a real server on loopback ports over a real database file, with
// an admin key's gRPC client to set data up.
type env struct {
	t      *testing.T
	db     *store.DB
	srv    *server.Server
	base   string
	admin  *client.Client
	person *pb.Person // Nguyễn Văn Anh
	qual   *pb.Qualification
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with a configuration that configure changes.
func newEnvWith(t *testing.T, configure func(*server.Config)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "trithuc.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(tlog{t}, nil))}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	_, key, err := db.CreateKey(ctx, "test admin", server.RoleAdmin, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(srv.GRPCAddr(), client.Options{Token: key})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, srv: srv, base: "http://" + srv.HTTPAddr(), admin: c}
	t.Cleanup(func() {
		c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		db.Close()
	})
	e.seed()
	return e
}

// seed registers a few people, a qualification and two associations.
func (e *env) seed() {
	ctx := context.Background()
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	var err error
	e.person, err = e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "anh", Person: &pb.Person{
		FamilyName: "Nguyễn", MiddleName: "Văn", GivenName: "Anh", Gender: pb.Person_MALE,
		BirthDate: &date.Date{Year: 1985, Month: 3, Day: 8}, NationalId: "079085001234", Ethnicity: "05",
		Email: "anh.nguyen@example.vn", WorkLocation: pb.Person_IN_PROVINCE}})
	must(err)
	e.qual, err = e.admin.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: e.person.Name, Qualification: &pb.Qualification{
		Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Kinh tế", Institution: "Đại học Cần Thơ", Country: "VN", Year: 2012}})
	must(err)
	for _, p := range []*pb.Person{
		{FamilyName: "Trần", MiddleName: "Thị", GivenName: "Bích", Gender: pb.Person_FEMALE, BirthDate: &date.Date{Year: 1990}},
		{FamilyName: "Nguyễn", MiddleName: "Văn", GivenName: "Ánh", Gender: pb.Person_MALE, BirthDate: &date.Date{Year: 1978}},
		{FamilyName: "Lê", MiddleName: "Hoàng", GivenName: "Đức", Gender: pb.Person_MALE, BirthDate: &date.Date{Year: 1969}},
	} {
		_, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p})
		must(err)
	}
	for id, a := range map[string]*pb.Association{
		"hoi-y-hoc":   {DisplayName: "Hội Y học tỉnh", ShortName: "Hội Y học", Code: "HYH"},
		"hoi-tin-hoc": {DisplayName: "Hội Tin học tỉnh", ShortName: "Hội Tin học", Code: "HTH"},
	} {
		_, err := e.admin.Memberships.CreateAssociation(ctx, &pb.CreateAssociationRequest{AssociationId: id, Association: a})
		must(err)
	}
}

const testPassword = "Rừng U Minh mùa nước nổi"

// account makes an account with a password and returns its email.
func (e *env) account(role, association string) string {
	e.t.Helper()
	ctx := context.Background()
	email := strings.ReplaceAll(role, "_", "-") + strings.ReplaceAll(strings.TrimPrefix(association, "associations/"), "-", "") + "@example.vn"
	_, token, err := e.db.CreateAccount(ctx, email, "Cán bộ "+role, role, association)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.SetPassword(ctx, token, testPassword); err != nil {
		e.t.Fatal(err)
	}
	return email
}

// browser is an HTTP client with a cookie jar, signed in as an account.
type browser struct {
	t    *testing.T
	e    *env
	http *http.Client
}

func (e *env) signIn(email string) *browser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: e.t, e: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	_, body := b.get("/login")
	code, _ := b.post("/login", url.Values{"csrf": {csrfOf(body)}, "email": {email}, "password": {testPassword}})
	if code != http.StatusSeeOther {
		e.t.Fatalf("signing in as %s: HTTP %d", email, code)
	}
	return b
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(body string) string {
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.http.Get(b.e.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.http.PostForm(b.e.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// tlog writes the server's log to the test's log.
type tlog struct{ t *testing.T }

func (w tlog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
