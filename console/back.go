package console

import (
	"net/url"
	"path"
	"strings"
)

// A profile opened from a list of people (the search's results, a desk, a
// review campaign, an expert pool, an honours campaign, the qualifications
// to verify) links back to that list: the list's links carry
// back=<its own address>, and the profile's own links and forms (edit,
// add a qualification, delete an entry…) carry it on, so that the way back
// survives a form sent and the return to the profile.

// backLists are the lists a back parameter may lead to: a path of this
// site whose segments after the list's prefix are as many as its page
// has, and the words of the link back to it.
var backLists = []struct {
	prefix string
	segs   int
	words  string
}{
	{"/people", 0, "kết quả tìm kiếm"},
	{"/qualifications", 0, "danh sách trình độ chờ xác minh"},
	{"/members", 1, "danh sách hội viên"},
	{"/members", 2, "đơn hội viên"},
	{"/reviews", 1, "đợt rà soát"},
	{"/experts", 2, "nhóm chuyên gia"},
	{"/honors", 1, "đợt tôn vinh"},
}

// listBack is back when it is the address of one of the console's lists
// of people (backLists: a relative path of this site, as safeNext keeps,
// with its query), "" otherwise: another page, or another site's address,
// would make the link a way out of the site or into an action.
func listBack(back string) string {
	if backWords(back) == "" {
		return ""
	}
	return back
}

// backWords are the words of the link back to back, "" when back is not
// a list's address (listBack).
func backWords(back string) string {
	if back == "" || safeNext(back) != back {
		return ""
	}
	u, err := url.Parse(back)
	if err != nil || u.Fragment != "" || u.RawPath != "" || path.Clean(u.Path) != u.Path {
		return ""
	}
	for _, l := range backLists {
		rest, ok := strings.CutPrefix(u.Path, l.prefix)
		if !ok {
			continue
		}
		var segs []string
		if rest != "" {
			if rest[0] != '/' {
				continue
			}
			segs = strings.Split(rest[1:], "/")
		}
		if len(segs) != l.segs || len(segs) > 0 && segs[len(segs)-1] == "" {
			continue
		}
		ok = true
		for _, s := range segs {
			// "-" is no one's id: /members/x/-/… are forms.
			ok = ok && s != "" && s != "-"
		}
		if ok {
			return l.words
		}
	}
	return ""
}

// withBack is the address made of parts, carrying back (a list's address,
// listBack) when there is one.
func withBack(back string, parts ...string) string {
	u := strings.Join(parts, "")
	if back = listBack(back); back == "" {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "back=" + url.QueryEscape(back)
}

// backOf is the request's back parameter when it is a list's address, ""
// otherwise. It is read from the address alone (a form's action carries
// it), so that a form's fields cannot set it.
func (q *request) backOf() string { return listBack(q.r.URL.Query().Get("back")) }

// pageBack is the address of the page the request shows, for the links to
// profiles it lists: its path and query, without the message of the form
// that led to it.
func pageBack(q *request) string {
	v := q.r.URL.Query()
	v.Del("ok")
	if len(v) == 0 {
		return q.r.URL.Path
	}
	return q.r.URL.Path + "?" + v.Encode()
}

func init() {
	funcs["withBack"] = withBack
	funcs["backWords"] = backWords
}
