//go:build linux

package bench

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	imis "github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/internal/testpng"
)

// envServer names an openimis binary to measure instead of one built from this tree, so that two
// versions can be compared.
const envServer = "IMIS_BENCH_SERVER"

// photoUploads is how many uploads are in flight at once.
const photoUploads = 20

// BenchmarkPhotoUploadMemory measures the resident memory of a real server while photos that are
// small files but large images arrive together. It builds the demo scheme (100 families) and
// serves it with openimis (built from this tree, or the binary IMIS_BENCH_SERVER names) as a child
// process, on SQLite or on a scratch PostgreSQL database when IMIS_TEST_DSN is set. It sends the
// server photoUploads enrolments at once over loopback, each a family of one with a photo, in two
// rounds: the PNG of 4000 x 4000 pixels at 16 bits (about 100 KB, 128 MB decoded), then 4000 x
// 4000 at 8 bits (64 MB decoded, the most a photo may take). For each round it reports the
// server's resident memory before, at its peak (VmHWM, reset before the round) and 3 s after. It
// runs once whatever b.N: use -benchtime 1x.
func BenchmarkPhotoUploadMemory(b *testing.B) {
	b.ReportMetric(0, "ns/op")
	srv := startServer(b)
	token := restLogin(b, http.DefaultClient, srv.base, "Admin", "admin123")
	village := firstVillage(b, srv.base, token)
	rounds := []struct {
		name  string
		photo []byte
	}{
		{"16bit", testpng.BlackPNG(b, 4000, 4000, 16)},
		{"8bit", testpng.BlackPNG(b, 4000, 4000, 8)},
	}
	next := 90_000_000 // insurance numbers far above the demo's
	for _, round := range rounds {
		pic := base64.StdEncoding.EncodeToString(round.photo)
		bodies := make([]string, photoUploads)
		for i := range bodies {
			next++
			body := strconv.Itoa(next)
			bodies[i] = familyWithPhoto(village, body+imis.DemoNumberRule.CheckDigit(body), pic)
		}
		time.Sleep(time.Second)
		before := srv.memory(b, "VmRSS")
		srv.resetPeak(b)
		start := time.Now()
		statuses := make([]string, len(bodies))
		var wg sync.WaitGroup
		for i, body := range bodies {
			wg.Go(func() { statuses[i] = srv.enrol(token, body) })
		}
		wg.Wait()
		took := time.Since(start)
		peak := srv.memory(b, "VmHWM")
		time.Sleep(3 * time.Second)
		after := srv.memory(b, "VmRSS")
		b.ReportMetric(before, round.name+"-before-MiB")
		b.ReportMetric(peak, round.name+"-peak-MiB")
		b.ReportMetric(after, round.name+"-after-MiB")
		b.Logf("%s: %d uploads of a %d-byte PNG in %s, answers %s", round.name, len(bodies), len(round.photo),
			took.Round(time.Millisecond), tally(statuses))
	}
}

// server is a running openimis process.
type server struct {
	cmd  *exec.Cmd
	base string
	logs *os.File
}

// startServer builds the demo scheme with `openimis demo`, stops it, and serves the database with
// `openimis serve`, as a scheme runs, so that the memory the demo's build leaves behind does not
// count. The server is stopped and the database dropped when the benchmark ends.
func startServer(b *testing.B) *server {
	dir := b.TempDir()
	bin := os.Getenv(envServer)
	if bin == "" {
		bin = filepath.Join(dir, "openimis")
		build := exec.Command("go", "build", "-o", bin, "./cmd/openimis")
		build.Dir = ".."
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	dsn := filepath.Join(dir, "photo.db")
	if admin := os.Getenv(testdb.DSNEnv); admin != "" {
		dsn = scratchDatabase(b, admin, "bench_photo_"+strconv.Itoa(os.Getpid()))
	}
	demo := launch(b, dir, bin, "demo", "--db", dsn, "--addr", "127.0.0.1:0", "--families", "100")
	demo.stop()
	srv := launch(b, dir, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	// Registered after the database's cleanup, so it runs first: the server lets go of it.
	b.Cleanup(srv.stop)
	return srv
}

var listening = regexp.MustCompile(`listening on (http://\S+) database (\w+)`)

// launch runs the openimis command given and waits until it listens.
func launch(b *testing.B, dir, bin string, args ...string) *server {
	logs, err := os.CreateTemp(dir, args[0]+"-*.log")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
			}
		}
	}()
	select {
	case m := <-found:
		b.Logf("%s: pid %d on %s, database %s", args[0], cmd.Process.Pid, m[1], m[2])
		return &server{cmd: cmd, base: m[1], logs: logs}
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		log, _ := os.ReadFile(logs.Name())
		b.Fatalf("openimis %s did not start:\n%s", args[0], log)
	}
	return nil
}

