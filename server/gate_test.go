package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Tests of the gates before a request is read (gate.go) and of the
// throttling of failed authentications (authfailures.go).

// heapPeak samples the heap in use until stopped and returns how far it
// rose above where it was when started: a sanity bound, not a benchmark.
func heapPeak() (stop func() uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		if p := peak.Load(); p > base {
			return p - base
		}
		return 0
	}
}

const (
	bigMessage = 50 << 20
	// heapBound is what the heap may grow by while 8 big requests without
	// a valid credential are refused: none of them should be read. Reading
	// them took it past 400 MB.
	heapBound = 150 << 20
)

func TestUnauthenticatedMessageNotReceived(t *testing.T) {
	e := newEnv(t)
	msg, err := proto.Marshal(&pb.CreatePersonRequest{Person: &pb.Person{FamilyName: strings.Repeat("a", bigMessage)}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(2*bigMessage), grpc.ForceCodec(rawCodec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stop := heapPeak()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if i%2 == 1 {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer tt_fake_fake")
			}
			var reply []byte
			errs[i] = conn.Invoke(ctx, "/trithuc.v1.PersonService/CreatePerson", msg, &reply)
		}()
	}
	wg.Wait()
	grew := stop()
	for i, err := range errs {
		if status.Code(err) != codes.Unauthenticated {
			t.Errorf("call %d: %v, want UNAUTHENTICATED", i, err)
		}
	}
	t.Logf("heap grew by %d MB", grew>>20)
	if grew > heapBound {
		t.Errorf("the heap grew by %d MB for calls without a valid credential; their messages were read", grew>>20)
	}
	// A valid key still gets its (small) call through the tap.
	if _, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("a valid key: %v", err)
	}
}

func TestRESTBodyNotReadForMadeUpKey(t *testing.T) {
	e := newEnv(t)
	body := bytes.Repeat([]byte("Nguyễn;An;15/03/1980;001080000001\n"), bigMessage/36)
	stop := heapPeak()
	var wg sync.WaitGroup
	answers := make([]int, 8)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", e.base+"/v1/people:import?validateOnly=true", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer tt_fake_fake")
			req.Header.Set("Content-Type", "text/csv")
			resp, err := e.http.Do(req)
			if err != nil {
				// The server may close the connection while the client
				// still sends the body it did not read.
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			answers[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	grew := stop()
	answered := 0
	for i, code := range answers {
		if code != 0 {
			answered++
			if code != http.StatusUnauthorized {
				t.Errorf("request %d: HTTP %d, want 401", i, code)
			}
		}
	}
	t.Logf("%d of %d answered; heap grew by %d MB", answered, len(answers), grew>>20)
	if grew > heapBound {
		t.Errorf("the heap grew by %d MB for imports with a made-up key; their bodies were read", grew>>20)
	}
	rec := httptest.NewRecorder()
	e.srv.metrics.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := fmt.Sprintf(`trithuc_calls_refused_unread_total{code="Unauthenticated",transport="rest"} %d`, len(answers)); !strings.Contains(rec.Body.String(), want) {
		t.Errorf("/metrics lacks %s", want)
	}
}

func TestImportUploadsLimited(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MaxImportUploads = 1 })
	csv := "\xEF\xBB\xBFHọ;Tên;Ngày sinh;Số CCCD\nNguyễn;An;15/03/1980;001080000001\n"
	// A plain client: the project's retries what RetryInfo allows.
	conn := e.bareConn()
	auth := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+e.token)
	imports := pb.NewTransferServiceClient(conn)
	importCSV := func() error {
		_, err := imports.ImportPeople(auth, &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
		return err
	}
	postCSV := func() int {
		req, _ := http.NewRequest("POST", e.base+"/v1/people:import?validateOnly=true", strings.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("Content-Type", "text/csv")
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// An import whose message is still coming holds the one slot (another
	// registrar's: a caller holds one slot at most).
	_, other := e.key("registrar")
	ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+other))
	if _, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true}, importMethod); err != nil {
		t.Fatal(err)
	}
	err := importCSV()
	wantCode(t, err, codes.ResourceExhausted)
	if retry := retryDelay(err); retry <= 0 {
		t.Errorf("no RetryInfo in %v", err)
	}
	if code := postCSV(); code != http.StatusTooManyRequests {
		t.Errorf("REST import while the slot is held: HTTP %d, want 429", code)
	}
	// Other calls are not held back.
	if _, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("a call while the slot is held: %v", err)
	}
	cancel()
	eventually(t, "an import after the held one ended", importCSV)
	if code := postCSV(); code != http.StatusOK {
		t.Errorf("REST import after: HTTP %d", code)
	}
}

