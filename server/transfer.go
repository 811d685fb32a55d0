package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

const (
	importMethod = "/trithuc.v1.TransferService/ImportPeople"
	uploadMethod = "/trithuc.v1.TransferService/UploadImport"
	// maxProblems bounds the problems an import reports, and
	// maxProblemBytes their text, each at most maxProblemMessage: they are
	// stored with the operation. Its counts stay exact.
	maxProblems       = 10000
	maxProblemBytes   = 2 << 20
	maxProblemMessage = 1000
	// maxImportsAtOnce bounds the imports whose files are open, from the
	// call's parsing to the run's end: an open workbook holds its shared
	// strings (up to some 50 MB), and runs take the one writer in turn
	// anyway. A caller beyond it is refused at once with RetryInfo.
	maxImportsAtOnce = 2
	importRetryDelay = 10 * time.Second
)

// transferService imports and exports spreadsheets. Imports run in the
// background as long-running operations; runs holds those of this process,
// whose progress lives in memory until they end (the import's transaction
// holds the one write connection, so progress cannot be written as it goes).
type transferService struct {
	pb.UnimplementedTransferServiceServer
	s        *Server
	db       *store.DB
	requests idempotency

	mu   sync.Mutex
	runs map[string]*importRun
	// stopped is set by stop, after which no import starts; running
	// counts the imports' goroutines.
	stopped bool
	running sync.WaitGroup
	// slots holds a token per import whose file is open.
	slots chan struct{}
}

// errImportsBusy refuses an import while maxImportsAtOnce are open.
var errImportsBusy = withDetails(codes.ResourceExhausted,
	fmt.Sprintf("%d imports are running, the most the server runs at once; retry in %s", maxImportsAtOnce, importRetryDelay),
	&errdetails.RetryInfo{RetryDelay: durationpb.New(importRetryDelay)})

// errServerStopped is the cause of an import cancelled by the server's
// shutdown.
var errServerStopped = errors.New("the server stopped")

// stop cancels the imports running, and refuses new ones.
func (t *transferService) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	for _, run := range t.runs {
		run.cancel(errServerStopped)
	}
}

// stopping reports whether the import id runs still, cancelled by stop.
func (t *transferService) stopping(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopped && t.runs[id] != nil
}