// stop interrupts the server and waits for it to end.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
	s.logs.Close()
}

// scratchDatabase creates an empty PostgreSQL database for the demo and drops it at the end.
func scratchDatabase(b *testing.B, admin, name string) string {
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_, _ = conn.Exec("DROP DATABASE IF EXISTS " + name)
		conn.Close()
	})
	if _, err := conn.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
		b.Fatal(err)
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

// memory reads one of the kB figures of /proc/<pid>/status, in MiB.
func (s *server) memory(b *testing.B, field string) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, s.cmd.Process.Pid)
	return 0
}

// resetPeak starts the process's peak resident memory (VmHWM) again from its current size.
func (s *server) resetPeak(b *testing.B) {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0); err != nil {
		b.Fatal(err)
	}
}

// enrol posts one enrolment and returns the HTTP status with the REST result code, or the error.
func (s *server) enrol(token, body string) string {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.base+"/rest/api/family", strings.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var answer struct {
		Response *int   `json:"response"`
		Message  string `json:"error_message"`
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &answer)
	switch {
	case answer.Response != nil:
		return fmt.Sprintf("%d response %d", resp.StatusCode, *answer.Response)
	case answer.Message != "":
		return fmt.Sprintf("%d %s", resp.StatusCode, answer.Message)
	}
	return resp.Status
}

// tally counts equal answers: "20 × 400 Picture: …".
func tally(answers []string) string {
	counts := map[string]int{}
	var order []string
	for _, a := range answers {
		if counts[a] == 0 {
			order = append(order, a)
		}
		counts[a]++
	}
	parts := make([]string, len(order))
	for i, a := range order {
		parts[i] = fmt.Sprintf("%d × %s", counts[a], a)
	}
	return strings.Join(parts, "; ")
}

// firstVillage returns the wire id of a village from the mobile apps' master data.
func firstVillage(b *testing.B, base, token string) int64 {
	req, err := http.NewRequest(http.MethodGet, base+"/rest/api/master", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var master struct {
		Locations []struct {
			ID   int64  `json:"locationId"`
			Type string `json:"locationType"`
		} `json:"locations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&master); err != nil {
		b.Fatalf("master data: %s, %v", resp.Status, err)
	}
	for _, l := range master.Locations {
		if l.Type == "V" {
			return l.ID
		}
	}
	b.Fatal("no village in the master data")
	return 0
}

// familyWithPhoto is an enrolment of a family of one, the head, with a PNG photo in base64.
func familyWithPhoto(village int64, chfid, pic string) string {
	return fmt.Sprintf(`{"Family":[{"FamilyId":"-1","InsureeId":"-1","LocationId":"%d","HOFCHFID":"%s","Poverty":"false",`+
		`"FamilyType":"H","isOffline":"1","Insurees":[{"InsureeId":"-1","FamilyId":"-1","CHFID":"%s","LastName":"Photo",`+
		`"OtherNames":"Bench","DOB":"1980-05-01","Gender":"M","isHead":"1","CurVillage":"0","HFID":"0","isOffline":"1",`+
		`"Picture":{"ImageName":"%s.png","ImageContent":"%s"}}],"Policies":[]}],"Source":"bench"}`, village, chfid, chfid, chfid, pic)
}
