//go:build trithuc_bench

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
	"trithuc.gov.vn/trithuc/vntext"
)

// PocketBase (Go and SQLite, what a province's IT staff might pick instead)
// as a peer: the same synthetic people in a collection shaped like ours,
// with indexes for the selective lists, called over its REST API in the
// same run as the service (issue 19).

// targetPB is the peer's target in a scenario.
const targetPB = "PocketBase"

// pocketBaseVersion is the release the numbers in BENCHMARKS.md are of.
const pocketBaseVersion = "v0.36.8"

const pbInstallHint = "GOBIN=/tmp/gobin go install github.com/pocketbase/pocketbase/examples/base@" + pocketBaseVersion

// targetPBD is PocketBase as durable as the service: examples/base opening
// its records' database with synchronous=FULL instead of NORMAL, so that a
// create it acknowledges survives a power cut (bench/pocketbase-durable).
const targetPBD = "PocketBase (synchronous=FULL)"

const pbDurableHint = "make pocketbase, which builds bench/pocketbase-durable into /tmp/trithuc-bench/bin/base-durable"

// pbDurableKeys are the scenarios the durable peer runs: the create, whose
// commit synchronous decides, and the get, a cheap check that it is
// otherwise the same server.
var pbDurableKeys = map[string]bool{"get": true, "create": true}

// pbPeer is a PocketBase server in a process of its own.
type pbPeer struct {
	cmd     *exec.Cmd
	base    string
	token   string
	http    *http.Client
	people  int
	version string
}

// The levels' ranks (refdata/seed/qualification_levels.csv), so that the
// peer filters on a number as our filter compares levels.
var levelRank = map[string]int{"SO_CAP_1": 1, "SO_CAP_2": 2, "SO_CAP_3": 3, "TRUNG_CAP": 4, "CAO_DANG": 5,
	"DAI_HOC": 6, "THAC_SI": 7, "TIEN_SI": 8, "TIEN_SI_KHOA_HOC": 9}

// pbFilters are listFilters in PocketBase's filter language, in the same
// order. fields.code matches any of a person's fields: the peer keeps them
// as one text with a space either side of each code.
var pbFilters = []string{
	`highest_rank >= 8 && hometown = "30760"`,
	`ethnicity = "05" && highest_rank >= 7 && gender = 2`,
	`field_codes ~ " 405 " && birth_year >= 1995`,
	`hometown = "31078" && highest_rank >= 7 && gender = 2`,
}

