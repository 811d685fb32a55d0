package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registration form with several mistakes marks them all at once: the
// missing consent, which the console checks, and every field the server
// would refuse, its .proto's rules and its store's (a day that does not
// exist). Before, the desk had to send it three times to see them (the
// consent, then the email and ID, then the date), and an empty name was
// never marked until the consent was ticked. Nothing is registered.
func TestRegisterFormMarksEveryMistakeAtOnce(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	for _, tc := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"no consent", url.Values{"family_name": {"Đỗ"}, "birth_date": {"31/02/1980"}, "email": {"hanh@"}, "national_id": {"12345"}, "contact": {"on"}},
			[]string{"consent", "given_name", "birth_date", "email", "national_id"}},
		{"with consent", url.Values{"family_name": {"Đỗ"}, "given_name": {"Hạnh"}, "birth_date": {"31/02/1980"}, "email": {"hanh@"},
			"national_id": {"12345"}, "consent": {"on"}, "contact": {"on"}},
			[]string{"birth_date", "email", "national_id"}},
		{"empty", url.Values{}, []string{"consent", "given_name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := b.get("/members/hoi-y-hoc/-/register")
			tc.form.Set("csrf", csrfOf(body))
			code, body := b.post("/members/hoi-y-hoc/-/register", tc.form)
			if code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
				t.Errorf("HTTP %d, want a refusal", code)
			}
			for _, f := range tc.want {
				if msg := fieldError(body, f); msg == "" {
					t.Errorf("%s is not marked", f)
				} else if strings.Contains(msg, "must") || strings.Contains(msg, "invalid") {
					t.Errorf("%s is marked in English: %q", f, msg)
				}
			}
			// What was typed stays.
			for _, v := range []string{"31/02/1980", "hanh@", "12345"} {
				if tc.form.Get("email") != "" && !strings.Contains(body, `value="`+v+`"`) {
					t.Errorf("the form lost %q", v)
				}
			}
		})
	}
	ms, err := e.admin.Memberships.ListMemberships(context.Background(), &pb.ListMembershipsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil || len(ms.GetMemberships()) != 0 {
		t.Errorf("memberships after refused forms: %v, %v", ms.GetMemberships(), err)
	}
}
