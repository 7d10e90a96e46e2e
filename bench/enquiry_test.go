package bench

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/app"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/photo"
	"github.com/openimis-go/openimis/store"
)

// The enquiry benchmarks run against a national-size population: IMIS_BENCH_FAMILIES families
// (default 62,500, about 250,000 insurees) from the demo generator, every tenth insuree with a
// photo of about 30 KB. Building it takes minutes, so it is built once per run, in a database of
// its own that the next run removes (there is no hook at the end of a benchmark run).
//
// BenchmarkEnquiryOpenLoop is a load test rather than a benchmark: it sends IMIS_BENCH_RATE
// requests per second (default 1,000) for IMIS_BENCH_SECONDS (default 20) whatever the
// latency, and reports the latency percentiles. With IMIS_BENCH_URL (a loopback address) it
// loads a server started elsewhere instead, picking insurance numbers from the file
// IMIS_BENCH_CHFIDS (one a line); scripts/bench-enquiry.sh does that. Run it with -benchtime 1x.

// Environment of the enquiry benchmarks.
const (
	envFamilies = "IMIS_BENCH_FAMILIES"
	envRate     = "IMIS_BENCH_RATE"
	envSeconds  = "IMIS_BENCH_SECONDS"
	envConns    = "IMIS_BENCH_CONNS"
	envURL      = "IMIS_BENCH_URL"
	envCHFIDs   = "IMIS_BENCH_CHFIDS"
	envClaims   = "IMIS_BENCH_CLAIMS"
)

// DefaultEnquiryFamilies makes about 250,000 insurees, the size the enquiry target is set for.
const DefaultEnquiryFamilies = 62500

// photoEvery gives every tenth insuree a photo, as the benchmark conditions ask.
const photoEvery = 10

// photoAnswer is the size above which an enquiry answer carries a photo; without, it is about 1 KB.
const photoAnswer = 16 << 10

// enquiryFixture is the population with its insurance numbers and a server over it.
type enquiryFixture struct {
	db      *store.DB
	dbName  string // the PostgreSQL database's name; "" on SQLite
	server  *httptest.Server
	token   string
	ctx     context.Context // acts as the administrator, as the HTTP requests do
	chfids  []string
	insured int
	photos  int
}

var (
	enquiryOnce sync.Once
	enquiryFix  enquiryFixture
)

// population builds the enquiry fixture once per run.
func population(b *testing.B) *enquiryFixture {
	enquiryOnce.Do(func() {
		families := envInt(b, envFamilies, DefaultEnquiryFamilies)
		start := time.Now()
		dsn := scratchDSN(b)
		ctx := imis.SystemContext(context.Background())
		db, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		sum, err := demo.Build(ctx, db, demo.Options{Seed: 1, Families: families})
		if err != nil {
			b.Fatal(err)
		}
		raw, err := openRaw(dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		ids, chfids, err := currentInsurees(raw)
		if err != nil {
			b.Fatal(err)
		}
		n, err := addPhotos(ctx, db, raw, ids, chfids)
		if err != nil {
			b.Fatal(err)
		}
		claims, err := addClaims(ctx, db, raw, envInt(b, envClaims, 0))
		if err != nil {
			b.Fatal(err)
		}
		if err := settle(db.Engine, raw); err != nil {
			b.Fatal(err)
		}
		srv, err := app.NewHandler(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), db, app.HandlerConfig{})
		if err != nil {
			b.Fatal(err)
		}
		f := enquiryFixture{db: db, server: httptest.NewServer(srv), chfids: chfids, insured: sum.Insurees, photos: n}
		if db.Engine == store.Postgres {
			if u, err := url.Parse(dsn); err == nil {
				f.dbName = strings.TrimPrefix(u.Path, "/")
			}
		}
		f.token = restLogin(b, http.DefaultClient, f.server.URL, "Admin", "admin123")
		admin, err := db.UserIDByLogin(ctx, "Admin")
		if err != nil {
			b.Fatal(err)
		}
		u, err := db.LoadUser(ctx, admin)
		if err != nil {
			b.Fatal(err)
		}
		f.ctx = imis.NewContextWithUser(context.Background(), u)
		enquiryFix = f
		b.Logf("enquiry fixture on %s: %d families, %d insurees, %d photos, %d claims, built in %s",
			db.Engine, sum.Families, sum.Insurees, n, claims, time.Since(start).Round(time.Second))
	})
	if enquiryFix.db == nil {
		b.Fatal("the enquiry fixture failed to build")
	}
	return &enquiryFix
}

