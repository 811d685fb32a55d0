package transfer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// defaultStyles is the styles part a workbook gets when its own cannot take
// new styles: one font, the two fills Excel reserves, one border and the
// plain cell format.
const defaultStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

const (
	stylesRelType     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
	stylesContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
)

// withStyles returns the workbook data with a styles part that new styles
// can be added to. A workbook written by a tool other than Excel may have
// none, an empty one, or one whose cell formats name fonts, fills or
// borders it lacks; excelize adds a style to such a part by dereferencing
// what is not there (a panic). Such a part is replaced by defaultStyles
// (the cells' formats it named could not be shown anyway), and a part
// that was missing is added with its relationship and content type.
func withStyles(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var styles *zip.File
	for _, f := range zr.File {
		if f.Name == stylesPath {
			styles = f
		}
	}
	if styles != nil && stylesUsable(styles) {
		return data, nil
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		var text string
		switch f.Name {
		case stylesPath:
			text = defaultStyles
		case "[Content_Types].xml", "xl/_rels/workbook.xml.rels":
			if styles != nil {
				break
			}
			b, err := readPart(f, 1<<20)
			if err != nil {
				return nil, err
			}
			if text, err = declareStyles(f.Name, string(b)); err != nil {
				return nil, err
			}
		}
		if text == "" {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, text); err != nil {
			return nil, err
		}
	}
	if styles == nil {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: stylesPath, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, defaultStyles); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// declareStyles adds to the content types or the workbook's relationships
// the entry of the styles part, unless it has one.
func declareStyles(name, text string) (string, error) {
	has, entry, end := `PartName="/xl/styles.xml"`,
		`<Override PartName="/xl/styles.xml" ContentType="`+stylesContentType+`"/>`, "</Types>"
	if name != "[Content_Types].xml" {
		has, entry, end = `"`+stylesRelType+`"`,
			`<Relationship Id="rIdTrithucStyles" Type="`+stylesRelType+`" Target="styles.xml"/>`, "</Relationships>"
	}
	if strings.Contains(text, has) {
		return text, nil
	}
	i := strings.LastIndex(text, end)
	if i < 0 {
		return "", errors.New(name + " does not end as it should")
	}
	return text[:i] + entry + text[i:], nil
}

// stylesUsable reports whether the styles part has a font, a fill, a
// border and a cell format (and the two fills Excel reserves), and every cell format names ones it has.
func stylesUsable(f *zip.File) bool {
	b, err := readPart(f, maxUnzipInMemory)
	if err != nil {
		return false
	}
	type list struct {
		Items []struct{} `xml:",any"`
	}
	var ss struct {
		Fonts   *list `xml:"fonts"`
		Fills   *list `xml:"fills"`
		Borders *list `xml:"borders"`
		CellXfs *struct {
			Xf []struct {
				Font   int `xml:"fontId,attr"`
				Fill   int `xml:"fillId,attr"`
				Border int `xml:"borderId,attr"`
			} `xml:"xf"`
		} `xml:"cellXfs"`
	}
	if xml.Unmarshal(b, &ss) != nil || ss.Fonts == nil || ss.Fills == nil || ss.Borders == nil || ss.CellXfs == nil {
		return false
	}
	fonts, fills, borders := len(ss.Fonts.Items), len(ss.Fills.Items), len(ss.Borders.Items)
	// Excel reserves the first two fills (none, gray125): a fill added
	// after a single one would not show.
	if fonts == 0 || fills < 2 || borders == 0 || len(ss.CellXfs.Xf) == 0 {
		return false
	}
	for _, x := range ss.CellXfs.Xf {
		if x.Font < 0 || x.Font >= fonts || x.Fill < 0 || x.Fill >= fills || x.Border < 0 || x.Border >= borders {
			return false
		}
	}
	return true
}

// readPart reads a part of the zip, refusing one larger than limit.
func readPart(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errors.New(f.Name + " is too large")
	}
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit))
}