// wait waits until the imports stop has cancelled have ended, or ctx.
func (t *transferService) wait(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		t.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

type importRun struct {
	mu        sync.Mutex
	principal string
	meta      *pb.ImportPeopleMetadata
	cancel    context.CancelCauseFunc
	// skipped are the sheets a limited key's import does not read, each
	// said by a warning.
	skipped []skippedSheet
	// probes are the rows of a key limited to an association that ask,
	// as RegisterMember does, whether a registered person holds a
	// national ID: the run waits for as many of the key's calls
	// (Server.chargeCalls) before it starts.
	probes int
}

func (r *importRun) metadata() *pb.ImportPeopleMetadata {
	r.mu.Lock()
	defer r.mu.Unlock()
	return proto.Clone(r.meta).(*pb.ImportPeopleMetadata)
}

func (t *transferService) ImportPeople(ctx context.Context, req *pb.ImportPeopleRequest) (*longrunningpb.Operation, error) {
	fileDelivered(ctx)
	return t.startImport(ctx, req)
}

// startImport starts the import of req's file, whether it came whole
// (ImportPeople) or in chunks (UploadImport), and answers its operation.
func (t *transferService) startImport(ctx context.Context, req *pb.ImportPeopleRequest) (*longrunningpb.Operation, error) {
	p := principal(ctx)
	if err := t.db.CheckImportRegistryDate(req.GetRegistryDate(), "registry_date"); err != nil {
		return nil, grpcError(ctx, err)
	}
	select {
	case t.slots <- struct{}{}:
	default:
		return nil, errImportsBusy
	}
	// The run gives the slot back when it ends; a call that starts none,
	// when it returns.
	started := false
	defer func() {
		if !started {
			<-t.slots
		}
	}()
	data := req.GetFile().GetData()
	wb, err := transfer.Open(data, transfer.Sniff(req.GetFile().GetContentType(), data))
	if err != nil {
		return nil, fieldError("file", err.Error())
	}
	names, err := t.importNames(ctx)
	if err != nil {
		wb.Close()
		return nil, grpcError(ctx, err)
	}
	records, skipped, probes, err := t.recordSheets(ctx, wb, names)
	if err != nil {
		wb.Close()
		return nil, err
	}
	sheet, people := wb.PeopleSheetOf()
	if slices.ContainsFunc(skipped, func(s skippedSheet) bool { return people && s.name == sheet }) {
		people = false // a limited key's own people, not read (transfer_scope.go)
	}
	var rows transfer.Rows = emptyRows{}
	if people {
		if rows, err = wb.Rows(sheet); err != nil {
			wb.Close()
			return nil, fieldError("file", err.Error())
		}
	}
	var mapping *transfer.Mapping
	switch {
	case !people && len(records) > 0:
		// Records alone.
	case rows.Next():
		_, header := rows.Row()
		var errs []transfer.CellError
		if mapping, errs = transfer.MapHeader(header); len(errs) > 0 {
			below := headerBelow(rows, func(cells []string) bool { _, errs := transfer.MapHeader(cells); return len(errs) == 0 })
			rows.Close()
			wb.Close()
			v := &errdetails.BadRequest{}
			for _, e := range errs {
				v.FieldViolations = append(v.FieldViolations, &errdetails.BadRequest_FieldViolation{
					Field: "file", Description: fmt.Sprintf("row 1, column %s: %s", columnName(e.Index, e.Column), e.Msg)})
			}
			return nil, withDetails(codes.InvalidArgument, "the header row of the file is not the template's: "+cmp.Or(below, errs[0].Msg), v)
		}
		mapping.SetDate1904(wb.Date1904())
		mapping.SetNames(names)
	default:
		err := rows.Err()
		rows.Close()
		wb.Close()
		if err != nil {
			return nil, fieldError("file", err.Error())
		}
		return nil, fieldError("file", "the file is empty: the first row must be the template's headers")
	}
	meta := &pb.ImportPeopleMetadata{RowsTotal: estimateRows(wb, sheet, people, records, data), ValidateOnly: req.GetValidateOnly(),
		SkipInvalid: req.GetSkipInvalid(), CreateTime: timestamppb.Now()}
	meta.UpdateTime = meta.CreateTime
	op := &store.Operation{ID: store.NewOperationID(), Kind: store.ImportOperationKind, Principal: p.ID}
	op.Metadata, _ = proto.Marshal(meta)
	// The answer is the operation as created, made before the run starts:
	// the run marks op done inside its transaction, before the commit, and
	// an answer made after that would say done for an import that a read
	// does not see yet (or ever, if the commit fails). A repeat of a
	// request_id is answered the first operation, and starts none.
	answer := t.operation(op, meta)
	fresh, err := t.db.StartOperation(ctx, op, answer, store.CreateOptions{Request: t.requestKey(ctx, req), Audit: auditEvent(ctx)})
	if err != nil || !fresh {
		rows.Close()
		wb.Close()
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		return answer, nil
	}
	// The run outlives the call; its audit event is the call's, naming the
	// method called (ImportPeople, or UploadImport for a file sent in
	// chunks), the operation and, as it writes them, every person it
	// creates or changes (in parts of store.AuditPartNames names, stored
	// with the import).
	ev := t.s.newAuditEvent(callFrom(ctx))
	ev.AddResources("operations/" + op.ID)
	runCtx, cancel := context.WithCancelCause(withAuditEvent(context.WithoutCancel(ctx), ev))
	run := &importRun{principal: p.ID, meta: meta, cancel: cancel, skipped: skipped, probes: probes}
	t.mu.Lock()
	t.runs[op.ID] = run
	if t.stopped {
		cancel(errServerStopped)
	}
	t.running.Add(1)
	t.mu.Unlock()
	started = true
	go func() {
		defer func() { <-t.slots }()
		defer t.running.Done()
		defer cancel(nil)
		defer wb.Close()
		defer rows.Close()
		code := t.guard(runCtx, op, run, func() codes.Code {
			return t.runImport(runCtx, op, run, req, wb, records, names, sheet, rows, mapping)
		})
		if !ev.Stored() {
			// Nothing committed (a dry run, refused rows, a failure): the
			// run is still on record, with its outcome, naming the
			// operation and the people its rows met (store.Importer.meet).
			ev.Code = codeName(code)
		}
		if !ev.Stored() || ev.Unsaved() {
			if err := t.s.audit.cut(ev); err != nil {
				t.s.log.Error("import: recording the people it met", "operation", op.ID, "err", err)
			}
			t.s.audit.add(ev)
		}
		t.mu.Lock()
		delete(t.runs, op.ID)
		t.mu.Unlock()
	}()
	return answer, nil
}

// guard runs an import's run and returns its code. A panic in it (a
// fault of ours, or of a library on a strange file) ends the operation
// INTERNAL, logged with its stack, instead of the process: nothing of a
// run that panicked commits, its transaction is rolled back as the panic
// leaves it.
func (t *transferService) guard(ctx context.Context, op *store.Operation, run *importRun, fn func() codes.Code) (code codes.Code) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		t.s.log.Error("import: panic", "operation", op.ID, "panic", p, "stack", string(debug.Stack()))
		code = codes.Internal
		op.Metadata, _ = proto.Marshal(run.metadata())
		op.Response, op.Report = nil, nil
		op.Error, _ = proto.Marshal(status.Convert(errInternal).Proto())
		if err := t.db.FinishOperation(context.WithoutCancel(ctx), op, nil); err != nil {
			t.s.log.Error("import: storing the end of the operation", "operation", op.ID, "err", err)
		}
	}()
	return fn()
}