// scratchPrefix names the fixture databases (PostgreSQL) and directories (SQLite); the process
// id follows, so a later run can tell a leftover from a database still in use.
const scratchPrefix = "bench_enquiry_"

var scratchName = regexp.MustCompile(`^` + scratchPrefix + `([0-9]+)$`)

// scratchDSN returns an empty database for the fixture, after removing the ones earlier runs
// left behind: a fixture is about 1 GB, too much to leave one per run.
func scratchDSN(b *testing.B) string {
	name := scratchPrefix + strconv.Itoa(os.Getpid())
	admin := os.Getenv(testdb.DSNEnv)
	if admin == "" {
		parent := os.TempDir()
		entries, _ := os.ReadDir(parent)
		for _, e := range entries {
			if m := scratchName.FindStringSubmatch(e.Name()); m != nil && e.IsDir() && !alive(m[1]) {
				_ = os.RemoveAll(filepath.Join(parent, e.Name()))
			}
		}
		dir := filepath.Join(parent, name)
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		return filepath.Join(dir, "enquiry.db")
	}
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_enquiry\\_%'")
	if err != nil {
		b.Fatal(err)
	}
	var old []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil && scratchName.MatchString(n) {
			old = append(old, n)
		}
	}
	rows.Close()
	for _, n := range old {
		// Without FORCE, a database another run is still using stays.
		if m := scratchName.FindStringSubmatch(n); n == name || !alive(m[1]) {
			_, _ = conn.Exec("DROP DATABASE IF EXISTS " + n)
		}
	}
	if _, err := conn.Exec("CREATE DATABASE " + name); err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// alive reports whether the process with the id still runs.
func alive(pid string) bool {
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return false
	}
	return syscall.Kill(n, 0) != syscall.ESRCH
}

// openRaw opens a plain connection beside the store's, for the two statements the store has no
// method for: listing every insurance number and pointing insurees at their bulk-loaded photos.
func openRaw(dsn string) (*sql.DB, error) {
	if store.IsPostgres(dsn) {
		return sql.Open("pgx", dsn)
	}
	return sql.Open("sqlite", "file:"+(&url.URL{Path: dsn}).EscapedPath()+"?_pragma=busy_timeout(10000)&_time_format=sqlite")
}

// currentInsurees lists the current insurees in registration order.
func currentInsurees(raw *sql.DB) (ids []imis.ID, chfids []string, err error) {
	rows, err := raw.Query("SELECT id, chfid FROM insurees WHERE validity_to IS NULL ORDER BY wire_id")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id imis.ID
		var chfid string
		if err := rows.Scan(&id, &chfid); err != nil {
			return nil, nil, err
		}
		ids, chfids = append(ids, id), append(chfids, chfid)
	}
	return ids, chfids, rows.Err()
}

// photoColumns are the columns of a photo row as SavePhoto writes them.
var photoColumns = []string{"id", "insuree_id", "file_name", "content_type", "data", "thumbnail", "photo_date", "officer_id",
	"validity_from", "audit_user_id"}

