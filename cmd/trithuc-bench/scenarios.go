//go:build trithuc_bench

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// The scenarios, each measured four ways: the service over gRPC and over
// REST, the transport ceiling (a bare gRPC server answering the same
// message from memory) and the storage ceiling (plain SQLite running the
// store's statements on the same file).

// Targets of a scenario.
const (
	targetGRPC  = "gRPC"
	targetREST  = "REST"
	targetBare  = "bare gRPC"
	targetPlain = "plain SQLite"
)

// scenario is one kind of call.
type scenario struct {
	Key, Name string
	// ops by target; a nil op is not measured.
	ops map[string]op
}

// world is what the scenarios call.
type world struct {
	people pb.PersonServiceClient // the service under test
	bare   pb.PersonServiceClient // the transport ceiling
	http   *http.Client
	base   string // the service's REST base URL
	token  string
	plain  *store.Plain
	db     *store.DB // resolves the store's statements for plain

	ids           []string
	filters       []string
	queries       []string
	creators      *creators
	plainCreators *creators
	pbCreators    *creators
	// The transport ceiling stores nothing, but at its rate it took
	// numbers from the service's generator by the hundred thousand, until
	// the service's creates met the national IDs of the rows prepared for
	// plain SQLite: it has a generator of its own.
	bareCreators *creators
}

// creators hands out new profiles to create, numbered after every person in
// the database, so that national IDs never collide.
type creators struct {
	mu sync.Mutex
	g  *synth.Generator
}

func (c *creators) next() *pb.Person {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.g.Person()
}

func (w *world) rest(ctx context.Context, method, path string, body []byte) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, b)
	}
	return nil
}

func (w *world) scenarios(ctx context.Context, names []string, poolSize int) ([]*scenario, error) {
	var out []*scenario
	for _, name := range names {
		var s *scenario
		var err error
		switch name {
		case "get":
			s = w.getScenario()
		case "list":
			s, err = w.listScenario(ctx)
		case "broad":
			s, err = w.broadScenario(ctx)
		case "search":
			s, err = w.searchScenario(ctx)
		case "create":
			s, err = w.createScenario(ctx, poolSize)
		default:
			return nil, fmt.Errorf("unknown scenario %q; scenarios: get, list, broad, search, create", name)
		}
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func (w *world) getScenario() *scenario {
	get := func(c pb.PersonServiceClient) op {
		return func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := c.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/" + w.ids[r.IntN(len(w.ids))], View: pb.PersonView_PERSON_VIEW_FULL})
			return err
		}
	}
	return &scenario{Key: "get", Name: "GetPerson FULL", ops: map[string]op{
		targetGRPC: get(w.people),
		targetREST: func(ctx context.Context, _ int, r *rand.Rand) error {
			return w.rest(ctx, "GET", "/v1/people/"+w.ids[r.IntN(len(w.ids))]+"?view=PERSON_VIEW_FULL", nil)
		},
		targetBare: get(w.bare),
		targetPlain: func(ctx context.Context, _ int, r *rand.Rand) error {
			n, err := w.plain.GetPersonFull(ctx, w.ids[r.IntN(len(w.ids))])
			if err == nil && n == 0 {
				err = fmt.Errorf("no such person")
			}
			return err
		},
	}}
}

func (w *world) listScenario(ctx context.Context) (*scenario, error) {
	var plains []*store.PlainListing
	for _, f := range w.filters {
		l, err := w.plain.PeopleListing(ctx, w.db, store.ListQuery{Filter: f}, false)
		if err != nil {
			return nil, err
		}
		plains = append(plains, l)
	}
	list := func(c pb.PersonServiceClient) op {
		return func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := c.ListPeople(ctx, &pb.ListPeopleRequest{Filter: w.filters[r.IntN(len(w.filters))]})
			return err
		}
	}
	return &scenario{Key: "list", Name: "ListPeople, selective filter", ops: map[string]op{
		targetGRPC: list(w.people),
		targetREST: func(ctx context.Context, _ int, r *rand.Rand) error {
			return w.rest(ctx, "GET", "/v1/people?filter="+url.QueryEscape(w.filters[r.IntN(len(w.filters))]), nil)
		},
		targetBare: list(w.bare),
		targetPlain: func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := plains[r.IntN(len(plains))].Run(ctx)
			return err
		},
	}}, nil
}

// broadScenario lists the first page of everyone, in the default order.
func (w *world) broadScenario(ctx context.Context) (*scenario, error) {
	plain, err := w.plain.PeopleListing(ctx, w.db, store.ListQuery{}, false)
	if err != nil {
		return nil, err
	}
	list := func(c pb.PersonServiceClient) op {
		return func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := c.ListPeople(ctx, &pb.ListPeopleRequest{})
			return err
		}
	}
	return &scenario{Key: "broad", Name: "ListPeople, no filter", ops: map[string]op{
		targetGRPC: list(w.people),
		targetREST: func(ctx context.Context, _ int, r *rand.Rand) error {
			return w.rest(ctx, "GET", "/v1/people", nil)
		},
		targetBare: list(w.bare),
		targetPlain: func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := plain.Run(ctx)
			return err
		},
	}}, nil
}

