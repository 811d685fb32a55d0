package transfer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// What an XLSX file may expand to. A spreadsheet's XML packs ten to
// twenty times; a workbook of a province's people (tens of thousands of
// rows, a few MB) unpacks to well under these. Beyond them a small file
// could take the server's memory or disk: excelize holds the shared
// strings (whatever their length: 3,000,000 empty ones in a 24 KB file
// took 375 MB) and every part but the sheets in memory.
const (
	// maxUnzip bounds all the parts unpacked; sheets and shared strings
	// over maxUnzipInMemory go to temporary files.
	maxUnzip = 512 << 20
	// maxSharedStrings bounds the distinct texts of the shared strings
	// part, which excelize holds some 160 bytes each (50 MB at the
	// bound): a person of the template has four or so texts of their own
	// (national ID, email, phone, address; names repeat), so the bound is
	// a file of some 75,000 people, more than a province registers.
	maxSharedStrings = 300_000
	// maxInMemoryParts bounds the parts other than sheets and shared
	// strings, which excelize reads whole.
	maxInMemoryParts = 64 << 20
	// maxStyles bounds the styles part, parsed whole (Excel allows 64,000
	// cell formats, some 6 MB).
	maxStyles = 8 << 20
)

// checkExpansion refuses a workbook that would unpack to more than an
// import needs, from the sizes its zip declares (Go's zip reader refuses a
// part that unpacks to more than it declares) and the count of its shared
// strings, before excelize indexes them.
func checkExpansion(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: not an XLSX workbook (%v); save it as \"Excel Workbook (.xlsx)\"", ErrUnreadable, err)
	}
	const what = "open it in Excel and save it again, or split it into files of fewer rows"
	var total, inMemory uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		switch {
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
		case name == "xl/sharedstrings.xml":
			n, err := countSharedStrings(f)
			if err != nil {
				return fmt.Errorf("%w: the shared strings part cannot be read (%v); %s", ErrUnreadable, err, what)
			}
			if n > maxSharedStrings {
				return fmt.Errorf("%w: the workbook expands to too much: it holds more than 300,000 distinct texts; %s", ErrUnreadable, what)
			}
		case name == stylesPath && size > maxStyles:
			return fmt.Errorf("%w: the workbook expands to too much: its styles part unpacks to %d MB, over %d MB; %s", ErrUnreadable, size>>20, maxStyles>>20, what)
		default:
			inMemory += size
		}
	}
	if total > maxUnzip {
		return fmt.Errorf("%w: the workbook expands to too much: it unpacks to %d MB, over %d MB; %s", ErrUnreadable, total>>20, maxUnzip>>20, what)
	}
	if inMemory > maxInMemoryParts {
		return fmt.Errorf("%w: the workbook expands to too much: its parts other than sheets unpack to %d MB, over %d MB; %s", ErrUnreadable, inMemory>>20, maxInMemoryParts>>20, what)
	}
	return nil
}

// countSharedStrings counts the string items (si elements, in any
// namespace prefix) of the shared strings part, as a stream.
func countSharedStrings(f *zip.File) (int, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	n := 0
	for {
		if _, err := br.ReadSlice('<'); err != nil && err != bufio.ErrBufferFull {
			if err == io.EOF {
				return n, nil
			}
			return 0, err
		} else if err == bufio.ErrBufferFull {
			continue
		}
		// The element's name, up to a prefix's colon: "si", "x:si".
		name, _ := br.Peek(16)
		end := bytes.IndexAny(name, " \t\r\n/>")
		if end < 0 {
			continue
		}
		name = name[:end]
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if string(name) == "si" {
			if n++; n > maxSharedStrings {
				return n, nil
			}
		}
	}
}
