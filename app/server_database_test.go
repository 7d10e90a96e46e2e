package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// answer is what one request of the load came back with.
type answer struct {
	status     int
	retryAfter string
	body       string
}

// send makes one request from a goroutine of the load, where t.Fatal may not be called.
func send(c *http.Client, url string, headers map[string]string) answer {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return answer{body: err.Error()}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		return answer{body: err.Error()}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: string(b)}
}

// TestDatabaseRestartIsNotAUsersError ends every connection to the database, as a restart of
// PostgreSQL does, while 16 clients enquire through the screens, the JSON API and REST v3: each
// read runs again on a fresh connection, so every answer is the one the database would have given.
// While the database refuses connections, reads answer 503 with Retry-After in each interface's
// error shape and /healthz says so. A write whose connection ends as it commits cannot know whether
// it was written: it answers 503 with Retry-After too. SQLite has no server whose connections
// could end; there the same load must run undisturbed, and the health check see a closed pool.
func TestDatabaseRestartIsNotAUsersError(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	chfids := []string{webtest.ActiveFamily(t, e, 7000), webtest.ActiveFamily(t, e, 7010), webtest.ActiveFamily(t, e, 7020)}
	token := e.Token(t, "Admin", "admin123")
	browser := e.Login(t, "Admin", "admin123")
	bearer := map[string]string{"Authorization": "Bearer " + token, "Accept": "application/json"}
	rest := map[string]string{"Authorization": "bearer " + token, "Accept": "application/json", "api-version": "3"}
	type request struct {
		client  *http.Client
		path    string
		headers map[string]string
	}
	var reads []request
	for _, n := range chfids {
		reads = append(reads, request{http.DefaultClient, "/rest/api/insuree/" + n + "/enquire", rest},
			request{browser.Client, "/enquiry?chfid=" + n, nil},
			request{http.DefaultClient, "/api/registers/insurees?chfid=" + n, bearer})
	}
	for _, r := range reads {
		if a := send(r.client, e.Server.URL+r.path, r.headers); a.status != http.StatusOK {
			t.Fatalf("before the load, %s: %d %.300s", r.path, a.status, a.body)
		}
	}
	checkHealth(t, e, http.StatusOK, "ok")

	const clients, ends = 16, 3
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		failures []string
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	// generation counts the ends so far; answered[c] is the generation in which client c last
	// began a request that was answered.
	var generation atomic.Int64
	answered := make([]atomic.Int64, clients)
	for c := range clients {
		wg.Go(func() {
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := reads[i%len(reads)]
				began := generation.Load()
				a := send(r.client, e.Server.URL+r.path, r.headers)
				answered[c].Store(began)
				mu.Lock()
				statuses[a.status]++
				if a.status != http.StatusOK && len(failures) < 10 {
					failures = append(failures, fmt.Sprintf("%s: %d %.200s", r.path, a.status, a.body))
				}
				mu.Unlock()
			}
		})
	}
	// A read retries once, so no read may meet two ends: before the next end, every client has
	// had an answer to a request it began after the last one, however busy the machine.
	ended := 0
	for range ends {
		time.Sleep(time.Second)
		ended += testdb.EndConnections(t, e.DSN)
		g := generation.Add(1)
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && behind(answered, g); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	total := 0
	for _, n := range statuses {
		total += n
	}
	t.Logf("%d requests, %d connections ended: %v", total, ended, statuses)
	if statuses[http.StatusOK] != total {
		t.Errorf("answers by status %v, want all 200; for example:\n%s", statuses, strings.Join(failures, "\n"))
	}
	if testdb.Engine() == store.Postgres && ended == 0 {
		t.Errorf("no connection was ended under the load")
	}

	if testdb.Engine() == store.Postgres {
		testdb.AllowConnections(t, e.DSN, false)
		testdb.EndConnections(t, e.DSN)
		checkUnavailable(t, send(http.DefaultClient, e.Server.URL+reads[0].path, rest), "REST v3 enquiry")
		a := send(http.DefaultClient, e.Server.URL+reads[2].path, bearer)
		checkUnavailable(t, a, "JSON API list")
		if !strings.Contains(a.body, `"code":"unavailable"`) {
			t.Errorf("JSON API list: %s, want the error body with code unavailable", a.body)
		}
		checkUnavailable(t, send(browser.Client, e.Server.URL+reads[1].path, nil), "enquiry screen")
		checkHealth(t, e, http.StatusServiceUnavailable, "unavailable")
		testdb.AllowConnections(t, e.DSN, true)
		checkHealth(t, e, http.StatusOK, "ok")
		for _, r := range reads {
			if a := send(r.client, e.Server.URL+r.path, r.headers); a.status != http.StatusOK {
				t.Errorf("once the database is back, %s: %d %.300s", r.path, a.status, a.body)
			}
		}

		// Triggers deferred to the commit end the writer's own connection as it commits: the
		// screens' and JSON API's create, and the REST v3 login, which records the login.
		testdb.Exec(t, e.DSN, `CREATE FUNCTION end_own_connection() RETURNS trigger LANGUAGE plpgsql AS
			'BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END'`,
			`CREATE CONSTRAINT TRIGGER end_at_commit AFTER INSERT ON locations DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW EXECUTE FUNCTION end_own_connection()`,
			`CREATE CONSTRAINT TRIGGER end_at_commit AFTER UPDATE ON users DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW EXECUTE FUNCTION end_own_connection()`)
		region := `{"code":"RX","name":"Restart Region","type":"R"}`
		r := e.API(t, token, http.MethodPost, "/api/registers/locations", region)
		a = answer{status: r.Status, retryAfter: r.Header.Get("Retry-After"), body: r.Body}
		checkUnavailable(t, a, "create ending at its commit")
		if !strings.Contains(a.body, `"code":"unavailable"`) {
			t.Errorf("create ending at its commit: %s, want the error body with code unavailable", a.body)
		}
		r = e.RestLogin(t, `{"UserName":"Admin","Password":"admin123"}`)
		a = answer{status: r.Status, retryAfter: r.Header.Get("Retry-After"), body: r.Body}
		checkUnavailable(t, a, "REST v3 login ending at its commit")
		if !strings.Contains(a.body, `"error_occured":true`) {
			t.Errorf("REST v3 login ending at its commit: %s, want the REST v3 error envelope", a.body)
		}
		testdb.Exec(t, e.DSN, "DROP TRIGGER end_at_commit ON locations", "DROP TRIGGER end_at_commit ON users")
		e.Created(t, token, "locations", region)
		e.Token(t, "Admin", "admin123")
	}

	e.DB.Close()
	checkHealth(t, e, http.StatusServiceUnavailable, "unavailable")
}

// checkUnavailable checks the answer to a request the database could not serve.
func checkUnavailable(t *testing.T, a answer, what string) {
	t.Helper()
	if a.status != http.StatusServiceUnavailable || a.retryAfter == "" {
		t.Errorf("%s: status %d, Retry-After %q, want 503 with Retry-After; body %.300s", what, a.status, a.retryAfter, a.body)
	}
}

// checkHealth checks the status of /healthz and the database's state it reports.
func checkHealth(t *testing.T, e *webtest.Env, status int, database string) {
	t.Helper()
	r := e.Do(t, nil, http.MethodGet, "/healthz", nil, "")
	var h struct{ Status, Database string }
	if err := json.Unmarshal([]byte(r.Body), &h); err != nil || r.Status != status || h.Database != database {
		t.Errorf("/healthz: %d %q, want %d with database %q", r.Status, r.Body, status, database)
	}
}

// behind reports whether some client has had no answer yet to a request begun in generation g.
func behind(answered []atomic.Int64, g int64) bool {
	for i := range answered {
		if answered[i].Load() < g {
			return true
		}
	}
	return false
}
