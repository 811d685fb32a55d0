package transfer

import (
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"
)

// Writer writes rows of cells to a file of one format.
type Writer interface {
	Write(cells []string) error
	// Close ends the file; an XLSX is written to the output only then.
	Close() error
}

// NewWriter returns a writer of format to w.
func NewWriter(w io.Writer, format Format, sheet string) (Writer, error) {
	if format == XLSX {
		f := excelize.NewFile()
		f.SetSheetName("Sheet1", sheet)
		sw, err := newSheetStream(f, sheet)
		if err != nil {
			return nil, err
		}
		return &xlsxWriter{f: f, sw: sw, out: w}, nil
	}
	// The byte order mark makes Excel read the file as UTF-8.
	if _, err := w.Write(bom); err != nil {
		return nil, err
	}
	return NewCSVWriter(w, false), nil
}

// SheetWriter is a Writer of a workbook, which can go on to another sheet.
type SheetWriter interface {
	Writer
	// NextSheet ends the current sheet and starts the sheet name; the
	// rows written next go to it.
	NextSheet(name string) error
}

// xlsxWriter streams rows into excelize's stream writer, which keeps them
// in a temporary file rather than in memory. Every cell is text, so that
// identifiers keep their leading zeros.
type xlsxWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	out io.Writer
	n   int
}

// newSheetStream starts the stream of an existing sheet whose first row
// is its header: it prints as the statistics' sheets do (PrintSetup).
func newSheetStream(f *excelize.File, sheet string) (*excelize.StreamWriter, error) {
	if err := printLayout(f, sheet, 1); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	return sw, sw.SetPanes(headerPanes(1))
}

func (x *xlsxWriter) Write(cells []string) error {
	x.n++
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = excelize.Cell{Value: c}
	}
	axis, _ := excelize.CoordinatesToCellName(1, x.n)
	return x.sw.SetRow(axis, row)
}

func (x *xlsxWriter) NextSheet(name string) error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if _, err := x.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := newSheetStream(x.f, name)
	if err != nil {
		return err
	}
	x.sw, x.n = sw, 0
	return nil
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.out)
	return err
}

// chunkWriter hands what is written to send in chunks of about size bytes.
type chunkWriter struct {
	buf  bytes.Buffer
	size int
	send func([]byte) error
}

// NewChunker returns a writer that calls send with chunks of about size
// bytes, and a flush for the rest.
func NewChunker(size int, send func([]byte) error) (io.Writer, func() error) {
	c := &chunkWriter{size: size, send: send}
	return c, func() error {
		if c.buf.Len() == 0 {
			return nil
		}
		defer c.buf.Reset()
		return send(bytes.Clone(c.buf.Bytes()))
	}
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.buf.Write(p)
	for c.buf.Len() >= c.size {
		if err := c.send(bytes.Clone(c.buf.Next(c.size))); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
