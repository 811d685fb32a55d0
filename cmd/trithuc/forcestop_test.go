package main

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A second SIGINT or SIGTERM while the first stop waits for a call in
// flight (an operator pressing Ctrl-C again) stops the server at once:
// it logs the calls it cuts and exits with its own status (3), and the
// database opens cleanly after (SQLite recovers from its WAL).
func TestSecondSignalStopsAtOnce(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			dbPath, key := adminDatabase(t, dir)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			srv, log := serveLogged(t, dbPath, addr, "--shutdown-timeout", "1h")

			c, err := client.Dial(addr, client.Options{Token: key, MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// A held upload: the stream stays open, its file never ends,
			// and the graceful stop waits for it.
			held, err := pb.NewTransferServiceClient(c.Conn()).UploadImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := held.Send(&pb.UploadImportRequest{Part: &pb.UploadImportRequest_Request{Request: &pb.ImportPeopleRequest{ValidateOnly: true,
				File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte("Họ;Tên\n")}}}}); err != nil {
				t.Fatal(err)
			}
			// The server has it once a second upload of the same key is
			// refused (one a caller).
			for {
				s, err := pb.NewTransferServiceClient(c.Conn()).UploadImport(ctx)
				if err == nil {
					_, err = s.CloseAndRecv()
				}
				if status.Code(err) == codes.ResourceExhausted {
					break
				}
			}

			srv.Process.Signal(sig)
			waitLog(t, log, `msg="shutting down"`)
			srv.Process.Signal(sig)
			// The log names the call cut. (Read before Wait, which closes
			// the pipe the log comes through.)
			waitLog(t, log, "TransferService/UploadImport by")
			exited := make(chan error, 1)
			go func() { exited <- srv.Wait() }()
			var werr error
			select {
			case werr = <-exited:
			case <-time.After(2 * time.Minute): // a hang guard, not a timing assert
				srv.Process.Kill()
				t.Fatalf("the server did not stop after a second %s:\n%s", sig, log.String())
			}
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.ExitCode() != 3 {
				t.Errorf("the server ended with %v after two signals, want exit status 3:\n%s", werr, log.String())
			}
			for _, want := range []string{"stopping at once", "msg=cut"} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("the log lacks %q:\n%s", want, log.String())
				}
			}

			db, err := store.Open(context.Background(), dbPath)
			if err != nil {
				t.Fatalf("the database does not open after the forced stop: %v", err)
			}
			defer db.Close()
			if got := db.Integrity(); got != "ok" {
				t.Errorf("integrity after the forced stop: %s", got)
			}
		})
	}
}

// waitLog waits until log has want, or the process's log ends.
func waitLog(t *testing.T, log *syncBuffer, want string) {
	t.Helper()
	for i := 0; !strings.Contains(log.String(), want); i++ {
		if i > 6000 {
			t.Fatalf("the log never said %s:\n%s", want, log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
