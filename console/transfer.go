package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Lists of people out (ExportPeople) and in (ImportPeople) as spreadsheets.

// exportPeople downloads the people the search form's filters choose, in
// the list's order, as the server exports them. The text query is not a
// filter the export takes, so the search page says the export follows the
// filters only.
func (h *Handler) exportPeople(q *request) {
	v := q.r.URL.Query()
	format, name := pb.SpreadsheetFormat_CSV, "danh-sach-tri-thuc.csv"
	if v.Get("format") == "xlsx" {
		format, name = pb.SpreadsheetFormat_XLSX, "danh-sach-tri-thuc.xlsx"
	}
	req := &pb.ExportPeopleRequest{Filter: searchFilter(v, time.Now().In(store.Vietnam), h.districtArea(q.ctx(), v)), OrderBy: peopleOrder(v.Get("sort")), Format: format}
	if v.Get("list") == "members" && v.Get("member_of") != "" {
		// The membership desk's list: the association's memberships in
		// the state shown, with the members' names and numbers; a CSV
		// file holds that sheet alone, a workbook the people's too. The
		// state named, withdrawn and rejected registrations are listed
		// too, as the desk shows them (server/export_records.go).
		req.MembershipFilter = "association = " + quote("associations/"+v.Get("member_of"))
		if s := v.Get("member_state"); s != "" {
			req.MembershipFilter += " AND state = " + quote(s)
		}
		if format == pb.SpreadsheetFormat_CSV {
			req.Sheet, name = pb.ExportPeopleRequest_MEMBERSHIPS, "danh-sach-hoi-vien.csv"
		}
	}
	stream, err := h.transfer.ExportPeople(q.ctx(), req)
	if err == nil {
		var first *httpbody.HttpBody
		// A server stream's error comes with its first message.
		if first, err = stream.Recv(); err == nil {
			q.w.Header().Set("Content-Type", first.GetContentType())
			q.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
			q.w.Write(first.GetData())
			for {
				chunk, err := stream.Recv()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					// The status is sent: cut the connection, so that the
					// browser reports a failed download, not a short file.
					h.log.ErrorContext(q.r.Context(), "console: exporting people", "err", err)
					panic(http.ErrAbortHandler)
				}
				q.w.Write(chunk.GetData())
			}
		}
	}
	q.fail(h, err)
}

// importTemplate downloads the workbook to fill in for an import: its
// columns, drop-down lists and a sheet per kind of record, as the server
// makes it (GetImportTemplate). The import page says the file follows it.
func (h *Handler) importTemplate(q *request) {
	if q.notForUnits(h, "Tải tệp mẫu") {
		return
	}
	body, err := h.transfer.GetImportTemplate(q.ctx(), &pb.GetImportTemplateRequest{})
	if err != nil {
		q.fail(h, err)
		return
	}
	q.w.Header().Set("Content-Type", body.GetContentType())
	q.w.Header().Set("Content-Disposition", `attachment; filename="mau-nhap-danh-sach-tri-thuc.xlsx"`)
	q.w.Write(body.GetData())
}

type importData struct {
	// The form's choices, kept when it is shown again.
	ValidateOnly, SkipInvalid, Overwrite bool
	// RegistryDate is the Ngày vào danh sách of the new people whose row
	// gives none, as typed (ImportPeopleRequest.registry_date).
	RegistryDate string
	// RequestID is the form's request id (formRequestID): the form sent
	// twice imports the file once.
	RequestID string

	// The import, once started.
	Name     string
	Done     bool
	Meta     *pb.ImportPeopleMetadata
	Result   *pb.ImportPeopleResponse
	Percent  int64 // of the rows read, -1 when the total is not known
	Progress string
	Failed   string
	Problems []*pb.ImportProblem
}

func (h *Handler) importPage(q *request) {
	if q.notForUnits(h, "Nhập danh sách từ tệp") || !q.mayWrite(h, "Nhập danh sách từ tệp") {
		return
	}
	q.show(h, "imports", "people", "Nhập danh sách", &page{Data: &importData{ValidateOnly: true, RequestID: q.formRequestID()}})
}

