package transfer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// What an XLSX file may expand to. A spreadsheet's XML packs ten to
// twenty times; a workbook of a province's people (tens of thousands of
// rows, a few MB) unpacks to well under these. Beyond them a small file
// could take the server's memory or disk: excelize holds the shared
// strings (whatever their length: 3,000,000 empty ones in a 24 KB file
// took 480 MB) and every part but the sheets in memory, and any one text
// whole (see maxText).
const (
	// maxUnzip bounds all the parts unpacked; sheets and shared strings
	// over maxUnzipInMemory go to temporary files.
	maxUnzip = 512 << 20
	// maxSharedStringsMemory bounds what the shared strings would take in
	// memory, estimated as the bytes of their part and sharedStringCost
	// bytes each (excelize's index of them, or its parsed items). 90,000
	// people of the registry's export, saved by Excel with shared strings
	// (442,120 distinct texts, a 23 MB part), come to 94 MB (the whole
	// workbook reads in some 80 MB of heap): the bound admits some
	// 120,000 people. 800,000 empty strings, a few KB zipped, take the
	// 128 MB.
	maxSharedStringsMemory = 128 << 20
	sharedStringCost       = 160
	// maxInMemoryParts bounds the parts other than sheets and shared
	// strings, which excelize reads whole.
	maxInMemoryParts = 64 << 20
	// maxStyles bounds the styles part, parsed whole (Excel allows 64,000
	// cell formats, some 6 MB).
	maxStyles = 8 << 20
)

// checkExpansion refuses a workbook that would unpack to more than an
// import needs, from the sizes its zip declares (Go's zip reader refuses a
// part that unpacks to more than it declares), then from its XML parts,
// streamed before excelize reads them: a text over maxText, a row over
// maxRowText, shared strings over maxSharedStringsMemory.
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
		switch name := partName(f); {
		case strings.HasPrefix(name, "xl/worksheets/sheet"), name == sharedStringsPath:
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
	for _, f := range zr.File {
		name := partName(f)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue // not parsed
		}
		s, err := scanPart(f)
		var long *errTooLong
		switch {
		case errors.As(err, &long):
			if long.where != "" {
				return fmt.Errorf("%w: the workbook expands to too much: %s, %s, holds %s; shorten it, or %s", ErrUnreadable, partPlace(zr, name), long.where, long.what, what)
			}
			return fmt.Errorf("%w: the workbook expands to too much: %s holds %s; shorten it, or %s", ErrUnreadable, partPlace(zr, name), long.what, what)
		case errors.Is(err, errDTD):
			return fmt.Errorf("%w: %s declares a document type, which spreadsheets do not; %s", ErrUnreadable, partPlace(zr, name), what)
		case err != nil:
			return fmt.Errorf("%w: %s cannot be read (%v); %s", ErrUnreadable, partPlace(zr, name), err, what)
		}
		if name != sharedStringsPath {
			continue
		}
		if est := f.UncompressedSize64 + uint64(s.items)*sharedStringCost; est > maxSharedStringsMemory {
			return fmt.Errorf("%w: the workbook expands to too much: its %d distinct texts (shared strings, %d MB) would take some %d MB to read, over %d MB; %s", ErrUnreadable, s.items, f.UncompressedSize64>>20, est>>20, maxSharedStringsMemory>>20, what)
		}
	}
	return nil
}

const sharedStringsPath = "xl/sharedstrings.xml"

// partName is a part's path as compared here: lower case, with '/'.
func partName(f *zip.File) string {
	return strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
}

func scanPart(f *zip.File) (*textScan, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return scanXML(rc)
}

// partPlace names a part for an error: the sheet it holds, as the
// workbook names it, or its path.
func partPlace(zr *zip.Reader, name string) string {
	if name == sharedStringsPath {
		return "its shared strings"
	}
	for _, s := range workbookSheets(zr, maxText*16) {
		if s.part == name {
			return fmt.Sprintf("sheet %q", s.name)
		}
	}
	return fmt.Sprintf("part %s", name)
}
