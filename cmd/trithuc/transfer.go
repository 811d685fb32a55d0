package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

const importUsage = `Usage: trithuc import people FILE.xlsx|FILE.csv [--dry-run] [--skip-invalid] [--overwrite] [--registry-date DD/MM/YYYY] [--report ERRORS.xlsx] [flags]
       trithuc import template [flags] > mau.xlsx
       trithuc import status OPERATION [flags]

Imports people from a workbook or a CSV file (TransferService.UploadImport),
showing the operation's progress on stderr, then the problems by sheet, row
and column. Without --skip-invalid one bad row imports nothing, and so
does an import that does not end well (cancelled, stopped by the server,
failed): it then exits non-zero saying so. When the connection to the
server is lost, "trithuc import status" reads the operation later.

--registry-date is the day the lists the file comes from had its people
(Ngày vào danh sách): the people it registers count from it in the
figures and reports as on a date, unless their row gives a date of its
own; without it they count from the day of the import.

Flags:
`

// importOptions are the flags of import people.
type importOptions struct {
	client                         clientFlags
	dryRun, skip, overwrite, quiet bool
	reportFile                     string
	registryDate                   string
}

// register adds the flags of import people to fs (completion too, for
// import people and people import alike).
func (o *importOptions) register(fs *flag.FlagSet) {
	o.client.register(fs)
	fs.BoolVar(&o.dryRun, "dry-run", false, "check every row and report, changing nothing")
	fs.BoolVar(&o.skip, "skip-invalid", false, "import the good rows and list the bad ones")
	fs.BoolVar(&o.overwrite, "overwrite", false, "let imported values replace different registered ones")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	fs.StringVar(&o.reportFile, "report", "", "when there are problems, save the file with its errors marked to this `xlsx` file")
	fs.StringVar(&o.registryDate, "registry-date", "", "the `DD/MM/YYYY` the new people count from (Ngày vào danh sách) when their row gives none; the day of the import when empty")
}

