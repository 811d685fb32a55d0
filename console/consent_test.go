package console_test

import (
	"strings"
	"testing"
)

// The consent a registration asks for cites the law in force: Law
// 91/2025/QH15 and Decree 356/2025/NĐ-CP, which replaced Decree 13/2023 on
// 1 January 2026. A consent citing a repealed decree is weak evidence.
func TestRegistrationConsentCitesLawInForce(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	_, body := b.get("/members/hoi-y-hoc/-/register")
	i := strings.Index(body, `id="consent-text"`)
	if i < 0 {
		t.Fatal("the registration form shows no consent text")
	}
	text := body[i:]
	text = text[:strings.Index(text, "</p>")]
	for _, want := range []string{"91/2025/QH15", "356/2025/NĐ-CP"} {
		if !strings.Contains(text, want) {
			t.Errorf("the consent text does not cite %s: %s", want, text)
		}
	}
	if strings.Contains(text, "13/2023") {
		t.Errorf("the consent text cites Decree 13/2023, repealed on 1 January 2026: %s", text)
	}
}
