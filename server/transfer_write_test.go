package server

import (
	"context"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A call does not wait for the writer: while a long write holds it (an
// import of many rows is one transaction), a key's first call of the
// minute, which notes the key's use, is answered. It used to wait for the
// write to end, and a client polling its import ran out of time.
func TestCallsDoNotWaitForALongWrite(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	held, release := make(chan struct{}), make(chan struct{})
	writing := make(chan error, 1)
	go func() {
		writing <- e.db.Import(context.Background(), store.ImportOptions{}, func(*store.Importer) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	answered := make(chan error, 1)
	go func() {
		_, err := e.clientAs(registrar).Reference.ListEthnicGroups(context.Background(), &pb.ListEthnicGroupsRequest{})
		answered <- err
	}()
	select {
	case err := <-answered:
		if err != nil {
			t.Errorf("a call while the writer is held: %v", err)
		}
	case err := <-writing:
		t.Fatalf("the write ended before it was released: %v", err)
	case <-time.After(30 * time.Second):
		t.Error("a call waited for the writer (30 s)")
	}
	close(release)
	if err := <-writing; err != nil {
		t.Fatal(err)
	}
}