// runImport is `trithuc import people FILE`: it starts the import, follows
// its operation with a progress bar, and prints the outcome.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "template" {
		return runTemplate(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "status" {
		return runImportStatus(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "people" {
		args = args[1:]
	} else if len(args) == 0 || !isHelp(args[0]) {
		fmt.Fprint(stderr, importUsage)
		return usageError("import: say what to import: trithuc import people FILE, or import template, or import status OPERATION")
	}
	fs := flag.NewFlagSet("trithuc import people", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o importOptions
	o.register(fs)
	cf := &o.client
	fs.Usage = func() {
		fmt.Fprint(stderr, importUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("import people: give one file")
	}
	if err := cf.checkOutput(); err != nil {
		return err
	}
	registryDate, err := transfer.ParseDate(o.registryDate)
	if err != nil || registryDate != nil && (registryDate.Month == 0 || registryDate.Day == 0) {
		return usageError(fmt.Sprintf("--registry-date: %q is not a whole date: write DD/MM/YYYY, e.g. 01/06/2025", o.registryDate))
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	ct := transfer.ContentTypeXLSX
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		ct = transfer.ContentTypeCSV
	}
	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()
	cctx, cancel := context.WithTimeout(ctx, cf.timeout)
	// In chunks: over gRPC a message may be at most 4 MiB, a file 64 MiB.
	// The client gives the request a request_id, one per invocation: a
	// retry of its own is answered the first import, never a second.
	op, err := cl.UploadImport(cctx, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: ct, Data: data},
		ValidateOnly: o.dryRun, SkipInvalid: o.skip, Overwrite: o.overwrite, RegistryDate: registryDate})
	cancel()
	if err != nil {
		return callError(err)
	}
	bar := &progressBar{w: stderr, quiet: o.quiet, dryRun: o.dryRun}
	op, err = followImport(ctx, cf, cl.Conn(), op, bar)
	bar.end()
	if err != nil {
		return err
	}
	err = printImport(stdout, cf.output, op)
	// An import cut short (stopped, cancelled, failed) read no file to the
	// end: it has no report, and its error says why.
	if o.reportFile != "" && importResponse(op) != nil {
		cctx, cancel := context.WithTimeout(ctx, cf.timeout)
		defer cancel()
		report, rerr := cl.Transfer.GetImportReport(cctx, &pb.GetImportReportRequest{Name: op.GetName()})
		switch {
		case status.Code(rerr) == codes.NotFound:
			fmt.Fprintln(stderr, "no problem: no report written")
		case rerr != nil:
			return errors.Join(err, callError(rerr))
		default:
			if werr := os.WriteFile(o.reportFile, report.GetData(), 0o644); werr != nil {
				return errors.Join(err, werr)
			}
			fmt.Fprintf(stderr, "the file with its errors marked: %s\n", o.reportFile)
		}
	}
	return err
}

// printImport prints an ended import: its counts and problems, and, when it
// imported nothing, why (importFailed).
func printImport(w io.Writer, format string, op *longrunningpb.Operation) error {
	resp := importResponse(op)
	if resp == nil && op.GetError() == nil {
		return fmt.Errorf("%s: the server's answer holds no import response", op.GetName())
	}
	switch {
	case resp == nil:
	case format == "json":
		if err := printJSON(w, resp); err != nil {
			return err
		}
	default:
		applied := "applied"
		if !resp.GetApplied() {
			applied = "not applied"
		}
		fmt.Fprintf(w, "%s: %d created, %d updated, %d unchanged, %d refused, %d possible duplicates (%s)\n",
			op.GetName(), resp.GetCreated(), resp.GetUpdated(), resp.GetUnchanged(), resp.GetRefused(), resp.GetPossibleDuplicates(), applied)
		if len(resp.GetProblems()) > 0 {
			rows := [][]string{{"SHEET", "ROW", "COLUMN", "KIND", "PROBLEM"}}
			for _, p := range resp.GetProblems() {
				rows = append(rows, []string{p.GetSheet(), strconv.Itoa(int(p.GetRow())), p.GetColumn(), p.GetKind().String(), p.GetMessage()})
			}
			fmt.Fprintln(w)
			printTable(w, rows, 99)
		}
		if counts := resp.GetProblemCounts(); len(counts) > 0 {
			// Not all are listed: a column's mistake is said by its count.
			fmt.Fprintf(w, "\n%d problems found, the first %d listed; by column:\n", resp.GetProblemsFound(), len(resp.GetProblems()))
			rows := [][]string{{"SHEET", "COLUMN", "KIND", "COUNT", "FIRST ROW", "FIRST PROBLEM"}}
			for _, c := range counts {
				rows = append(rows, []string{c.GetSheet(), c.GetColumn(), c.GetKind().String(), strconv.FormatInt(c.GetCount(), 10),
					strconv.Itoa(int(c.GetFirstRow())), c.GetFirstMessage()})
			}
			printTable(w, rows, 99)
		}
	}
	if e := op.GetError(); e != nil {
		return importFailed(op.GetName(), status.FromProto(e))
	}
	return nil
}

// importResponse is what an ended import reports: its counts and problems,
// in its response or, when rows were refused, its error's details. An
// import cut short (stopped, cancelled, failed) has none: nil.
func importResponse(op *longrunningpb.Operation) *pb.ImportPeopleResponse {
	if e := op.GetError(); e != nil {
		for _, d := range status.FromProto(e).Details() {
			if r, ok := d.(*pb.ImportPeopleResponse); ok {
				return r
			}
		}
		return nil
	}
	resp := &pb.ImportPeopleResponse{}
	if op.GetResponse().UnmarshalTo(resp) != nil {
		return nil
	}
	return resp
}

// runDownload calls a method that streams a file (google.api.HttpBody
// chunks, as ExportPeople does) and writes the file to stdout.
func runDownload(ctx context.Context, cf *clientFlags, full string, req proto.Message, stdout io.Writer) error {
	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()
	cctx, cancel := context.WithTimeout(ctx, cf.timeout)
	defer cancel()
	stream, err := cl.Conn().NewStream(cctx, &grpc.StreamDesc{ServerStreams: true}, full)
	if err != nil {
		return callError(err)
	}
	if err := stream.SendMsg(req); err != nil {
		return callError(err)
	}
	if err := stream.CloseSend(); err != nil {
		return callError(err)
	}
	for {
		chunk := &httpbody.HttpBody{}
		err := stream.RecvMsg(chunk)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if status.Code(err) == codes.Unknown {
				return err
			}
			return callError(err)
		}
		if _, err := stdout.Write(chunk.GetData()); err != nil {
			return err
		}
	}
}

// runTemplate is `trithuc import template > mau.xlsx`.
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc import template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	fileOutput(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: trithuc import template [flags] > mau.xlsx\n\nWrites the import template (TransferService.GetImportTemplate) to stdout.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("import template takes no argument")
	}
	if err := refuseOutput(fs, "import template"); err != nil {
		return err
	}
	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()
	cctx, cancel := context.WithTimeout(ctx, cf.timeout)
	defer cancel()
	body, err := cl.Transfer.GetImportTemplate(cctx, &pb.GetImportTemplateRequest{})
	if err != nil {
		return callError(err)
	}
	_, err = stdout.Write(body.GetData())
	return err
}