// pbCollections are the people and their qualifications: a relation, so that
// a full profile is one call with expand, as GetPerson FULL is one call.
func pbPeople() map[string]any {
	text := func(n string) map[string]any { return map[string]any{"name": n, "type": "text"} }
	num := func(n string) map[string]any { return map[string]any{"name": n, "type": "number"} }
	people := map[string]any{
		"name": "people", "type": "base",
		"fields": []any{text("family_name"), text("middle_name"), text("given_name"), text("display_name"), text("search"),
			num("gender"), num("birth_year"), num("birth_month"), num("birth_day"), text("ethnicity"), text("national_id"),
			text("email"), text("phone"), text("hometown"), text("address"), text("field_codes"), num("highest_rank"),
			text("highest_level"), num("availability"), num("work_location"),
			map[string]any{"name": "created", "type": "autodate", "onCreate": true},
			map[string]any{"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}},
		"indexes": []string{
			"CREATE INDEX idx_people_hometown ON people (hometown, highest_rank)",
			"CREATE INDEX idx_people_ethnicity ON people (ethnicity, gender, highest_rank)",
			"CREATE INDEX idx_people_birth_year ON people (birth_year)",
		},
	}
	return people
}

func pbQualifications(peopleID string) map[string]any {
	text := func(n string) map[string]any { return map[string]any{"name": n, "type": "text"} }
	return map[string]any{
		"name": "qualifications", "type": "base",
		"fields": []any{
			map[string]any{"name": "person", "type": "relation", "collectionId": peopleID, "maxSelect": 1, "required": true, "cascadeDelete": true},
			map[string]any{"name": "kind", "type": "number"}, text("level"), text("major"), text("field"),
			text("institution"), text("country"), map[string]any{"name": "year", "type": "number"}},
		"indexes": []string{"CREATE INDEX idx_qualifications_person ON qualifications (person)"},
	}
}

// pbPerson is a person as the peer's record.
func pbPerson(id string, p *pb.Person, quals []*pb.Qualification) map[string]any {
	var codes strings.Builder
	codes.WriteString(" ")
	for _, f := range p.Fields {
		codes.WriteString(strings.TrimPrefix(f.Field, "fields/vn2008-") + " ")
	}
	rank, level := 0, ""
	for _, q := range quals {
		if r := levelRank[q.Level]; r > rank {
			rank, level = r, q.Level
		}
	}
	display := strings.Join(strings.Fields(p.FamilyName+" "+p.MiddleName+" "+p.GivenName), " ")
	rec := map[string]any{
		"family_name": p.FamilyName, "middle_name": p.MiddleName, "given_name": p.GivenName,
		"display_name": display, "search": vntext.Fold(display), "gender": int(p.Gender),
		"ethnicity": p.Ethnicity, "national_id": p.NationalId, "email": p.Email, "phone": p.Phone,
		"hometown": p.Hometown, "address": p.Address, "field_codes": codes.String(), "highest_rank": rank,
		"highest_level": level, "availability": int(p.Availability), "work_location": int(p.WorkLocation),
	}
	if id != "" {
		rec["id"] = id
	}
	if d := p.BirthDate; d != nil {
		rec["birth_year"], rec["birth_month"], rec["birth_day"] = d.Year, d.Month, d.Day
	}
	return rec
}

// pbID is the record id of the n-th synthetic person (from 0): PocketBase's
// ids are 15 lower-case letters and digits.
func pbID(n int) string { return fmt.Sprintf("p%014d", n) }

func (p *pbPeer) call(ctx context.Context, method, path string, body any, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, r)
	if err != nil {
		return err
	}
	if p.token != "" {
		req.Header.Set("Authorization", p.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &pbError{status: resp.StatusCode, msg: fmt.Sprintf("PocketBase %s %s: %s: %.300s", method, path, resp.Status, b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

type pbError struct {
	status int
	msg    string
}

func (e *pbError) Error() string { return e.msg }

// startPocketBase starts the binary bin on a loopback port with its data in
// dir, creating its superuser and collections when they are missing, and
// seeds it with the people that dir does not hold yet: the first n that the
// bench database was made with (same seed, same order).
func startPocketBase(ctx context.Context, bin, dir string, seed uint64, n int, stderr io.Writer) (*pbPeer, error) {
	p, err := servePocketBase(ctx, bin, dir)
	if err != nil {
		return nil, err
	}
	have, err := p.seeded(ctx)
	if err != nil {
		p.stop()
		return nil, err
	}
	if have < n {
		// Written while it is stopped, each process alone on the file.
		p.stop()
		if err := seedPocketBase(ctx, filepath.Join(dir, "pb_data", "data.db"), seed, have, n-have, stderr); err != nil {
			return nil, err
		}
		if p, err = servePocketBase(ctx, bin, dir); err != nil {
			return nil, err
		}
		if have, err = p.seeded(ctx); err != nil || have != n {
			p.stop()
			return nil, fmt.Errorf("PocketBase holds %d of the %d people seeded (%v)", have, n, err)
		}
	}
	p.people = n
	var health struct{ Data struct{ Version string } }
	if p.call(ctx, "GET", "/api/health", nil, &health) == nil {
		p.version = health.Data.Version
	}
	return p, nil
}

// seeded is how many synthetic people the peer holds (pbID's; creates
// draw other ids).
func (p *pbPeer) seeded(ctx context.Context) (int, error) {
	return p.count(ctx, `id ~ "p00000%"`)
}

// servePocketBase starts the binary bin on a loopback port with its data in
// dir, as the superuser, making its people and qualifications collections
// when they are missing.
func servePocketBase(ctx context.Context, bin, dir string) (*pbPeer, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("--pocketbase %s: %w (build it with %s)", bin, err, pbInstallHint)
	}
	data := filepath.Join(dir, "pb_data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	const email, password = "bench@trithuc.invalid", "trithuc-bench-only"
	if out, err := exec.CommandContext(ctx, bin, "superuser", "upsert", email, password, "--dir", data).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("PocketBase superuser upsert: %v: %s", err, out)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := lis.Addr().String()
	lis.Close()
	logf, err := os.OpenFile(filepath.Join(dir, "pocketbase.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	// Not in dev mode (it logs every statement); migrations, hooks and
	// public files kept in dir, not in the working directory.
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", data, "--dev=false", "--automigrate=false",
		"--migrationsDir", filepath.Join(dir, "pb_migrations"), "--hooksDir", filepath.Join(dir, "pb_hooks"),
		"--publicDir", filepath.Join(dir, "pb_public"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &pbPeer{cmd: cmd, base: "http://" + addr,
		http: &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}}}
	ok := false
	defer func() {
		if !ok {
			p.stop()
		}
	}()
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if err := p.call(ctx, "GET", "/api/health", nil, nil); err == nil {
			break
		} else if time.Since(start) > 30*time.Second {
			return nil, fmt.Errorf("PocketBase did not answer on %s in 30 s (log: %s): %v", addr, logf.Name(), err)
		}
	}
	var auth struct{ Token string }
	if err := p.call(ctx, "POST", "/api/collections/_superusers/auth-with-password", map[string]string{"identity": email, "password": password}, &auth); err != nil {
		return nil, err
	}
	p.token = auth.Token
	var col struct{ ID string }
	if err := p.call(ctx, "GET", "/api/collections/people", nil, &col); err != nil {
		if e, isPB := err.(*pbError); !isPB || e.status != http.StatusNotFound {
			return nil, err
		}
		if err := p.call(ctx, "POST", "/api/collections", pbPeople(), &col); err != nil {
			return nil, err
		}
		if err := p.call(ctx, "POST", "/api/collections", pbQualifications(col.ID), nil); err != nil {
			return nil, err
		}
	}
	ok = true
	return p, nil
}

// count is how many people filter selects.
func (p *pbPeer) count(ctx context.Context, filter string) (int, error) {
	var page struct{ TotalItems int }
	err := p.call(ctx, "GET", "/api/collections/people/records?perPage=1&fields=id&filter="+url.QueryEscape(filter), nil, &page)
	return page.TotalItems, err
}

func (p *pbPeer) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// pbOps are the peer's calls for each scenario, the same calls the service
// answers over REST.
func (p *pbPeer) ops(w *world) map[string]op {
	get := func(ctx context.Context, path string) error { return p.call(ctx, "GET", path, nil, nil) }
	return map[string]op{
		"get": func(ctx context.Context, _ int, r *rand.Rand) error {
			return get(ctx, "/api/collections/people/records/"+pbID(r.IntN(p.people))+"?expand=qualifications_via_person")
		},
		"list": func(ctx context.Context, _ int, r *rand.Rand) error {
			return get(ctx, "/api/collections/people/records?perPage=50&filter="+url.QueryEscape(pbFilters[r.IntN(len(pbFilters))]))
		},
		"broad": func(ctx context.Context, _ int, r *rand.Rand) error {
			return get(ctx, "/api/collections/people/records?perPage=50")
		},
		"search": func(ctx context.Context, _ int, r *rand.Rand) error {
			q := strings.ReplaceAll(w.queries[r.IntN(len(w.queries))], `"`, ``)
			return get(ctx, "/api/collections/people/records?perPage=50&filter="+url.QueryEscape(`search ~ "`+q+`"`))
		},
		"create": func(ctx context.Context, _ int, r *rand.Rand) error {
			return p.call(ctx, "POST", "/api/collections/people/records", pbPerson("", w.pbCreators.next(), nil), nil)
		},
	}
}

// pbPeers are a run's PocketBase peers.
type pbPeers struct {
	targets []string
	pids    map[string]int // by target
	running []*pbPeer
}

func (ps *pbPeers) add(target string, p *pbPeer) {
	ps.targets = append(ps.targets, target)
	ps.pids[target] = p.cmd.Process.Pid
	ps.running = append(ps.running, p)
}

// startPeers starts the peers that c names and gives the scenarios their
// calls. The durable peer serves a copy of the first one's data, made afresh
// at each run while the first is stopped (an SQLite file is copied whole only
// when no process has it open): both start from the same rows, each process
// alone on its files as in a deployment (two on one file would share its
// locks and drop each other's page cache at every write), and each run
// of one is right after the other's, sharing the machine's conditions.
func startPeers(ctx context.Context, c *config, rep *report, w *world, scens []*scenario, last int, stderr io.Writer) (ps *pbPeers, err error) {
	ps = &pbPeers{pids: map[string]int{}}
	if c.pocketbase == "" {
		fmt.Fprintf(stderr, "trithuc-bench: no PocketBase peer: give --pocketbase PATH or $TRITHUC_POCKETBASE (build it with %s)\n", pbInstallHint)
		if c.pocketbaseDurable != "" {
			fmt.Fprintf(stderr, "trithuc-bench: --pocketbase-durable runs only beside --pocketbase, whose data it copies\n")
		}
		return ps, nil
	}
	if c.pocketbaseDurable != "" {
		if _, err := os.Stat(c.pocketbaseDurable); err != nil {
			return nil, fmt.Errorf("--pocketbase-durable %s: %w (build it with %s)", c.pocketbaseDurable, err, pbDurableHint)
		}
	}
	defer func() {
		if err != nil {
			ps.stop(nil, stderr)
		}
	}()
	// Its data is kept beside the database for the next run, by seed,
	// since a seed draws other people.
	w.pbCreators = &creators{g: synth.New(c.seed + 3).StartAt(last + 400_000)}
	dir := fmt.Sprintf("%s.pocketbase-seed%d", c.db, c.seed)
	peer, err := startPocketBase(ctx, c.pocketbase, dir, c.seed, c.people, stderr)
	if err != nil {
		return ps, err
	}
	if c.pocketbaseDurable != "" {
		peer.stop()
		t := time.Now()
		ddir := dir + "-durable"
		if err := copyTree(filepath.Join(dir, "pb_data"), filepath.Join(ddir, "pb_data")); err != nil {
			return ps, fmt.Errorf("copying PocketBase's data for the durable peer: %w", err)
		}
		fmt.Fprintf(stderr, "trithuc-bench: copied PocketBase's data to %s in %s\n", ddir, time.Since(t).Round(time.Millisecond))
		if peer, err = startPocketBase(ctx, c.pocketbase, dir, c.seed, c.people, stderr); err != nil {
			return ps, err
		}
	}
	ps.add(targetPB, peer)
	rep.pbVersion = peer.version
	// The peer's filters must select what ours do.
	for i, f := range pbFilters {
		n, err := peer.count(ctx, f)
		if err != nil {
			return ps, err
		}
		rep.selectivity["PocketBase filter (as "+w.filters[i]+"): "+f] = n
	}
	ops := peer.ops(w)
	for _, s := range scens {
		s.ops[targetPB] = ops[s.Key]
	}
	if c.pocketbaseDurable == "" {
		return ps, nil
	}

	durable, err := startPocketBase(ctx, c.pocketbaseDurable, dir+"-durable", c.seed, c.people, stderr)
	if err != nil {
		return ps, err
	}
	ps.add(targetPBD, durable)
	if durable.version != peer.version {
		return ps, fmt.Errorf("--pocketbase-durable is PocketBase %s, --pocketbase %s: build both with %s", durable.version, peer.version, pbDurableHint)
	}
	if err := durable.checkDurable(ctx); err != nil {
		return ps, fmt.Errorf("--pocketbase-durable %s: %w", c.pocketbaseDurable, err)
	}
	ops = durable.ops(w)
	for _, s := range scens {
		if pbDurableKeys[s.Key] {
			s.ops[targetPBD] = ops[s.Key]
		}
	}
	return ps, nil
}

// checkDurable asks the peer (bench/pocketbase-durable's route) for PRAGMA
// synchronous on its connections to the records' database, so that the
// stock binary given by mistake cannot pass for the durable one.
func (p *pbPeer) checkDurable(ctx context.Context) error {
	var s struct{ Data, DataReads int }
	if err := p.call(ctx, "GET", "/api/trithuc-bench/synchronous", nil, &s); err != nil {
		return fmt.Errorf("not bench/pocketbase-durable (build it with %s): %w", pbDurableHint, err)
	}
	if s.Data != 2 || s.DataReads != 2 {
		return fmt.Errorf("data.db runs with synchronous %d (writes) and %d (reads), not 2 (FULL)", s.Data, s.DataReads)
	}
	return nil
}

// stop notes the first peer's peak memory in rep (when given), the durable
// one's on stderr, and stops them.
func (ps *pbPeers) stop(rep *report, stderr io.Writer) {
	for i, p := range ps.running {
		peak, _, _ := memory(p.cmd.Process.Pid)
		switch {
		case rep == nil:
		case ps.targets[i] == targetPB:
			rep.pbPeakRSS = peak
		default:
			fmt.Fprintf(stderr, "trithuc-bench: %s peak resident set %s\n", ps.targets[i], mib(peak))
		}
		p.stop()
	}
	ps.running = nil
}

// copyTree replaces dst with a copy of the files under src, synced, so that
// the copy's writeback does not land in the measured runs.
func copyTree(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
