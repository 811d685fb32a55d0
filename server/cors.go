package server

import (
	"net/http"
	"slices"
	"strings"
)

// cors lets the web pages of the origins an operator lists call the REST
// API from a browser (Config.CORSOrigins; none by default, so a browser
// refuses every cross-origin call). A preflight from a listed origin is
// answered with the methods the contract allows on its path and the headers
// a client sends; answers to listed origins expose the headers a client
// reads. Credentials travel as the Authorization header, never as cookies,
// so Access-Control-Allow-Credentials is not sent.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		w.Header().Add("Vary", "Origin")
		if origin == "" || !slices.Contains(origins, origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			allowed := allowedMethods(r.URL.Path)
			if len(allowed) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", strings.Join(allowed, ", "))
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "ETag, X-Request-Id, Retry-After")
		next.ServeHTTP(w, r)
	})
}
