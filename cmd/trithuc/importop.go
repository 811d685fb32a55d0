package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import's operation, followed to its end: the progress bar, the ways
// it can end without importing, and `trithuc import status` to read it
// later.

// pollWait is how long each WaitOperation waits for the import to end,
// and so how often the bar is redrawn. A server told to stop answers a
// wait in flight with the import it cancelled, ended ABORTED.
const pollWait = 250 * time.Millisecond

// followImport waits for op to end, drawing its progress. Interrupted
// (ctx), it cancels the import. A server that stops answering is tried
// again for cf.timeout, so that one restarted says what became of the
// import; after that the server is lost (lostServer).
func followImport(ctx context.Context, cf *clientFlags, conn *grpc.ClientConn, op *longrunningpb.Operation, bar *progressBar) (*longrunningpb.Operation, error) {
	ops := longrunningpb.NewOperationsClient(conn)
	var lost time.Time // when the server stopped answering
	var lostErr error
	for !op.GetDone() {
		if lost.IsZero() {
			bar.show(op)
		}
		if ctx.Err() != nil {
			// Interrupted: the import is cancelled rather than left
			// running unseen; it imports nothing.
			c, stop := context.WithTimeout(context.Background(), cf.timeout)
			_, err := ops.CancelOperation(c, &longrunningpb.CancelOperationRequest{Name: op.GetName()})
			stop()
			switch {
			case lostConnection(err):
				return nil, lostServer(cf.server, op.GetName(), err)
			case err != nil:
				return nil, callError(err)
			}
			return nil, fmt.Errorf("interrupted: %s cancelled, nothing was imported", op.GetName())
		}
		var opts []grpc.CallOption
		if !lost.IsZero() {
			// Reconnect now, not after the connection's growing backoff,
			// and wait for the server a while in each call.
			conn.ResetConnectBackoff()
			opts = append(opts, grpc.WaitForReady(true))
		}
		wait := cf.timeout
		if !lost.IsZero() {
			wait = min(wait, time.Second+pollWait)
		}
		cctx, cancel := context.WithTimeout(ctx, wait)
		next, err := ops.WaitOperation(cctx, &longrunningpb.WaitOperationRequest{Name: op.GetName(), Timeout: durationpb.New(pollWait)}, opts...)
		cancel()
		switch {
		case err == nil:
			op, lost = next, time.Time{}
		case ctx.Err() != nil:
			// Interrupted: cancelled above.
		case lostConnection(err):
			if lost.IsZero() {
				if status.Code(err) == codes.DeadlineExceeded {
					// No answer for cf.timeout already.
					return nil, lostServer(cf.server, op.GetName(), err)
				}
				lost, lostErr = time.Now(), err
				bar.note("lost the server; trying again")
			}
			if time.Since(lost) >= cf.timeout {
				return nil, lostServer(cf.server, op.GetName(), lostErr)
			}
		default:
			return nil, callError(err)
		}
	}
	bar.show(op)
	return op, nil
}

// lostConnection reports whether err says the server could not be reached
// or did not answer in time.
func lostConnection(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	}
	return false
}

// lostServer is the end of an import whose server went away before it
// said how the import ended.
func lostServer(server, op string, err error) error {
	return fmt.Errorf("lost the server at %s while %s ran (%s): whether it imported anything is not known here. "+
		"A server that stops or crashes before an import ends imports nothing of it, and says so once it serves again: "+
		"then see how it ended with: trithuc import status %s", server, op, callError(err), op)
}

// importFailed says how an import that imported nothing ended, and what to
// do. Nothing of an import that did not end well is imported: it commits
// in one transaction, at its end.
func importFailed(op string, st *status.Status) error {
	code := codeName(st.Code())
	switch st.Code() {
	case codes.Aborted:
		// The server was told to stop while it ran, or stopped without
		// being told (a crash, said when it started again).
		return fmt.Errorf("%s: %s: the import was stopped by the server before it ended; nothing was imported; run the import again", op, code)
	case codes.Canceled:
		return fmt.Errorf("%s: %s: the import was cancelled before it ended; nothing was imported; run the import again to import the file", op, code)
	}
	msg := fmt.Sprintf("%s: %s: %s", op, code, st.Message())
	if !strings.Contains(msg, "nothing was imported") {
		msg += "; nothing was imported"
	}
	return errors.New(msg)
}

const importStatusUsage = `Usage: trithuc import status OPERATION [flags]

Reads an import's operation (google.longrunning GetOperation), as
operations/ID or ID, and prints how it ended as import people does, with
the same exit status; or, while it runs, its progress.

Flags:
`

// runImportStatus is `trithuc import status OPERATION`.
func runImportStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc import status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clientFlags
	cf.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, importStatusUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("import status: give one operation's name")
	}
	if err := cf.checkOutput(); err != nil {
		return err
	}
	name := fs.Arg(0)
	if !strings.HasPrefix(name, "operations/") {
		name = "operations/" + name
	}
	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()
	cctx, cancel := context.WithTimeout(ctx, cf.timeout)
	defer cancel()
	op, err := longrunningpb.NewOperationsClient(cl.Conn()).GetOperation(cctx, &longrunningpb.GetOperationRequest{Name: name})
	if err != nil {
		return callError(err)
	}
	if !op.GetDone() {
		line, _ := progressLine(op, false)
		fmt.Fprintf(stdout, "%s: running: %s\n", op.GetName(), line)
		return nil
	}
	return printImport(stdout, cf.output, op)
}

// progressBar draws an import's progress from its operation's metadata on
// one line of stderr.
type progressBar struct {
	w      io.Writer
	quiet  bool
	dryRun bool
	drawn  bool
	width  int // of the line drawn last, which a shorter one must blank out
}

func (b *progressBar) show(op *longrunningpb.Operation) {
	if line, ok := progressLine(op, b.dryRun); ok {
		b.note(line)
	}
}

// progressLine is the line that shows op's progress: the rows read (not
// imported: nothing is until the import ends) of the total. Once the
// import has ended without importing, it says so instead of a bar.
func progressLine(op *longrunningpb.Operation, dryRun bool) (string, bool) {
	meta := &pb.ImportPeopleMetadata{}
	if op.GetMetadata().UnmarshalTo(meta) != nil {
		return "", false
	}
	const width = 30
	total, read, refused := meta.GetRowsTotal(), meta.GetRowsRead(), meta.GetRowsRefused()
	switch {
	case op.GetDone() && op.GetError() != nil:
		if read == 0 {
			// Not read, or cut by a crash, which left no count.
			return "nothing imported", true
		}
		if total == 0 || total < read {
			return fmt.Sprintf("%d rows read, %d refused; nothing imported", read, refused), true
		}
		return fmt.Sprintf("%d of %d rows read, %d refused; nothing imported", read, total, refused), true
	case total == 0 || total < read:
		// The file has not been read yet, or did not say how many rows it
		// has (a workbook without its dimension): a count, without a bar.
		return fmt.Sprintf("%d rows read, %d refused", read, refused), true
	}
	filled := int(read * width / total)
	line := fmt.Sprintf("[%s%s] %d/%d rows read, %d refused", strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
		read, total, refused)
	if read == total && !op.GetDone() && !dryRun {
		// Every row is read; the rows are imported when the import's
		// transaction commits.
		line += "; saving"
	}
	return line, true
}

// note draws line in place of the line drawn last.
func (b *progressBar) note(line string) {
	if b.quiet {
		return
	}
	n := utf8.RuneCountInString(line)
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", max(b.width-n, 0)))
	b.width = n
	b.drawn = true
}

func (b *progressBar) end() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