// startImport sends the uploaded file to ImportPeople and shows the
// operation's page, which follows its progress.
func (h *Handler) startImport(q *request) {
	// A role that may not import is refused as its form is, in the
	// console's words, before the file goes to the server.
	if q.notForUnits(h, "Nhập danh sách từ tệp") || !q.mayWrite(h, "Nhập danh sách từ tệp") {
		return
	}
	d := &importData{ValidateOnly: q.r.PostFormValue("validate_only") != "", SkipInvalid: q.r.PostFormValue("skip_invalid") != "",
		Overwrite: q.r.PostFormValue("overwrite") != "", RequestID: q.formRequestID(),
		RegistryDate: strings.TrimSpace(q.r.PostFormValue("registry_date"))}
	p := &page{Data: d}
	var registryDate *date.Date
	if d.RegistryDate != "" {
		var err error
		if registryDate, err = parseDate(d.RegistryDate); err != nil {
			p.Error, p.Fields = "Ngày vào danh sách chưa đúng.", map[string]string{"registry_date": err.Error()}
			q.show(h, "imports", "people", "Nhập danh sách", p)
			return
		}
	}
	f, hdr, err := q.r.FormFile("file")
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		h.TooLarge(q.w, q.r, tooLarge.Limit)
		return
	}
	if err != nil {
		p.Error, p.Fields = "Hãy chọn một tệp XLSX hoặc CSV.", map[string]string{"file": "Chưa chọn tệp."}
		q.show(h, "imports", "people", "Nhập danh sách", p)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, h.opts.MaxImportBytes+1))
	switch {
	case err != nil:
		h.log.ErrorContext(q.r.Context(), "console: reading an uploaded file", "err", err)
		p.Error = "Không đọc được tệp đã tải lên; hãy tải lên lại."
	case int64(len(data)) > h.opts.MaxImportBytes:
		h.TooLarge(q.w, q.r, h.opts.MaxImportBytes)
		return
	}
	if p.Error != "" {
		q.show(h, "imports", "people", "Nhập danh sách", p)
		return
	}
	ct := "text/csv"
	if strings.EqualFold(filepath.Ext(hdr.Filename), ".xlsx") {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	op, err := h.transfer.ImportPeople(q.ctx(), &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: ct, Data: data},
		ValidateOnly: d.ValidateOnly, SkipInvalid: d.SkipInvalid, Overwrite: d.Overwrite, RequestId: d.RequestID,
		RegistryDate: registryDate})
	if err != nil {
		p.Error, p.Fields, _ = explainImport(err, leadImport)
		if requestIDReused(err) {
			d.RequestID = newFormToken()
		}
		q.show(h, "imports", "people", "Nhập danh sách", p)
		return
	}
	q.redirect("/imports/"+strings.TrimPrefix(op.GetName(), "operations/"), "")
}

// importStatus shows an import's progress, reloading itself until it is
// done, and then its result and every problem by row and column.
func (h *Handler) importStatus(q *request) {
	if q.notForUnits(h, "Nhập danh sách từ tệp") {
		return
	}
	op, err := h.ops.GetOperation(q.ctx(), &longrunningpb.GetOperationRequest{Name: "operations/" + q.r.PathValue("id")})
	if err != nil {
		msg, _, code := explainImport(err, leadStatus)
		q.errorPage(h, "Lỗi", msg, code)
		return
	}
	d := &importData{Name: op.GetName(), Done: op.GetDone(), Meta: &pb.ImportPeopleMetadata{}}
	op.GetMetadata().UnmarshalTo(d.Meta)
	d.ValidateOnly, d.SkipInvalid = d.Meta.GetValidateOnly(), d.Meta.GetSkipInvalid()
	d.Progress, d.Percent = progressOf(d.Meta), -1
	if t := d.Meta.GetRowsTotal(); t > 0 && d.Meta.GetRowsRead() <= t {
		d.Percent = d.Meta.GetRowsRead() * 100 / t
	}
	p := &page{Data: d}
	if !d.Done {
		p.Refresh = 2
	}
	switch {
	case op.GetError() != nil:
		st := status.FromProto(op.GetError())
		d.Failed, _, _ = explainImport(st.Err(), leadImport)
		for _, det := range st.Details() {
			if r, ok := det.(*pb.ImportPeopleResponse); ok {
				d.Result = r
				// No form field is wrong but rows of the file: say so.
				d.Failed = fmt.Sprintf("%d dòng của tệp có lỗi nên chưa nhập gì. Hãy sửa các dòng liệt kê dưới đây rồi tải lên lại, hoặc chọn “bỏ qua các dòng sai” để nhập các dòng đúng.", r.GetRefused())
			}
		}
	case op.GetResponse() != nil:
		d.Result = &pb.ImportPeopleResponse{}
		if err := op.GetResponse().UnmarshalTo(d.Result); err != nil {
			q.fail(h, err)
			return
		}
	}
	d.Problems = d.Result.GetProblems()
	q.show(h, "import", "people", "Kết quả nhập danh sách", p)
}

// progressOf says how far an import has read: of the total the server
// estimated, or, when it has none (a workbook that records no sheet
// sizes) or the rows passed it, the rows read alone.
func progressOf(m *pb.ImportPeopleMetadata) string {
	read, total := m.GetRowsRead(), m.GetRowsTotal()
	of := fmt.Sprintf("%d dòng", read)
	if total > 0 && read <= total {
		of = fmt.Sprintf("%d / khoảng %d dòng (%d%%)", read, total, read*100/total)
	}
	return fmt.Sprintf("Đang xử lý: đã đọc %s, %d dòng đúng, %d dòng sai. Trang tự tải lại.", of, m.GetRowsAccepted(), m.GetRowsRefused())
}