// stallImport opens an import stream with token and sends nothing more
// than the request (UploadImport) or nothing at all (ImportPeople); the
// stream's end (the server's answer) comes on the channel.
func stallImport(t *testing.T, conn *grpc.ClientConn, token, method string) (cancel func(), ended <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token))
	cs, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true}, method)
	if err != nil {
		t.Fatal(err)
	}
	if method == uploadMethod {
		cs.SendMsg(&pb.UploadImportRequest{Part: &pb.UploadImportRequest_Request{Request: &pb.ImportPeopleRequest{
			File: &httpbody.HttpBody{ContentType: "text/csv"}}}})
	}
	done := make(chan error, 1)
	go func() { done <- cs.RecvMsg(&pb.UploadImportRequest{}) }()
	return cancel, done
}

func TestImportSlotsGuarded(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.ImportUploadTimeout = time.Second })
	conn := e.bareConn()
	csv := "\xEF\xBB\xBFHọ;Tên;Ngày sinh;Số CCCD\nNguyễn;An;15/03/1980;001080000001\n"
	importAs := func(token string) error {
		ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
		_, err := pb.NewTransferServiceClient(conn).ImportPeople(ctx, &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
		return err
	}

	t.Run("ErrRoleMayNotImport", func(t *testing.T) {
		// A service key's stalled imports are refused at once and take no
		// slot: the registrar's import goes through.
		_, service := e.key("service")
		for _, m := range []string{importMethod, uploadMethod, importMethod} {
			cancel, ended := stallImport(t, conn, service, m)
			defer cancel()
			select {
			case err := <-ended:
				wantCode(t, err, codes.PermissionDenied)
			case <-time.After(500 * time.Millisecond):
				t.Fatalf("a service key's %s stream was not refused", m)
			}
		}
		if err := importAs(e.token); err != nil {
			t.Errorf("an import after the service key's: %v", err)
		}
	})

	t.Run("ErrSecondSlotOfOnePrincipal", func(t *testing.T) {
		_, registrar := e.key("registrar")
		cancel, _ := stallImport(t, conn, registrar, uploadMethod)
		defer cancel()
		eventually(t, "a registrar's second import refused", func() error {
			err := importAs(registrar)
			if status.Code(err) != codes.ResourceExhausted || !strings.Contains(status.Convert(err).Message(), "one at a time") {
				return fmt.Errorf("the second import: %v, want RESOURCE_EXHAUSTED, one at a time", err)
			}
			return nil
		})
		// The other slot is someone else's to take.
		if err := importAs(e.token); err != nil {
			t.Errorf("another caller's import: %v", err)
		}
		// The stalled one cut, its slot is free again (and the next test
		// finds both free).
		cancel()
		eventually(t, "the registrar's slot free once its stalled import was cut", func() error { return importAs(registrar) })
	})

	t.Run("OKStalledUploadFreesSlot", func(t *testing.T) {
		var ends []<-chan error
		for range 2 {
			_, registrar := e.key("registrar")
			cancel, ended := stallImport(t, conn, registrar, uploadMethod)
			defer cancel()
			ends = append(ends, ended)
		}
		eventually(t, "both slots held", func() error {
			if err := importAs(e.token); status.Code(err) != codes.ResourceExhausted {
				return fmt.Errorf("an import while both slots are held: %v", err)
			}
			return nil
		})
		for _, ended := range ends {
			select {
			case err := <-ended:
				if c := status.Code(err); c != codes.DeadlineExceeded && c != codes.Canceled {
					t.Errorf("a stalled upload ended with %v, want DEADLINE_EXCEEDED or CANCELLED", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("a stalled upload was not cut")
			}
		}
		eventually(t, "an import after the stalled ones were cut", func() error { return importAs(e.token) })
	})
}

// A call refused for want of an import slot is in the audit trail, as the
// rate limit's refusals are: the first of each second for each principal,
// so that a flood of refused uploads does not fill it.
func TestImportSlotRefusalsAudited(t *testing.T) {
	// The stalled imports must hold their slots to the end: by default a
	// stalled upload is cut after 30 s, which a loaded machine's 30
	// refusals and two waits can pass (the REST import then got a slot).
	e := newEnvWith(t, func(c *Config) { c.ImportUploadTimeout = 5 * time.Minute })
	conn := e.bareConn()
	csv := "\xEF\xBB\xBFHọ;Tên;Ngày sinh;Số CCCD\nNguyễn;An;15/03/1980;001080000001\n"
	ctx := context.Background()

	// A registrar holding a slot is refused a second one, over and over.
	registrarKey, registrar := e.key("registrar")
	cancel, _ := stallImport(t, conn, registrar, uploadMethod)
	defer cancel()
	auth := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+registrar)
	start := time.Now()
	eventually(t, "the registrar's second import refused", func() error {
		_, err := pb.NewTransferServiceClient(conn).ImportPeople(auth, &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
		if status.Code(err) != codes.ResourceExhausted {
			return fmt.Errorf("the second import: %v, want RESOURCE_EXHAUSTED", err)
		}
		return nil
	})
	for range 30 {
		_, err := pb.NewTransferServiceClient(conn).ImportPeople(auth, &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
		wantCode(t, err, codes.ResourceExhausted)
	}
	seconds := int(time.Since(start)/time.Second) + 1

	// With every slot held, an admin's REST import is refused too. The
	// stalled stream opens as the server reads its headers, and a REST
	// import sent at once could take the slot first (and the stream be
	// refused): wait for a call of the same key on the same connection,
	// read after the stream, to be refused as a second import.
	_, other := e.key("registrar")
	cancelOther, _ := stallImport(t, conn, other, importMethod)
	defer cancelOther()
	otherAuth := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+other)
	eventually(t, "the second registrar's slot held", func() error {
		_, err := pb.NewTransferServiceClient(conn).ImportPeople(otherAuth, &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
		if status.Code(err) != codes.ResourceExhausted || !strings.Contains(status.Convert(err).Message(), "one at a time") {
			return fmt.Errorf("the second registrar's next import: %v, want RESOURCE_EXHAUSTED, one at a time", err)
		}
		return nil
	})
	var requestID string
	eventually(t, "a REST import refused with every slot held", func() error {
		req, _ := http.NewRequest("POST", e.base+"/v1/people:import?validateOnly=true", strings.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("Content-Type", "text/csv")
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests {
			return fmt.Errorf("HTTP %d, want 429", resp.StatusCode)
		}
		requestID = resp.Header.Get("X-Request-Id")
		return nil
	})

	events, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{
		Method: "ImportPeople", Filter: `code = "RESOURCE_EXHAUSTED"`, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	registrarID := "key:" + registrarKey.ID
	var registrarEvents, admin []*pb.AuditEvent
	for _, ev := range events.AuditEvents {
		switch {
		case ev.GetPrincipal() == registrarID:
			registrarEvents = append(registrarEvents, ev)
		case ev.Role == "admin":
			admin = append(admin, ev)
		}
	}
	if n := len(registrarEvents); n < 1 || n > seconds {
		t.Errorf("%d of the registrar's refused imports in the trail, want one a second (1 to %d)", n, seconds)
	}
	if len(admin) != 1 || admin[0].RequestId != requestID || admin[0].Transport != "rest" {
		t.Errorf("the admin's refused REST import is recorded as %v, want one event of request %s over rest", admin, requestID)
	}

	// The log has one line for the registrar's refusals this minute, as
	// for the rate limit's: a flood of them cannot flood the log either.
	var lines []string
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(line, "code=ResourceExhausted") && strings.Contains(line, "principal="+registrarID) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "not_logged=0") {
		t.Errorf("%d log lines for 31 imports refused for want of a slot, want 1 saying not_logged=0:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

func retryDelay(err error) time.Duration {
	for _, d := range status.Convert(err).Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	return 0
}

func TestFailedAuthenticationsThrottled(t *testing.T) {
	e := newEnv(t)
	conn := e.bareConn()
	people := pb.NewPersonServiceClient(conn)
	got := map[codes.Code]int{}
	var last error
	for i := 0; i < 3*authFailureBurst; i++ {
		if i%10 == 0 {
			// A client with a valid key, busy as the guesses come: its key
			// stays in the key cache.
			if _, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{}); err != nil {
				t.Fatalf("a valid key from the address: %v", err)
			}
		}
		ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", fmt.Sprintf("Bearer tt_guess_%d", i))
		_, last = people.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/x"})
		got[status.Code(last)]++
	}
	if got[codes.Unauthenticated] < authFailureBurst || got[codes.ResourceExhausted] == 0 || len(got) != 2 {
		t.Errorf("codes of %d calls with made-up keys: %v, want %d or a few more UNAUTHENTICATED, then RESOURCE_EXHAUSTED",
			3*authFailureBurst, got, authFailureBurst)
	}
	wantCode(t, last, codes.ResourceExhausted)
	if retryDelay(last) <= 0 {
		t.Errorf("no RetryInfo in %v", last)
	}
	if !strings.Contains(status.Convert(last).Message(), "not checked") {
		t.Errorf("the refusal does not say the key was not checked: %q", status.Convert(last).Message())
	}

	// REST from the same address, with and without a body.
	code, body := e.restAs("tt_guess_rest", "GET", "/v1/people", nil)
	wantREST(t, code, body, http.StatusTooManyRequests)
	code, body = e.restAs("tt_guess_rest", "POST", "/v1/people", map[string]any{"givenName": "An"})
	wantREST(t, code, body, http.StatusTooManyRequests)

	// A valid key from the same address is not held back.
	if _, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("a valid key from the throttled address: %v", err)
	}
	if code, body := e.rest("GET", "/v1/people", nil); code != http.StatusOK {
		t.Errorf("a valid key over REST from the throttled address: HTTP %d %v", code, body)
	}

	// One line for all the refusals from the address this minute.
	if n := strings.Count(e.logs.String(), "principal=anonymous"); n != 1 {
		t.Errorf("%d log lines for %d refused calls from one address, want 1:\n%s", n, 3*authFailureBurst+2, e.logs.String())
	}
}

// Once an address is throttled, a key not in the key cache is refused
// without a lookup: even a valid one, not used lately, is refused, while
// one in use passes.
func TestThrottledAddressNotLookedUp(t *testing.T) {
	e := newEnv(t)
	conn := e.bareConn()
	people := pb.NewPersonServiceClient(conn)
	as := func(token string) context.Context {
		return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
	}
	_, unused := e.key(RoleRegistrar)
	_, idle := e.key(RoleRegistrar)
	for _, tok := range []string{e.token, idle} {
		if _, err := people.ListPeople(as(tok), &pb.ListPeopleRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	idleSince := time.Now()
	for i := 0; !e.srv.failures.throttled("127.0.0.1"); i++ {
		if i > 10*authFailureBurst {
			t.Fatal("the address is not throttled after many made-up keys")
		}
		people.GetPerson(as(fmt.Sprintf("tt_guess_%d", i)), &pb.GetPersonRequest{Name: "people/x"})
	}
	_, err := people.ListPeople(as(unused), &pb.ListPeopleRequest{})
	wantCode(t, err, codes.ResourceExhausted)
	if !strings.Contains(status.Convert(err).Message(), "not checked") {
		t.Errorf("a key not in the cache from a throttled address: %v, want refused unchecked", err)
	}
	if _, err := people.ListPeople(as(e.token), &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("a key in use from the throttled address: %v", err)
	}
	// A key found live earlier, gone from the one-second cache since,
	// is still looked up: a client behind the same proxy as the guesser
	// keeps working.
	time.Sleep(time.Until(idleSince.Add(1100 * time.Millisecond)))
	if _, err := people.ListPeople(as(idle), &pb.ListPeopleRequest{}); err != nil {
		t.Errorf("a key used a while ago, from the throttled address: %v", err)
	}
}

func TestQuietLog(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	var q quietLog
	for _, tc := range []struct {
		at      time.Duration
		skip    bool
		skipped int
	}{
		{0, false, 0},
		{time.Second, true, 0},
		{30 * time.Second, true, 0},
		{59 * time.Second, true, 0},
		{time.Minute, false, 3},
		{time.Minute + time.Second, true, 0},
		{5 * time.Minute, false, 1},
	} {
		skip, skipped := q.skip(t0.Add(tc.at))
		if skip != tc.skip || skipped != tc.skipped {
			t.Errorf("at %s: skip %v, %d skipped; want %v, %d", tc.at, skip, skipped, tc.skip, tc.skipped)
		}
	}
}

func TestFailingAddressesBounded(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	a := newAuthFailures(2)
	use := func(addr string, at time.Duration) *addressFailures {
		f := a.get(addr, t0.Add(at))
		f.used = t0.Add(at)
		return f
	}
	use("10.0.0.1", 0)
	use("10.0.0.2", 50*time.Second)
	// Full: the idle address makes room, the active one stays.
	use("10.0.0.3", 80*time.Second)
	if a.addrs["10.0.0.1"] != nil || a.addrs["10.0.0.2"] == nil || a.addrs["10.0.0.3"] == nil {
		t.Fatalf("after a sweep: %v", a.addrs)
	}
	// Full of active ones: a new address shares the overflow bucket.
	if f := use("10.0.0.4", 81*time.Second); f != a.overflow || len(a.addrs) != 2 {
		t.Errorf("a new address in a full map of active ones got its own bucket (%d remembered)", len(a.addrs))
	}
}

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1", "127.0.0.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
		{"gateway", "gateway"},
	} {
		if got := addressKey(tc.in); got != tc.want {
			t.Errorf("addressKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// bareConn is a gRPC connection to the server that sends no credential of
// its own (a call adds what it wants in its metadata), closed with the test.
func (e *env) bareConn() *grpc.ClientConn {
	e.t.Helper()
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	return conn
}

// A caller's import slot is free again once the answer to its import has
// come: an import sent on that answer, over either transport, is not
// refused as a second one at a time. (The slot went back when the
// stream's context ended, after the answer had gone.)
func TestImportSlotFreeOnAnswer(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	conn := e.clientAs(registrar).Conn()
	csv := "\xEF\xBB\xBFHọ;Tên;Ngày sinh\nNguyễn;An;15/03/1980\n"
	ctx := context.Background()
	ops := longrunningpb.NewOperationsClient(conn)
	for i := range 60 {
		op, err := pb.NewTransferServiceClient(conn).ImportPeople(ctx, &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}})
		if err != nil {
			t.Fatalf("import %d over gRPC: %v", i, err)
		}
		req, _ := http.NewRequest("POST", e.base+"/v1/people:import?validateOnly=true", strings.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+registrar)
		req.Header.Set("Content-Type", "text/csv")
		res, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("import %d over REST, sent on the gRPC one's answer: %d %s", i, res.StatusCode, body)
		}
		// Two imports run at once at most: both end before the next.
		e.wait(ops, op)
		var rest struct{ Name string }
		if err := json.Unmarshal(body, &rest); err != nil {
			t.Fatal(err)
		}
		e.wait(ops, &longrunningpb.Operation{Name: rest.Name})
	}
}
