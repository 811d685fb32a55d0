package transfer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A list typed by hand often merges a cell down over the rows it holds
// for (one Dân tộc, one Cơ quan for the people of a unit): a spreadsheet
// shows the value on each of those rows, but stores it in the top one
// alone, and the rows below would be read without it. The rows of a sheet
// read its merged cells' values down their ranges (mergeDown).

// mergedRange is a merged cell: rows top to bottom, columns left to right
// (0-based column numbers, rows as a spreadsheet numbers them).
type mergedRange struct{ top, bottom, left, right int }

// mergedCells are the merged ranges of a sheet that span several rows,
// read from the workbook's XML as a stream: excelize's GetMergeCells
// would read the whole sheet into memory. A sheet whose part cannot be
// found has none.
func mergedCells(data []byte, sheet string) ([]mergedRange, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	part := ""
	for _, s := range workbookSheets(zr, maxUnzipInMemory) {
		if s.name == sheet {
			part = s.part
		}
	}
	var out []mergedRange
	for _, f := range zr.File {
		if part == "" || partName(f) != part {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		// Tag by tag: a mergeCell element is small and comes after the
		// sheet's data, which is not decoded.
		br := bufio.NewReaderSize(rc, 64<<10)
		for {
			tag, err := br.ReadSlice('>')
			if i := bytes.Index(tag, []byte("mergeCell ")); i >= 0 {
				if r, ok := mergedRef(tag[i:]); ok && r.bottom > r.top {
					out = append(out, r)
				}
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// mergedRef reads the ref="A2:A5" of a mergeCell element.
func mergedRef(tag []byte) (mergedRange, bool) {
	_, after, ok := bytes.Cut(tag, []byte(`ref="`))
	if !ok {
		return mergedRange{}, false
	}
	ref, _, ok := bytes.Cut(after, []byte(`"`))
	if !ok {
		return mergedRange{}, false
	}
	from, to, ok := strings.Cut(string(ref), ":")
	if !ok {
		return mergedRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		return mergedRange{}, false
	}
	return mergedRange{top: min(r1, r2), bottom: max(r1, r2), left: min(c1, c2) - 1, right: max(c1, c2) - 1}, true
}

// mergeDown gives row n's cells the values of the cells merged down over
// it from a row above (top holds them, by range, as the rows are read): a
// row that has nothing else is left blank, as a range merged past the
// list's last row is no row of it.
func mergeDown(n int, cells []string, merged []mergedRange, top map[int]string) []string {
	if len(merged) == 0 {
		return cells
	}
	blank := Blank(cells)
	for i, r := range merged {
		switch {
		case n == r.top:
			if r.left < len(cells) {
				top[i] = cells[r.left]
			}
		case n > r.top && n <= r.bottom && !blank && top[i] != "":
			if r.left < len(cells) && strings.TrimSpace(cells[r.left]) != "" {
				continue // a value of its own: not the merged cell's
			}
			for len(cells) <= r.left {
				cells = append(cells, "")
			}
			cells[r.left] = top[i]
		case n > r.bottom:
			delete(top, i)
		}
	}
	return cells
}
