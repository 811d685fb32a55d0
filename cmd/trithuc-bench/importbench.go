//go:build trithuc_bench

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
	"trithuc.gov.vn/trithuc/transfer"
)

// `trithuc-bench import` measures a spreadsheet import (issue 15) against
// the bulk path of `trithuc gen --db`, in the same run: it writes a
// workbook of N synthetic people with excelize's stream writer, times
// synth.BulkLoad (what gen --db runs, memberships left out) for N people
// into a fresh database, then imports the workbook into another fresh
// database through a server in a child process, and reads that server's
// peak RSS (VmHWM) when the import is done.
func runImportBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trithuc-bench import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "/tmp/trithuc-bench/import", "scratch `directory` for the workbook and the two databases")
	people := fs.Int("people", 100000, "rows of the workbook, and people of the bulk load")
	profile := fs.Duration("profile", 0, "take a CPU profile of the server for this long during the import, into --dir")
	heap := fs.Duration("heap", 0, "every `interval` of the import, log the server's RSS and save a heap profile of it into --dir")
	out := fs.String("out", "", "also write the results as markdown to this `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	bulkDB, importDB := filepath.Join(*dir, "bulk.db"), filepath.Join(*dir, "import.db")
	for _, p := range []string{bulkDB, importDB} {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(p + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}

	// The workbook: the people of the synthetic generator, as the
	// template's people sheet has them.
	t0 := time.Now()
	var buf bytes.Buffer
	w, err := transfer.NewWriter(&buf, transfer.XLSX, transfer.PeopleSheet)
	if err != nil {
		return err
	}
	if err := w.Write(transfer.Header(transfer.PeopleColumns)); err != nil {
		return err
	}
	for b := range synth.Batches(ctx, 1, 0, *people, 0, synth.OrganizationsFor(*people)) {
		for _, p := range b.Profiles {
			if err := w.Write(transfer.Cells(transfer.PeopleColumns, p.Person)); err != nil {
				return err
			}
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	data := buf.Bytes()
	if err := os.WriteFile(filepath.Join(*dir, "people.xlsx"), data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "trithuc-bench: workbook of %d people, %.1f MB, in %s\n", *people, float64(len(data))/1e6, time.Since(t0).Round(time.Millisecond))

	// The bulk path, as gen --db --memberships=false runs it.
	db, err := store.Open(ctx, bulkDB)
	if err != nil {
		return err
	}
	st, err := synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: 1, People: *people})
	db.Close()
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	bulkRate := float64(st.People) / st.Elapsed.Seconds()
	fmt.Fprintf(stderr, "trithuc-bench: bulk path, %d people (%d rows) in %s: %.0f people/s\n", st.People, st.Rows, st.Elapsed.Round(time.Millisecond), bulkRate)

	// The import, through a server of its own.
	ch, err := startChild(importDB, os.DevNull)
	if err != nil {
		return err
	}
	defer ch.stop()
	cl, err := client.Dial(ch.GRPC, client.Options{Token: ch.Token, MaxAttempts: 1})
	if err != nil {
		return err
	}
	defer cl.Close()
	peakBefore, _, _ := memory(ch.PID)
	start := time.Now()
	// In chunks, as the CLI sends it: a gRPC message is at most 4 MiB.
	op, err := cl.UploadImport(ctx, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: data}})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if *profile > 0 {
		go ch.profile(*profile, filepath.Join(*dir, "import.cpu.pprof"))
	}
	ops := longrunningpb.NewOperationsClient(cl.Conn())
	lastHeap := time.Now()
	for !op.GetDone() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if *heap > 0 && time.Since(lastHeap) >= *heap {
			// The last profile before the end is kept: where the heap is
			// largest when it grows with the rows.
			lastHeap = time.Now()
			_, rss, _ := memory(ch.PID)
			fmt.Fprintf(stderr, "trithuc-bench: %s into the import, server RSS %.0f MB\n", time.Since(start).Round(time.Second), float64(rss)/(1<<20))
			if err := ch.heap(filepath.Join(*dir, "import.heap.pprof")); err != nil {
				return err
			}
		}
		if op, err = ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: op.GetName()}); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	peak, rss, _ := memory(ch.PID)
	if e := op.GetError(); e != nil {
		return fmt.Errorf("import: %s", e.GetMessage())
	}
	resp := &pb.ImportPeopleResponse{}
	if err := op.GetResponse().UnmarshalTo(resp); err != nil {
		return err
	}
	rows := resp.Created + resp.Updated + resp.Unchanged + resp.PossibleDuplicates + resp.Refused
	rate := float64(rows) / elapsed.Seconds()
	res := fmt.Sprintf(`| | people (rows) | time | rows/s |
|---|---:|---:|---:|
| bulk path (gen --db, no memberships) | %d | %s | %.0f |
| import through the server (UploadImport, XLSX %.1f MB) | %d | %s | %.0f |

Import/bulk ratio: **%.2f** (the goal is at least 0.33). Import outcome: %d created, %d possible duplicates not created, %d refused.
Server peak RSS (VmHWM): **%.0f MB** after the import (%.0f MB before it), %.0f MB resident at the end.
`, st.People, st.Elapsed.Round(time.Millisecond), bulkRate, float64(len(data))/1e6, rows, elapsed.Round(time.Millisecond), rate,
		rate/bulkRate, resp.Created, resp.PossibleDuplicates, resp.Refused, float64(peak)/(1<<20), float64(peakBefore)/(1<<20), float64(rss)/(1<<20))
	fmt.Fprint(stdout, res)
	if *out != "" {
		return os.WriteFile(*out, []byte(res), 0o644)
	}
	return nil
}
