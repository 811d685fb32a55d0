package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// What one text of a workbook may be, in bytes of its XML. A field takes
// a few hundred characters at most; Excel holds 32,767 in a cell. The
// bounds are there because XML parsers hold a text whole, however it is
// split: one cell of 400 MB in a 410 KB file took 3 GB to read.
const (
	// maxText bounds a cell's value (its v, f and inline string, all the
	// runs of rich text together), a shared string item, any other run
	// of text, and any tag, comment or processing instruction.
	maxText = 64 << 10
	// maxRowText bounds the text of one row, which excelize's row reader
	// holds whole (twice: raw and as shown).
	maxRowText = 1 << 20
)

// errTooLong is a text of a part over its bound: where it is and what.
type errTooLong struct {
	where string // "cell A2", "row 7", "string 14" (counting from 0), "" if unknown
	what  string // "a text of more than 64 KB"
}

func (e *errTooLong) Error() string { return e.where + " holds " + e.what }

// errDTD is a part that declares a DTD, which no spreadsheet writes
// (OOXML forbids them) and whose internal subset an XML parser would
// hold whole.
var errDTD = errors.New("a document type declaration")

// textScan is what scanXML found in a part: the string items (si
// elements, in any namespace prefix) of a shared strings part.
type textScan struct {
	items int

	node, markup int64 // bytes of the current text node, tag, comment or PI
	value        int64 // bytes of text of the current cell or string item
	row          int64 // bytes of text of the current row
	inValue      bool
	inItem       bool // the value is a shared string item
	inRow        bool
	rows         int
	cell, rowRef string
}

// scanXML streams an XML part and measures its runs of text between
// markup (CDATA sections included), its markup, and the text of each
// cell, string item and row, refusing the first over its bound. It is a
// byte scanner, not a parser, so that measuring a text does not hold it:
// text cannot hold a '<' (only CDATA, comments and PIs, which are read to
// their ends) and an attribute value cannot either.
func scanXML(r io.Reader) (*textScan, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	s := &textScan{}
	for {
		chunk, err := br.ReadSlice('<')
		n := len(chunk)
		if err == nil {
			n--
		}
		if e := s.text(int64(n)); e != nil {
			return nil, e
		}
		switch err {
		case nil:
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return s, nil
		default:
			return nil, err
		}
		head, _ := br.Peek(8)
		switch {
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			br.Discard(8)
			err = s.until(br, "]]>", s.text)
		case bytes.HasPrefix(head, []byte("!--")):
			br.Discard(3)
			err = s.until(br, "-->", s.mark)
		case bytes.HasPrefix(head, []byte("!")):
			return nil, errDTD
		case bytes.HasPrefix(head, []byte("?")):
			err = s.until(br, "?>", s.mark)
		default:
			err = s.tag(br)
		}
		if err != nil {
			return nil, err
		}
	}
}

// text counts n bytes of text: of the current node, value and row.
func (s *textScan) text(n int64) error {
	s.node += n
	if s.inValue {
		s.value += n
	}
	if s.inRow {
		s.row += n
	}
	switch {
	case s.node > maxText || s.value > maxText:
		return &errTooLong{where: s.where(), what: "a text of more than 64 KB, longer than any field takes"}
	case s.row > maxRowText:
		return &errTooLong{where: fmt.Sprintf("row %s", s.rowRef), what: "more than 1 MB of text, more than a row of fields takes"}
	}
	return nil
}

// mark counts n bytes of the current tag, comment or PI.
func (s *textScan) mark(n int64) error {
	if s.markup += n; s.markup > maxText {
		return &errTooLong{where: s.where(), what: "a tag or comment of more than 64 KB"}
	}
	return nil
}

func (s *textScan) where() string {
	switch {
	case s.inValue && s.cell != "":
		return fmt.Sprintf("cell %s", s.cell)
	case s.inValue && s.inItem:
		return fmt.Sprintf("string %d", s.items-1)
	case s.inRow:
		return fmt.Sprintf("row %s", s.rowRef)
	}
	return ""
}

// until reads to the end of a CDATA section, comment or PI, counting its
// bytes with count.
func (s *textScan) until(br *bufio.Reader, end string, count func(int64) error) error {
	s.markup = 0
	var tail []byte // the last bytes read, for an end split between reads
	for {
		chunk, err := br.ReadSlice(end[len(end)-1])
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsEnd(err)
		}
		tail = append(tail, chunk[max(0, len(chunk)-len(end)):]...)
		done := err == nil && bytes.HasSuffix(tail, []byte(end))
		if e := count(int64(len(chunk))); e != nil {
			return e
		}
		if done {
			return nil
		}
		tail = tail[max(0, len(tail)-len(end)+1):]
	}
}

// eofIsEnd is nil for the end of a part: one cut inside its markup has
// no more text to measure (excelize refuses it if it reads it).
func eofIsEnd(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// tag reads a start or end tag, to its '>' outside quotes, and follows
// the cells, string items and rows it opens and closes.
func (s *textScan) tag(br *bufio.Reader) error {
	s.node, s.markup = 0, 0
	var quote byte
	first := true
	for {
		chunk, err := br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsEnd(err)
		}
		if e := s.mark(int64(len(chunk))); e != nil {
			return e
		}
		if first {
			s.element(chunk)
			first = false
		}
		body := chunk
		if err == nil {
			body = chunk[:len(chunk)-1]
		}
		for _, b := range body {
			if quote == 0 && (b == '"' || b == '\'') {
				quote = b
			} else if b == quote {
				quote = 0
			}
		}
		if err == nil && quote == 0 {
			return nil
		}
	}
}

// element follows a tag that begins with head: a cell, string item or row
// starts or ends there.
func (s *textScan) element(head []byte) {
	end := bytes.HasPrefix(head, []byte("/"))
	name := bytes.TrimPrefix(head, []byte("/"))
	for i, b := range name {
		if b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '/' || b == '>' {
			name = name[:i]
			break
		}
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch string(name) {
	case "c", "si":
		s.inValue, s.value, s.cell = !end, 0, ""
		s.inItem = !end && string(name) == "si"
		if s.inItem {
			s.items++
		}
		if !end && string(name) == "c" {
			s.cell = plainAttr(head, "r")
		}
	case "row":
		s.inRow, s.row = !end, 0
		if !end {
			s.rows++
			if s.rowRef = plainAttr(head, "r"); s.rowRef == "" {
				s.rowRef = strconv.Itoa(s.rows)
			}
		}
	}
	if bytes.HasSuffix(head, []byte("/>")) {
		switch string(name) {
		case "c", "si":
			s.inValue, s.inItem = false, false
		case "row":
			s.inRow = false
		}
	}
}

// plainAttr is the value of the short attribute name in a tag, if it reads
// plainly there; it names a cell or row in an error, nothing more.
func plainAttr(tag []byte, name string) string {
	i := bytes.Index(tag, []byte(" "+name+`="`))
	if i < 0 {
		return ""
	}
	v := tag[i+len(name)+3:]
	j := bytes.IndexByte(v, '"')
	if j < 0 || j > 16 {
		return ""
	}
	for _, b := range v[:j] {
		if !('A' <= b && b <= 'Z' || '0' <= b && b <= '9') {
			return ""
		}
	}
	return string(v[:j])
}