// estimateRows is the number of data rows the import reads, of the
// people sheet (when people) and of the sheets of records: the sheets'
// dimensions for a workbook, the lines for a CSV file. It is 0, unknown,
// when a sheet's is (a workbook written without dimensions), rather than
// a total the rows read would pass.
func estimateRows(wb *transfer.Workbook, sheet string, people bool, records []recordSheet, data []byte) int64 {
	var total int64
	if people {
		total = wb.DataRows(sheet, data)
	}
	for _, rs := range records {
		n := wb.DataRows(rs.name, data)
		if n < 0 || total < 0 {
			return 0
		}
		total += n
	}
	return max(total, 0)
}

// maxTitleRows is how far under row 1 an import looks for the template's
// headers when row 1 is not them.
const maxTitleRows = 10

// headerBelow says where the headers are when a list has a title above
// them (the national motto, the list's name, often merged across the
// columns), as rows reads on from row 1: the row of the first that
// header takes, within maxTitleRows; "" when none is.
func headerBelow(rows transfer.Rows, header func([]string) bool) string {
	for i := 0; i < maxTitleRows && rows.Next(); i++ {
		if n, cells := rows.Row(); header(cells) {
			return fmt.Sprintf("the template's headers are on row %d, under a title: delete the rows above them, so that the headers are row 1", n)
		}
	}
	return ""
}

// errRefused ends an all-or-nothing import that has bad rows: nothing
// commits.
var errRefused = errors.New("rows refused")

