// Command pocketbase-durable is PocketBase's examples/base with one change:
// its records' database (data.db) is opened with synchronous=FULL instead of
// PocketBase's synchronous=NORMAL, so that a create it acknowledges has
// reached the disk, as trithuc's does. In WAL mode NORMAL lets COMMIT return
// before the WAL is synced: fast, but a power cut can lose the last
// acknowledged writes. The benchmark harness (cmd/trithuc-bench,
// --pocketbase-durable) runs it beside the stock binary, so that issue 19's
// create target is also measured against a peer making trithuc's promise.
//
// It is a module of its own so that trithuc's module does not require
// PocketBase.
//
//	go build -o /tmp/trithuc-bench/bin/base-durable .   (or make pocketbase)
package main

import (
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/osutils"

	// The driver PocketBase's default connection uses.
	_ "modernc.org/sqlite"
)

// pragmas are PocketBase v0.36.8's, copied from core/db_connect.go
// (DefaultDBConnect), in the same order, busy_timeout first for the reason
// given there; only synchronous differs. It applies to every connection the
// pool opens.
func pragmas(synchronous string) string {
	return "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(" +
		synchronous + ")&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
}

// dbConnect opens data.db (the collections and their records) with
// synchronous=FULL and any other file, auxiliary.db (the request log, written
// in batches), as PocketBase does: only the records' durability is at stake,
// and the peer should pay for nothing more than that.
func dbConnect(dbPath string) (*dbx.DB, error) {
	sync := "NORMAL"
	if filepath.Base(dbPath) == "data.db" {
		sync = "FULL"
	}
	return dbx.Open("sqlite", dbPath+pragmas(sync))
}

// newApp is examples/base's app (v0.36.8, examples/base/main.go) with
// dbConnect, and without the ghupdate plugin (a self-update command, nothing
// that serving does). The flags are examples/base's, which the harness gives.
func newApp() *pocketbase.PocketBase {
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: dbConnect})

	var hooksDir, migrationsDir, publicDir string
	var hooksWatch, automigrate, indexFallback bool
	var hooksPool int
	flags := app.RootCmd.PersistentFlags()
	flags.StringVar(&hooksDir, "hooksDir", "", "the directory with the JS app hooks")
	flags.BoolVar(&hooksWatch, "hooksWatch", true, "auto restart the app on pb_hooks file change; it has no effect on Windows")
	flags.IntVar(&hooksPool, "hooksPool", 15, "the total prewarm goja.Runtime instances for the JS app hooks execution")
	flags.StringVar(&migrationsDir, "migrationsDir", "", "the directory with the user defined migrations")
	flags.BoolVar(&automigrate, "automigrate", true, "enable/disable auto migrations")
	flags.StringVar(&publicDir, "publicDir", defaultPublicDir(), "the directory to serve static files")
	flags.BoolVar(&indexFallback, "indexFallback", true, "fallback the request to index.html on missing static path, e.g. when pretty urls are used with SPA")
	app.RootCmd.ParseFlags(os.Args[1:])

	jsvm.MustRegister(app, jsvm.Config{
		MigrationsDir: migrationsDir,
		HooksDir:      hooksDir,
		HooksWatch:    hooksWatch,
		HooksPoolSize: hooksPool,
	})
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangJS,
		Automigrate:  automigrate,
		Dir:          migrationsDir,
	})
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				e.Router.GET("/{path...}", apis.Static(os.DirFS(publicDir), indexFallback))
			}
			// The harness checks that it runs this binary, not the
			// stock one, by asking the connections themselves.
			e.Router.GET("/api/trithuc-bench/synchronous", func(re *core.RequestEvent) error {
				s, err := synchronous(app)
				if err != nil {
					return err
				}
				return re.JSON(http.StatusOK, s)
			}).Bind(apis.RequireSuperuserAuth())
			return e.Next()
		},
		Priority: 999, // as examples/base: after any route of the user's
	})
	return app
}

// synchronousLevels is PRAGMA synchronous on a connection of each pool:
// 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. Writes go through the nonconcurrent
// (single-connection) pools.
type synchronousLevels struct {
	Data          int `json:"data"`
	DataReads     int `json:"dataReads"`
	Auxiliary     int `json:"auxiliary"`
	AuxiliaryRead int `json:"auxiliaryReads"`
}

func synchronous(app core.App) (synchronousLevels, error) {
	var s synchronousLevels
	for _, q := range []struct {
		db  dbx.Builder
		out *int
	}{{app.NonconcurrentDB(), &s.Data}, {app.ConcurrentDB(), &s.DataReads},
		{app.AuxNonconcurrentDB(), &s.Auxiliary}, {app.AuxConcurrentDB(), &s.AuxiliaryRead}} {
		if err := q.db.NewQuery("PRAGMA synchronous").Row(q.out); err != nil {
			return s, err
		}
	}
	return s, nil
}

func main() {
	if err := newApp().Start(); err != nil {
		log.Fatal(err)
	}
}

// defaultPublicDir is examples/base's: pb_public beside the executable.
func defaultPublicDir() string {
	if osutils.IsProbablyGoRun() {
		return "./pb_public"
	}
	return filepath.Join(os.Args[0], "../pb_public")
}