func (w *world) searchScenario(ctx context.Context) (*scenario, error) {
	var plains []*store.PlainListing
	for _, q := range w.queries {
		l, err := w.plain.SearchListing(ctx, w.db, store.SearchQuery{Query: q}, false)
		if err != nil {
			return nil, err
		}
		plains = append(plains, l)
	}
	search := func(c pb.PersonServiceClient) op {
		return func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := c.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: w.queries[r.IntN(len(w.queries))]})
			return err
		}
	}
	return &scenario{Key: "search", Name: "SearchPeople, unaccented", ops: map[string]op{
		targetGRPC: search(w.people),
		targetREST: func(ctx context.Context, _ int, r *rand.Rand) error {
			return w.rest(ctx, "GET", "/v1/people:search?query="+url.QueryEscape(w.queries[r.IntN(len(w.queries))]), nil)
		},
		targetBare: search(w.bare),
		targetPlain: func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := plains[r.IntN(len(plains))].Run(ctx)
			return err
		},
	}}, nil
}

// createScenario creates people with their fields of expertise and roles;
// plain SQLite inserts the rows that the store's bulk path prepares for the
// same kind of person, prepared before the run.
func (w *world) createScenario(ctx context.Context, poolSize int) (*scenario, error) {
	create := func(c pb.PersonServiceClient, people *creators) op {
		return func(ctx context.Context, _ int, r *rand.Rand) error {
			_, err := c.CreatePerson(ctx, &pb.CreatePersonRequest{Person: people.next()})
			return err
		}
	}

	pool := make(chan *store.BulkRows, poolSize)
	for range poolSize {
		rows, err := w.db.PrepareBulk(ctx, []store.BulkProfile{{Person: w.plainCreators.next()}})
		if err != nil {
			return nil, err
		}
		pool <- rows
	}
	close(pool)
	return &scenario{Key: "create", Name: "CreatePerson", ops: map[string]op{
		targetGRPC: create(w.people, w.creators),
		targetREST: func(ctx context.Context, _ int, r *rand.Rand) error {
			body, err := protojson.Marshal(w.creators.next())
			if err != nil {
				return err
			}
			return w.rest(ctx, "POST", "/v1/people", body)
		},
		targetBare: create(w.bare, w.bareCreators),
		targetPlain: func(ctx context.Context, _ int, r *rand.Rand) error {
			rows, ok := <-pool
			if !ok {
				return errExhausted
			}
			return w.plain.InsertBulkRows(ctx, rows)
		},
	}}, nil
}

// bareServer is the transport ceiling: a gRPC server with no interceptors
// that answers every call with a message it holds in memory, the same
// message the service answered.
type bareServer struct {
	pb.UnimplementedPersonServiceServer
	person *pb.Person
	list   *pb.ListPeopleResponse
	broad  *pb.ListPeopleResponse
	search *pb.SearchPeopleResponse
	create *pb.Person
}

func (b *bareServer) GetPerson(context.Context, *pb.GetPersonRequest) (*pb.Person, error) {
	return b.person, nil
}

func (b *bareServer) ListPeople(_ context.Context, req *pb.ListPeopleRequest) (*pb.ListPeopleResponse, error) {
	if req.Filter == "" {
		return b.broad, nil
	}
	return b.list, nil
}

func (b *bareServer) SearchPeople(context.Context, *pb.SearchPeopleRequest) (*pb.SearchPeopleResponse, error) {
	return b.search, nil
}

func (b *bareServer) CreatePerson(context.Context, *pb.CreatePersonRequest) (*pb.Person, error) {
	return b.create, nil
}

// startBare fetches the service's answers and serves them from memory on
// loopback.
func startBare(ctx context.Context, w *world) (*grpc.Server, string, error) {
	b := &bareServer{}
	var err error
	if b.person, err = w.people.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/" + w.ids[0], View: pb.PersonView_PERSON_VIEW_FULL}); err != nil {
		return nil, "", err
	}
	if b.list, err = w.people.ListPeople(ctx, &pb.ListPeopleRequest{Filter: w.filters[0]}); err != nil {
		return nil, "", err
	}
	if b.broad, err = w.people.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
		return nil, "", err
	}
	if b.search, err = w.people.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: w.queries[0]}); err != nil {
		return nil, "", err
	}
	b.create = proto.Clone(b.person).(*pb.Person)
	b.create.Qualifications, b.create.Positions, b.create.Honors, b.create.CurrentPositions = nil, nil, nil, nil
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	s := grpc.NewServer()
	pb.RegisterPersonServiceServer(s, b)
	go s.Serve(lis)
	return s, lis.Addr().String(), nil
}