// runImport runs an import and stores its end; it returns the code it
// ended with.
func (t *transferService) runImport(ctx context.Context, op *store.Operation, run *importRun, req *pb.ImportPeopleRequest,
	wb *transfer.Workbook, records []recordSheet, names transfer.Names, sheet string, rows transfer.Rows, mapping *transfer.Mapping) codes.Code {
	resp := &pb.ImportPeopleResponse{}
	kept := 0 // bytes of the problems' messages
	counts := problemCounts{}
	sheetProblem := func(sheet string, pr *pb.ImportProblem) {
		pr.Message = clip(pr.Message, maxProblemMessage)
		resp.ProblemsFound++
		counts.add(sheet, pr)
		if len(resp.Problems) < maxProblems && kept+len(pr.Message) <= maxProblemBytes {
			pr.Sheet = sheet
			resp.Problems = append(resp.Problems, pr)
			kept += len(pr.Message)
		}
	}
	problem := func(pr *pb.ImportProblem) { sheetProblem(sheet, pr) }
	for _, s := range run.skipped {
		sheetProblem(s.name, skippedWarning(s))
	}
	progress := func(refused bool) {
		run.mu.Lock()
		run.meta.RowsRead++
		if refused {
			run.meta.RowsRefused++
		} else {
			run.meta.RowsAccepted++
		}
		run.meta.UpdateTime = timestamppb.Now()
		run.mu.Unlock()
	}
	finish := func(op *store.Operation) {
		// Found by check (a cell, the request's rules, the store's) and
		// the people sheet first; said as the file is corrected.
		inFileOrder(resp.Problems, wb.Sheets())
		if resp.ProblemsFound > int64(len(resp.Problems)) {
			// Not all are listed: what a column's mistake made on every
			// row comes to is said by the counts.
			resp.ProblemCounts = counts.list()
		}
		resp.Applied = !req.GetValidateOnly() && (resp.Refused == 0 || req.GetSkipInvalid())
		op.Metadata, _ = proto.Marshal(run.metadata())
		op.Report = importReport(req.GetFile(), sheet, resp)
		if meta := run.metadata(); meta.RowsRead == 0 {
			// A template sent as it is: say so, rather than count nothing.
			op.Error, _ = proto.Marshal(status.Convert(fieldError("file", noRows)).Proto())
			return
		}
		if resp.Refused > 0 && !req.GetSkipInvalid() {
			st := status.New(codes.InvalidArgument, refusedRows(resp.Refused))
			if d, err := st.WithDetails(resp); err == nil {
				st = d
			}
			op.Error, _ = proto.Marshal(st.Proto())
			return
		}
		a, _ := anypb.New(resp)
		op.Response, _ = proto.Marshal(a)
	}
	// A dry run of people alone lets other writes in between slices of
	// rows, unless two rows may name one person: the later must find what
	// the earlier did, as in the import. Records need the people the
	// sheet creates.
	yield := req.GetValidateOnly() && len(records) == 0 && !repeats(wb, sheet, mapping)
	var ids transfer.NationalIDs
	// Before the writer is held: waiting holds no one else up.
	err := t.s.chargeCalls(ctx, run.principal, run.probes)
	if err == nil {
		err = t.db.Import(ctx, store.ImportOptions{Audit: auditEvent(ctx), DryRun: req.GetValidateOnly(), Overwrite: req.GetOverwrite(), Operation: op, Finish: finish,
			Admin: !restrictionApplies(ctx), DryRunSlice: t.s.cfg.DryRunSlice, Yields: yield, RegistryDate: req.GetRegistryDate()},
			func(im *store.Importer) error {
				for rows.Next() {
					if err := ctx.Err(); err != nil {
						return err
					}
					if yield {
						if err := im.Yield(ctx); err != nil {
							return err
						}
					}
					n, cells := rows.Row()
					if transfer.Blank(cells) {
						continue
					}
					person, cellErrs := mapping.Person(cells)
					if e := ids.Check(mapping, n, person); e != nil {
						cellErrs = append(cellErrs, *e)
					}
					reported, refused := cellProblems(int32(n), cellErrs, problem)
					var err error
					if refused {
						// Its other fields are checked all the same: a row's
						// problems come at once, not one per attempt.
						err = t.checkRow(ctx, im, person, int32(n), mapping, reported, problem)
					} else {
						refused, err = t.importRow(ctx, im, person, int32(n), mapping, resp, problem)
					}
					if err != nil {
						return err
					}
					if refused {
						resp.Refused++
						im.RefusedRow(person.GetNationalId(), n)
					}
					progress(refused)
				}
				if err := rows.Err(); err != nil {
					return err
				}
				for _, rs := range records {
					if err := t.importRecords(ctx, im, wb, rs, names, resp, sheetProblem, progress); err != nil {
						return err
					}
				}
				if resp.Refused > 0 && !req.GetSkipInvalid() {
					return errRefused
				}
				return nil
			})
	}
	code := codes.OK
	switch {
	case err == nil && !req.GetValidateOnly():
		return code // the operation was finished in the import's transaction
	case err == nil, errors.Is(err, errRefused):
		finish(op)
		if len(op.Error) > 0 {
			code = codes.InvalidArgument
		}
	case errors.Is(context.Cause(ctx), errServerStopped):
		code = codes.Aborted
		meta := run.metadata()
		t.s.log.Warn("the shutdown stopped an import: nothing of it was imported; it ends ABORTED and must be run again",
			"operation", "operations/"+op.ID, "principal", run.principal, "rows_read", meta.GetRowsRead(), "rows_total", meta.GetRowsTotal())
		op.Metadata, _ = proto.Marshal(meta)
		op.Error, _ = proto.Marshal(status.New(code, interruptedMessage).Proto())
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
		op.Metadata, _ = proto.Marshal(run.metadata())
		op.Error, _ = proto.Marshal(status.New(code, "the import was cancelled; nothing was imported").Proto())
	case errors.Is(err, transfer.ErrUnreadable):
		code = codes.InvalidArgument
		op.Metadata, _ = proto.Marshal(run.metadata())
		op.Error, _ = proto.Marshal(status.New(code, err.Error()+"; nothing was imported").Proto())
	default:
		slog.Error("import failed", "operation", op.ID, "err", err)
		st := status.Convert(grpcError(ctx, err))
		code = st.Code()
		op.Metadata, _ = proto.Marshal(run.metadata())
		op.Error, _ = proto.Marshal(st.Proto())
	}
	// Not under the import's audit event: a write stores its event as OK,
	// and this one records an import that did not commit (the caller
	// stores the event with the import's code).
	if err := t.db.FinishOperation(context.WithoutCancel(ctx), op, nil); err != nil {
		slog.Error("import: storing the end of the operation", "operation", op.ID, "err", err)
	}
	return code
}

