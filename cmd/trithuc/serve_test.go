package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveLog runs serve with args until it logs that it serves, stops it,
// and returns its log.
func serveLog(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, args...), &out, &errOut)
	}()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(errOut.String(), "msg=serving"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", errOut.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve exited with %v\n%s", err, errOut.String())
	}
	return errOut.String()
}

// A server that no key or console account can sign in to says how to
// make the first key; once there is one, it says nothing of it.
func TestServeSaysHowToMakeTheFirstKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	wants := []string{"no live API key or console account", "trithuc keys create --db " + path + " --role admin --name NAME"}
	log := serveLog(t, "--db", path)
	for _, want := range wants {
		if !strings.Contains(log, want) {
			t.Errorf("the log of a server nobody can sign in to does not say %q:\n%s", want, log)
		}
	}
	if out, err := cli(t, "keys", "create", "--db", path, "--role", "admin", "--name", "a"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if log := serveLog(t, "--db", path); strings.Contains(log, wants[0]) {
		t.Errorf("the log says there is no key after one was made:\n%s", log)
	}
}

// serve warns when it makes a new database, so that a wrong --db after a
// restart is noticed; not when it opens one that exists.
func TestServeWarnsOfNewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	want := `level=WARN msg="no database at ` + path + `: created a new, empty one"`
	if log := serveLog(t, "--db", path); !strings.Contains(log, want) {
		t.Errorf("the log does not warn of the new database:\n%s", log)
	}
	if log := serveLog(t, "--db", path); strings.Contains(log, "no database at") {
		t.Errorf("the log warns of a new database at the second start:\n%s", log)
	}
	// --demo's first start makes its database: no warning, just a note.
	demo := filepath.Join(t.TempDir(), "demo.db")
	if log := serveLog(t, "--db", demo, "--demo", "--demo-people", "5"); strings.Contains(log, "level=WARN msg=\"no database") ||
		!strings.Contains(log, "created a new one for the demo") {
		t.Errorf("a --demo start of a new database logs:\n%s", log)
	}
}

// A port in use stops serve with the setting to change, for each
// listener.
func TestServeNamesTheSettingOfAPortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	for _, setting := range []string{"metrics-addr", "grpc-addr", "http-addr"} {
		t.Run(setting, func(t *testing.T) {
			args := []string{"serve", "--db", filepath.Join(t.TempDir(), "t.db"),
				"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--" + setting, addr}
			var out, errOut syncBuffer
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := run(ctx, args, &out, &errOut)
			want := "--" + setting + " " + addr + ": address already in use; set " + setting + " to a free port"
			if err == nil || err.Error() != want {
				t.Errorf("serve with %s taken: %v, want %q", setting, err, want)
			}
		})
	}
}

// monitoringPorts are the ports Prometheus and the exporters most hosts
// run take by default (Prometheus's wiki, "Default port allocations").
var monitoringPorts = map[string]string{"9090": "Prometheus", "9091": "Pushgateway", "9093": "Alertmanager",
	"9094": "Alertmanager's cluster", "9100": "node_exporter", "9115": "blackbox_exporter", "9256": "process-exporter"}

// The ports serve listens on by default and in the shipped configuration
// are none that a monitored host's Prometheus or exporters hold (9090, our
// first gRPC default, is Prometheus's; node_exporter's 9100 made the unit
// fail at every start there), nor one another's, and the README shows the
// shipped metrics address.
func TestShippedPortsAreFree(t *testing.T) {
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.flags(fs)
	settings, err := readConfigFile(fs, "../../deploy/trithuc.conf")
	if err != nil {
		t.Fatal(err)
	}
	for where, addrs := range map[string]map[string]string{
		"serve's defaults": {"grpc-addr": fs.Lookup("grpc-addr").DefValue, "http-addr": fs.Lookup("http-addr").DefValue},
		"deploy/trithuc.conf": {"grpc-addr": settings["grpc-addr"].value, "http-addr": settings["http-addr"].value,
			"metrics-addr": settings["metrics-addr"].value},
	} {
		used := map[string]string{}
		for setting, addr := range addrs {
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				t.Fatalf("%s: %s %q: %v", where, setting, addr, err)
			}
			if who, ok := monitoringPorts[port]; ok {
				t.Errorf("%s: %s %s is %s's port", where, setting, addr, who)
			}
			if other, ok := used[port]; ok {
				t.Errorf("%s: %s and %s share port %s", where, setting, other, port)
			}
			used[port] = setting
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if addr := settings["metrics-addr"].value; !strings.Contains(string(readme), "--metrics-addr "+addr) {
		t.Errorf("README does not show the shipped metrics address %s", addr)
	}
}

// --demo refuses the registry's own database (one with people and no demo
// key file): it would print an admin key to the service's log. A demo's
// database starts again with --demo, its key kept.
func TestServeDemoRefusesARegistry(t *testing.T) {
	dir := t.TempDir()
	registry := filepath.Join(dir, "registry.db")
	makeDatabase(t, registry, "An")
	_, err := cli(t, "serve", "--db", registry, "--demo", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "holds 1 people and is not a demo's (it has no registry.db.demo-key)") {
		t.Fatalf("--demo on a registry: %v, want a usage error", err)
	}
	if _, err := os.Stat(registry + ".demo-key"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--demo on a registry kept a key: %v", err)
	}
	if out, _ := cli(t, "keys", "list", "--db", registry); strings.Count(out, "admin") != 1 {
		t.Errorf("--demo on a registry made a key:\n%s", out)
	}
	if _, err := os.Stat(registry + ".demo-accounts"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--demo on a registry kept passwords: %v", err)
	}
	if out, _ := cli(t, "users", "list", "--db", registry); strings.Contains(out, "@demo.example") {
		t.Errorf("--demo on a registry made an account:\n%s", out)
	}

	demo := t.TempDir()
	_, first, stop := serveDemo(t, demo)
	stop()
	_, again, stop := serveDemo(t, demo)
	stop()
	if first != again {
		t.Errorf("the demo's second start made a new key")
	}
}

// A second serve of a database another serve on this host serves is
// refused before it opens it (it could migrate the schema under the
// first); once the first stops, the database serves again.
func TestServeRefusesADatabaseServedAlready(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	_, _, stop := serveDemo(t, dir)
	_, err := cli(t, "serve", "--db", db, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
	if want := "another trithuc serve on this host serves " + db; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a second serve: %v, want %q", err, want)
	}
	stop()
	if log := serveLog(t, "--db", db); !strings.Contains(log, "msg=serving") {
		t.Errorf("the database did not serve again:\n%s", log)
	}
}