// addPhotos gives every tenth insuree a photo in one bulk run, then records the file name and
// date on the insurees, as SavePhoto does one at a time (25,000 of those take far longer).
func addPhotos(ctx context.Context, db *store.DB, raw *sql.DB, ids []imis.ID, chfids []string) (int, error) {
	pics, err := samplePhotos(ctx, 8)
	if err != nil {
		return 0, err
	}
	day := db.Today().AddDays(-30)
	rng := rand.New(rand.NewPCG(1, 10))
	_, counts, err := db.Bulk(ctx, "bench", map[string]any{"stage": "photos"}, func(l *store.Loader) error {
		for i := 0; i < len(ids); i += photoEvery {
			p := pics[i/photoEvery%len(pics)]
			suffix := make([]byte, 4)
			for k := range suffix {
				suffix[k] = byte(rng.Uint32())
			}
			name := photo.FileName(chfids[i], day.Time(), photo.JPEG, suffix)
			if err := l.Add("photos", photoColumns, imis.NewID(), ids[i], name, p.ContentType, p.Data, p.Thumb, day, nil,
				l.Now(), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if _, err := raw.Exec(`UPDATE insurees SET
		photo_file = (SELECT p.file_name FROM photos p WHERE p.insuree_id = insurees.id AND p.validity_to IS NULL),
		photo_date = (SELECT p.photo_date FROM photos p WHERE p.insuree_id = insurees.id AND p.validity_to IS NULL)
		WHERE validity_to IS NULL AND id IN (SELECT insuree_id FROM photos WHERE validity_to IS NULL)`); err != nil {
		return 0, err
	}
	return counts["photos"], nil
}

// claimValuated is the status of a valuated claim (claims-domain.md), one the enquiry counts.
const claimValuated = 16

// claimColumns and dedRemColumns are the columns addClaims writes.
var (
	claimColumns = []string{"id", "version", "validity_from", "family_id", "code", "insuree_id", "hf_id", "date_from",
		"date_claimed", "icd_id", "category", "status", "review_status", "feedback_status", "rejection_reason"}
	dedRemColumns = []string{"id", "family_id", "policy_id", "insuree_id", "claim_id", "ded_g", "rem_g", "validity_from"}
)

// addClaims gives every paid coverage period perCover valuated claims, 70 days apart from its
// start and of the categories H, V, C and S in turn, each with its ledger entry, so that the
// enquiry reads the rows a running scheme has (IMIS_BENCH_CLAIMS; the default is none, the
// target's conditions). The claims module will write them itself; until then they are plain rows.
func addClaims(ctx context.Context, db *store.DB, raw *sql.DB, perCover int) (int, error) {
	if perCover <= 0 {
		return 0, nil
	}
	type cover struct {
		insuree, policy, family imis.ID
		from                    imis.Date
	}
	var covers []cover
	var hf, icd imis.ID
	if err := raw.QueryRow("SELECT (SELECT id FROM health_facilities ORDER BY code LIMIT 1), (SELECT id FROM diagnoses ORDER BY code LIMIT 1)").Scan(&hf, &icd); err != nil {
		return 0, err
	}
	rows, err := raw.Query(`SELECT ip.insuree_id, ip.policy_id, i.family_id, ip.effective_date FROM insuree_policies ip
		JOIN insurees i ON i.id = ip.insuree_id AND i.validity_to IS NULL
		WHERE ip.validity_to IS NULL AND ip.effective_date IS NOT NULL ORDER BY i.wire_id, ip.effective_date`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c cover
		if err := rows.Scan(&c.insuree, &c.policy, &c.family, &c.from); err != nil {
			rows.Close()
			return 0, err
		}
		covers = append(covers, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	categories := []string{imis.CategoryHospitalization, imis.CategoryVisit, imis.CategoryConsultation, imis.CategorySurgery}
	_, counts, err := db.Bulk(ctx, "bench", map[string]any{"stage": "claims"}, func(l *store.Loader) error {
		for i, c := range covers {
			for k := range perCover {
				id, day := imis.NewID(), c.from.AddDays(70*k)
				if err := l.Add("claims", claimColumns, id, 1, l.Now(), c.family, "B"+strconv.Itoa(i*perCover+k), c.insuree, hf,
					day, day, icd, categories[k%len(categories)], claimValuated, 1, 1, 0); err != nil {
					return err
				}
				if err := l.Add("claim_ded_rem", dedRemColumns, imis.NewID(), c.family, c.policy, c.insuree, id, 1000, 5000, l.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return counts["claims"], err
}

// settle brings the database to the steady state of a scheme that has been running for a while,
// so that the measurements do not include the aftermath of the bulk load: on PostgreSQL what
// autovacuum and the next checkpoint would do (the checkpoint needs a superuser and is skipped
// otherwise), on SQLite the write-ahead log folded into the database file.
func settle(engine string, raw *sql.DB) error {
	if engine == store.Postgres {
		if _, err := raw.Exec("VACUUM ANALYZE"); err != nil {
			return err
		}
		_, _ = raw.Exec("CHECKPOINT")
		return nil
	}
	_, err := raw.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// samplePhotos makes n distinct portrait-sized JPEGs of about 30 KB (300×400, quality 80, a
// gradient with grain, which compresses like a phone picture) with their real thumbnails.
func samplePhotos(ctx context.Context, n int) ([]*photo.Photo, error) {
	out := make([]*photo.Photo, n)
	for k := range out {
		rng := rand.New(rand.NewPCG(uint64(k), 2))
		img := image.NewYCbCr(image.Rect(0, 0, 300, 400), image.YCbCrSubsampleRatio420)
		for y := range 400 {
			for x := range 300 {
				img.Y[y*img.YStride+x] = uint8(x/2 + y/3 + rng.IntN(32))
			}
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = uint8(110+rng.IntN(8)), uint8(140+rng.IntN(8))
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			return nil, err
		}
		p, err := photo.Check(ctx, buf.Bytes())
		if err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, nil
}

// picks is a fixed pseudo-random sequence of existing insurance numbers, so that every run asks
// for the same insurees in the same order and the cache sees a realistic spread.
func picks(chfids []string, n int) []string {
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([]string, n)
	for i := range out {
		out[i] = chfids[rng.IntN(len(chfids))]
	}
	return out
}

// BenchmarkEnquiryStore is the enquiry by insurance number in the store: one insuree among
// about 250,000 with their family size, photo reference and every coverage row, then the
// coverage computed for today.
func BenchmarkEnquiryStore(b *testing.B) {
	f := population(b)
	seq := picks(f.chfids, 1<<16)
	i := 0
	before, local := backendsCPU(f.dbName)
	for b.Loop() {
		e, err := f.db.Enquire(f.ctx, seq[i%len(seq)], imis.Date{})
		if err != nil || e.CHFID == "" {
			b.Fatalf("enquire %s: %v", seq[i%len(seq)], err)
		}
		i++
	}
	// PostgreSQL's own CPU per enquiry varies far less with the host's load than the time does.
	if after, ok := backendsCPU(f.dbName); ok && local && i > 0 {
		b.ReportMetric(float64((after-before).Microseconds())/float64(i), "db-cpu-µs/op")
	}
}

// BenchmarkEnquiryHTTP is GET /rest/api/insuree/{chfid}/enquire over loopback with a bearer
// token, one request after the other: token check, user load, enquiry, photo, JSON.
func BenchmarkEnquiryHTTP(b *testing.B) {
	f := population(b)
	seq := picks(f.chfids, 1<<16)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	var size int64
	i := 0
	for b.Loop() {
		n, err := enquire(client, f.server.URL, f.token, seq[i%len(seq)])
		if err != nil {
			b.Fatal(err)
		}
		size += n
		i++
	}
	b.ReportMetric(float64(size)/float64(max(i, 1)), "B/resp")
}

// enquire sends one enquiry and reads the whole answer, returning its size.
func enquire(c *http.Client, base, token, chfid string) (int64, error) {
	req, err := http.NewRequest("GET", base+"/rest/api/insuree/"+url.PathEscape(chfid)+"/enquire", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("enquire %s: %s", chfid, resp.Status)
	}
	return n, nil
}

// backendsCPU is the CPU time used so far by the PostgreSQL backends on this machine that serve
// the database named, found by the process title PostgreSQL gives them ("postgres: user
// database client state"); false when there are none, as with a remote server or SQLite.
func backendsCPU(database string) (time.Duration, bool) {
	if database == "" {
		return 0, false
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	var total time.Duration
	found := false
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		title, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if f := strings.Fields(string(title)); err != nil || len(f) < 3 || f[0] != "postgres:" || f[2] != database {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue // the backend has just exited
		}
		// The fields after the command name, which may hold spaces, start with the state;
		// user and system time are the 12th and 13th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		user, errU := strconv.ParseInt(f[11], 10, 64)
		system, errS := strconv.ParseInt(f[12], 10, 64)
		if errU == nil && errS == nil {
			total += time.Duration(user+system) * time.Second / userHZ
			found = true
		}
	}
	return total, found
}

// userHZ is the unit of /proc/stat's times, 100 on every architecture Linux runs Go on.
const userHZ = 100

// envInt reads a positive integer setting, or def when it is unset.
func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		b.Fatalf("%s=%q: %v", name, s, err)
	}
	return n
}

// TestBackendsCPU checks that the store benchmark finds the PostgreSQL backends of its database
// on this machine, and none for SQLite or a database nobody serves.
func TestBackendsCPU(t *testing.T) {
	db, dsn := testdb.OpenDSN(t)
	if _, ok := backendsCPU("no_such_database_here"); ok {
		t.Error("found backends of a database nobody serves")
	}
	if _, ok := backendsCPU(""); ok {
		t.Error("found backends without a database")
	}
	if db.Engine != store.Postgres {
		return
	}
	if _, err := db.Empty(context.Background()); err != nil { // holds a backend open in the pool
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := backendsCPU(strings.TrimPrefix(u.Path, "/")); !ok {
		t.Errorf("no backend found for %s", u.Path)
	}
}