// operation is the google.longrunning form of a stored operation, with the
// progress of a run in this process when it is still running.
func (t *transferService) operation(op *store.Operation, meta *pb.ImportPeopleMetadata) *longrunningpb.Operation {
	out := &longrunningpb.Operation{Name: "operations/" + op.ID, Done: op.Done}
	switch {
	case op.Kind == reportOperationKind:
		rm := &pb.CreateReportMetadata{}
		proto.Unmarshal(op.Metadata, rm)
		out.Metadata, _ = anypb.New(rm)
	case meta == nil:
		meta = &pb.ImportPeopleMetadata{}
		proto.Unmarshal(op.Metadata, meta)
		fallthrough
	default:
		out.Metadata, _ = anypb.New(meta)
	}
	switch {
	case len(op.Error) > 0:
		st := new(spb.Status)
		if proto.Unmarshal(op.Error, st) == nil {
			// The ErrorInfo every error carries (errors.go), for the
			// errors stored before there was one too.
			out.Result = &longrunningpb.Operation_Error{Error: withErrorInfo(status.FromProto(st)).Proto()}
		}
	case len(op.Response) > 0:
		a := new(anypb.Any)
		if proto.Unmarshal(op.Response, a) == nil {
			out.Result = &longrunningpb.Operation_Response{Response: a}
		}
	}
	return out
}
