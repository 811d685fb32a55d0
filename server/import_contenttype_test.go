package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// A REST import's file is its body, typed by its Content-Type. A body of
// another type (curl's --data-binary sends
// application/x-www-form-urlencoded unless told) is 415 naming the types
// taken, not "the request body is not valid JSON".
func TestImportContentType(t *testing.T) {
	e := newEnv(t)
	csv := "Họ;Tên\nTrần;An\n"
	for _, c := range []struct {
		name, contentType string
		want              int
	}{
		{"CSV", "text/csv", http.StatusOK},
		{"CSVWithCharset", "text/csv; charset=utf-8", http.StatusOK},
		{"ErrForm", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"ErrImage", "image/png", http.StatusUnsupportedMediaType},
		{"ErrNone", "", http.StatusUnsupportedMediaType},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.base+"/v1/people:import?validateOnly=true", strings.NewReader(csv))
			req.Header.Set("Authorization", "Bearer "+e.token)
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			resp, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.want {
				t.Fatalf("HTTP %d %s, want %d", resp.StatusCode, b, c.want)
			}
			if c.want == http.StatusOK {
				return
			}
			var body map[string]any
			if err := json.Unmarshal(b, &body); err != nil {
				t.Fatalf("not a google.rpc.Status: %s", b)
			}
			msg, _ := body["message"].(string)
			for _, want := range []string{"Content-Type", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if r := restReasonOf(t, body); r != "REQUEST_INVALID" {
				t.Errorf("reason %s", r)
			}
		})
	}
}
