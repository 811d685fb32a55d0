package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/vimsg"
)

func newFormToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func formatTime(t any) string {
	var tt time.Time
	switch v := t.(type) {
	case *timestamppb.Timestamp:
		if v == nil {
			return ""
		}
		tt = v.AsTime()
	case time.Time:
		tt = v
	}
	if tt.IsZero() {
		return ""
	}
	return tt.In(store.Vietnam).Format("02/01/2006 15:04")
}

// entryName names an entry of a profile for a screen reader, in an edit
// link's aria-label ("Sửa trình độ: Thạc sĩ Kinh tế, 2015"): its parts
// that are set, joined by commas. A link's text alone, "Sửa", repeated on
// every row, does not say which entry it edits.
func entryName(parts ...any) string {
	var out []string
	for _, p := range parts {
		if s := strings.Join(strings.Fields(fmt.Sprint(p)), " "); s != "" && s != "0" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// idOf is the last part of a resource name: people/abc → abc.
func idOf(name string) string {
	return name[strings.LastIndex(name, "/")+1:]
}

// sayCount says, in Vietnamese, the first problem an import counted.
func sayCount(c *pb.ImportProblemCount) string {
	return vimsg.Problem(&pb.ImportProblem{Kind: c.GetKind(), Column: c.GetColumn(), Field: c.GetField(), Message: c.GetFirstMessage()})
}

var funcs = template.FuncMap{
	"label":           labels.Of,
	"date":            labels.Date,
	"time":            formatTime,
	"id":              idOf,
	"join":            strings.Join,
	"add":             func(a, b int) int { return a + b },
	"percent":         labels.Share,
	"rowLabels":       rowLabels,
	"statsNote":       labels.StatisticsNote,
	"suppressionHint": labels.SuppressionHint,
	"isCount":         labels.Counts,
	"field":           func(fields map[string]string, name string) string { return fields[name] },
	"refName":         refName,
	"entryName":       entryName,
	"sayProblem":      vimsg.Problem,
	"sayCount":        sayCount,
	"associationOf":   associationOf,
	"role":            roleLabel,
	"outcome":         labels.Outcome,
	"channel":         labels.Channel,
	"method":          labels.Method,
	"selected": func(a, b any) template.HTMLAttr {
		if fmt.Sprint(a) == fmt.Sprint(b) {
			return "selected"
		}
		return ""
	},
	"checked": func(b bool) template.HTMLAttr {
		if b {
			return "checked"
		}
		return ""
	},
}
