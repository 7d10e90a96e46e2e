//go:build linux

package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The load generator shares the two cores with the server and the database, so it costs as
// little CPU per request as it can, the way wrk2 does: each event loop is one thread with
// non-blocking sockets outside Go's poller, one epoll set and a timerfd for the schedule.
// Goroutines with their own timers and connections cost 0.23 ms of CPU per request here, a
// quarter of the whole machine's work per enquiry, and the server's tail depends on the CPU left
// over.

// BenchmarkEnquiryOpenLoop sends enquiries at a constant rate, whatever the answers' latency,
// and measures each one from the moment it was due rather than from when it was sent, so that a
// slow answer delaying the next send (coordinated omission) cannot hide queueing. The load runs
// once per call, whatever b.N, after a warm-up of 2 s; ns/op is suppressed.
func BenchmarkEnquiryOpenLoop(b *testing.B) {
	rate := envInt(b, envRate, 1000)
	seconds := envInt(b, envSeconds, 20)
	conns := envInt(b, envConns, 64)
	if rate <= 0 || rate > 20000 || seconds <= 0 || seconds > 600 || conns <= 0 || conns > 1024 {
		b.Fatalf("%s=%d, %s=%d, %s=%d: out of bounds (rate 1-20,000/s, 1-600 s, 1-1,024 connections)",
			envRate, rate, envSeconds, seconds, envConns, conns)
	}
	base, token, chfids := loadTarget(b)
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	seq := picks(chfids, rate*(seconds+2))
	if _, err := openLoop(u.Host, token, seq[:2*rate], rate, conns); err != nil { // warm-up: connections, caches
		b.Fatal(err)
	}
	from := time.Now()
	stolen, stealKnown := stealTime()
	r, err := openLoop(u.Host, token, seq[2*rate:], rate, conns)
	to := time.Now()
	if err != nil {
		b.Fatal(err)
	}
	if after, ok := stealTime(); ok && stealKnown {
		// The host's share of this machine's CPU during the run: the tail depends on it (docs/benchmarks.md).
		b.ReportMetric((after-stolen).Seconds()/to.Sub(from).Seconds(), "steal-vcpu")
	}
	if len(r.latencies) == 0 {
		b.Fatalf("no enquiry succeeded (%d errors, first: %v)", r.errors, r.firstErr)
	}
	// Answers that carry a photo (10 % of insurees, 40 KB of base64) are reported apart, since
	// they make most of the tail.
	var with, without []time.Duration
	for i, d := range r.latencies {
		if r.sizes[i] > photoAnswer {
			with = append(with, d)
		} else {
			without = append(without, d)
		}
	}
	lat := r.latencies
	for _, s := range [][]time.Duration{lat, with, without} {
		slices.Sort(s)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	at := func(s []time.Duration, q float64) float64 { return ms(s[min(len(s)-1, int(q*float64(len(s))))]) }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(rate), "target-req/s")
	b.ReportMetric(float64(len(lat))/r.elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(r.errors), "errors")
	for _, p := range []struct {
		unit string
		q    float64
	}{{"p50-ms", 0.50}, {"p90-ms", 0.90}, {"p99-ms", 0.99}, {"p99.9-ms", 0.999}} {
		b.ReportMetric(at(lat, p.q), p.unit)
	}
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(ms(r.maxLag), "send-lag-ms")
	// The window lets the load be matched with what else the machine ran meanwhile.
	b.Logf("measured %s to %s, %d connections", from.Format("15:04:05"), to.Format("15:04:05"), conns)
	for _, part := range []struct {
		name string
		lat  []time.Duration
	}{{"with photo", with}, {"without photo", without}} {
		if len(part.lat) > 0 {
			b.Logf("%s: %d answers, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", part.name, len(part.lat),
				at(part.lat, 0.5), at(part.lat, 0.9), at(part.lat, 0.99), ms(part.lat[len(part.lat)-1]))
		}
	}
	if r.errors > 0 {
		b.Logf("%d of %d enquiries failed; first: %v", r.errors, len(seq)-2*rate, r.firstErr)
	}
}

// loadTarget is the server the open-loop test loads: the in-process fixture, or the loopback
// server of IMIS_BENCH_URL with the insurance numbers of IMIS_BENCH_CHFIDS.
func loadTarget(b *testing.B) (base, token string, chfids []string) {
	base = strings.TrimRight(os.Getenv(envURL), "/")
	if base == "" {
		f := population(b)
		return f.server.URL, f.token, f.chfids
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatalf("%s: %v", envURL, err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		b.Fatalf("%s=%s: the load test only targets loopback", envURL, base)
	}
	file, err := os.Open(os.Getenv(envCHFIDs))
	if err != nil {
		b.Fatalf("%s: %v", envCHFIDs, err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			chfids = append(chfids, s)
		}
	}
	if err := sc.Err(); err != nil || len(chfids) == 0 {
		b.Fatalf("%s: no insurance numbers (%v)", envCHFIDs, err)
	}
	return base, restLogin(b, http.DefaultClient, base, "Admin", "admin123"), chfids
}

// stealTime is the CPU time the hypervisor has taken from this machine's virtual CPUs since boot
// (the steal column of /proc/stat), when the system reports it.
func stealTime() (time.Duration, bool) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, false
	}
	ticks, err := strconv.ParseInt(fields[8], 10, 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ticks) * time.Second / userHZ, true
}

// loadResult is what one open-loop run measured.
type loadResult struct {
	latencies []time.Duration // of the successful requests, from the moment each was due
	sizes     []int64         // of their answers, in the same order
	errors    int
	firstErr  error
	elapsed   time.Duration // from the first due time to the last answer
	maxLag    time.Duration // how late the generator woke for a due request at worst: its own delay
}

// loadConn is one keep-alive connection of the generator and the answer it is reading.
type loadConn struct {
	fd      int
	req     int    // the index of the request in flight, -1 when the connection is idle
	head    []byte // the answer's status line and headers read so far
	body    int64  // bytes of the body still to come; -1 while the headers are read
	size    int64
	refused error // a status other than 200, reported once the answer is read
}

// answerRead takes bytes just read from the connection and reports whether the answer is whole.
// The server answers the enquiry with a Content-Length, so the generator needs no more of HTTP
// than that and builds no response or header map per answer.
func (c *loadConn) answerRead(data []byte) (bool, error) {
	if c.body < 0 {
		c.head = append(c.head, data...)
		end := bytes.Index(c.head, []byte("\r\n\r\n"))
		if end < 0 {
			if len(c.head) > 16<<10 {
				return false, errors.New("headers longer than 16 KB")
			}
			return false, nil
		}
		length, err := c.parseHead(c.head[:end])
		if err != nil {
			return false, err
		}
		c.body, c.size = length, length
		data = c.head[end+4:]
	}
	if int64(len(data)) > c.body {
		return false, errors.New("more bytes than the answer's Content-Length")
	}
	c.body -= int64(len(data))
	return c.body == 0, nil
}

// parseHead checks the status line and returns the Content-Length.
func (c *loadConn) parseHead(head []byte) (int64, error) {
	status, fields, _ := bytes.Cut(head, []byte("\r\n"))
	if !bytes.HasPrefix(status, []byte("HTTP/1.1 200 ")) {
		c.refused = fmt.Errorf("status line %q", status)
	}
	length := int64(-1)
	for len(fields) > 0 {
		var line []byte
		line, fields, _ = bytes.Cut(fields, []byte("\r\n"))
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			return 0, fmt.Errorf("malformed header line %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, fmt.Errorf("unexpected Transfer-Encoding %q", value)
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			return 0, errors.New("the server closes the connection")
		}
	}
	if length < 0 {
		return 0, errors.New("an answer without Content-Length")
	}
	return length, nil
}

// loadGenerator is the state of one open-loop run.
type loadGenerator struct {
	addr    unix.Sockaddr
	host    string
	token   string
	epfd    int
	timerfd int
	conns   []*loadConn
	idle    []int // indexes of the idle connections
}

// openLoop sends the enquiries of seq at rate per second over a pool of conns keep-alive
// connections to host, each request when it is due whatever the latency of the earlier ones
// (no coordinated omission). A request due while every connection of its loop is busy goes out
// when one is free, and that wait counts in its latency. Two event loops share the requests
// (and the connections) alternately, so that one thread stalled by the host delays only half.
func openLoop(host, token string, seq []string, rate, conns int) (loadResult, error) {
	loops := min(2, conns)
	var gens []*loadGenerator
	defer func() {
		for _, g := range gens {
			g.close()
		}
	}()
	for k := range loops {
		g, err := newLoadGenerator(host, token, (conns+loops-1-k)/loops)
		if err != nil {
			return loadResult{}, err
		}
		gens = append(gens, g)
	}
	s := &loadSchedule{seq: seq, start: monotonic() + 10*time.Millisecond, interval: time.Second / time.Duration(rate),
		lat: make([]time.Duration, len(seq)), size: make([]int64, len(seq)), errs: make([]error, len(seq))}
	var r loadResult
	var last time.Duration
	errs := make([]error, loops)
	lags := make([]time.Duration, loops)
	var wg sync.WaitGroup
	for k, g := range gens {
		wg.Go(func() { lags[k], errs[k] = g.run(s, k, loops) })
	}
	wg.Wait()
	r.maxLag = slices.Max(lags)
	if err := errors.Join(errs...); err != nil {
		return r, err
	}
	for i, err := range s.errs {
		if err != nil {
			r.errors++
			if r.firstErr == nil {
				r.firstErr = err
			}
			continue
		}
		r.latencies, r.sizes = append(r.latencies, s.lat[i]), append(r.sizes, s.size[i])
		last = max(last, s.start+time.Duration(i)*s.interval+s.lat[i])
	}
	r.elapsed = last - s.start
	return r, nil
}

// loadSchedule is the run the event loops share: each writes the outcome of its own requests.
type loadSchedule struct {
	seq             []string
	start, interval time.Duration // on the monotonic clock
	lat             []time.Duration
	size            []int64
	errs            []error
}

func newLoadGenerator(host, token string, conns int) (*loadGenerator, error) {
	tcp, err := net.ResolveTCPAddr("tcp", host)
	if err != nil {
		return nil, err
	}
	g := &loadGenerator{host: host, token: token, epfd: -1, timerfd: -1}
	if ip4 := tcp.IP.To4(); ip4 != nil {
		g.addr = &unix.SockaddrInet4{Port: tcp.Port, Addr: [4]byte(ip4)}
	} else {
		g.addr = &unix.SockaddrInet6{Port: tcp.Port, Addr: [16]byte(tcp.IP.To16())}
	}
	if g.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return nil, err
	}
	if g.timerfd, err = unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC); err != nil {
		g.close()
		return nil, err
	}
	// The timer's event carries -1: connections carry their index.
	if err := unix.EpollCtl(g.epfd, unix.EPOLL_CTL_ADD, g.timerfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: -1}); err != nil {
		g.close()
		return nil, err
	}
	for i := range conns {
		c := &loadConn{fd: -1, req: -1}
		g.conns = append(g.conns, c)
		if err := g.dial(i); err != nil {
			g.close()
			return nil, err
		}
		g.idle = append(g.idle, i)
	}
	return g, nil
}

// dial connects connection i; loopback connects at once, so the connect itself may block.
func (g *loadGenerator) dial(i int) error {
	family := unix.AF_INET
	if _, v6 := g.addr.(*unix.SockaddrInet6); v6 {
		family = unix.AF_INET6
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	err = unix.Connect(fd, g.addr)
	if err == nil {
		err = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	if err == nil {
		err = unix.EpollCtl(g.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(i)})
	}
	if err != nil {
		unix.Close(fd)
		return fmt.Errorf("connect to %s: %w", g.host, err)
	}
	c := g.conns[i]
	c.fd, c.req, c.head, c.body, c.refused = fd, -1, c.head[:0], -1, nil
	return nil
}

func (g *loadGenerator) close() {
	for _, c := range g.conns {
		if c.fd >= 0 {
			unix.Close(c.fd)
		}
	}
	for _, fd := range []int{g.timerfd, g.epfd} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// monotonic is the time on the clock the timerfd runs on. Go reads the same clock through the
// vDSO, so one reading of it by system call sets the offset and each later one costs no call.
var monotonic = func() func() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(err)
	}
	base, at := time.Duration(ts.Nano()), time.Now()
	return func() time.Duration { return base + time.Since(at) }
}()

// answerTimeout is how long the generator waits for an answer before it counts a failure.
var answerTimeout = 10 * time.Second

// run sends requests first, first+stride, first+2·stride… of the schedule and returns how
// late it woke for a due request at worst.
func (g *loadGenerator) run(s *loadSchedule, first, stride int) (time.Duration, error) {
	due := func(i int) time.Duration { return s.start + time.Duration(i)*s.interval }
	var maxLag time.Duration
	var armed time.Duration // when the timer fires; 0 when disarmed
	events := make([]unix.EpollEvent, len(g.conns)+1)
	buf := make([]byte, 64<<10)
	req := make([]byte, 0, 512)
	next, open := first, 0 // the next request to send; the requests in flight
	fail := func(i int, c *loadConn, err error) error {
		s.errs[c.req] = err
		open--
		unix.EpollCtl(g.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
		unix.Close(c.fd)
		c.fd = -1
		if err := g.dial(i); err != nil {
			return err // the server is gone: the run cannot go on
		}
		g.idle = append(g.idle, i)
		return nil
	}
	for next < len(s.seq) || open > 0 {
		now := monotonic()
		for next < len(s.seq) && due(next) <= now && len(g.idle) > 0 {
			i := g.idle[len(g.idle)-1]
			g.idle = g.idle[:len(g.idle)-1]
			c := g.conns[i]
			c.req, c.head, c.body, c.refused = next, c.head[:0], -1, nil
			req = append(req[:0], "GET /rest/api/insuree/"...)
			req = append(req, url.PathEscape(s.seq[next])...)
			req = append(req, "/enquire HTTP/1.1\r\nHost: "...)
			req = append(req, g.host...)
			req = append(req, "\r\nAuthorization: Bearer "...)
			req = append(req, g.token...)
			req = append(req, "\r\n\r\n"...)
			next += stride
			open++
			// An idle keep-alive connection's send buffer is empty, so a request this short goes
			// out whole or not at all.
			if n, err := unix.Write(c.fd, req); err != nil || n < len(req) {
				if err == nil {
					err = errors.New("short write")
				}
				if err := fail(i, c, fmt.Errorf("enquire %s: %w", s.seq[c.req], err)); err != nil {
					return maxLag, err
				}
			}
		}
		wake := time.Duration(0)
		if next < len(s.seq) && len(g.idle) > 0 {
			wake = due(next) // else the next answer frees a connection, or all is sent
		}
		if wake != armed {
			spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(wake))}
			if err := unix.TimerfdSettime(g.timerfd, unix.TFD_TIMER_ABSTIME, &spec, nil); err != nil {
				return maxLag, err
			}
			armed = wake
		}
		n, err := unix.EpollWait(g.epfd, events, 1000)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return maxLag, err
		}
		if n == 0 { // a second without an event: give up on answers that are long overdue
			for i, c := range g.conns {
				if c.req >= 0 && monotonic()-due(c.req) > answerTimeout {
					if err := fail(i, c, fmt.Errorf("enquire %s: no answer within %v", s.seq[c.req], answerTimeout)); err != nil {
						return maxLag, err
					}
				}
			}
		}
		for _, ev := range events[:n] {
			if ev.Fd < 0 {
				var ticks [8]byte
				unix.Read(g.timerfd, ticks[:])
				if armed > 0 {
					maxLag = max(maxLag, monotonic()-armed)
				}
				armed = 0 // a fired timer stays disarmed
				continue
			}
			i := int(ev.Fd)
			c := g.conns[i]
			got, err := unix.Read(c.fd, buf)
			if errors.Is(err, unix.EAGAIN) {
				continue
			}
			if c.req < 0 {
				if got > 0 {
					return maxLag, fmt.Errorf("%d bytes on an idle connection: an answer was longer than its Content-Length", got)
				}
				// The server closed an idle connection: open another.
				unix.EpollCtl(g.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
				unix.Close(c.fd)
				if err := g.dial(i); err != nil {
					return maxLag, err
				}
				continue
			}
			whole := false
			switch {
			case err != nil:
			case got == 0:
				err = errors.New("the server closed the connection")
			default:
				whole, err = c.answerRead(buf[:got])
			}
			if err != nil {
				if err := fail(i, c, fmt.Errorf("enquire %s: %w", s.seq[c.req], err)); err != nil {
					return maxLag, err
				}
				continue
			}
			if !whole {
				continue
			}
			if c.refused != nil {
				s.errs[c.req] = fmt.Errorf("enquire %s: %w", s.seq[c.req], c.refused)
			} else {
				s.lat[c.req], s.size[c.req] = monotonic()-due(c.req), c.size
			}
			c.req = -1
			open--
			g.idle = append(g.idle, i)
		}
	}
	return maxLag, nil
}

// TestOpenLoopReadsAnswers runs the generator against net/http's server: answers' sizes over
// kept-alive connections, a failure for what it does not read with a new connection after it,
// the schedule kept, and a failure for an answer that does not come.
func TestOpenLoopReadsAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/rest/api/insuree/") {
		case "111111111/enquire": // larger than the generator's read buffer
			w.Header().Set("Content-Length", strconv.Itoa(70<<10))
			w.Write(bytes.Repeat([]byte("a"), 70<<10))
		case "222222222/enquire":
			w.Write([]byte(`{"ok":true}`))
		case "333333333/enquire":
			http.NotFound(w, r)
		case "555555555/enquire":
			w.Header().Set("Connection", "close")
			w.Write([]byte(`{}`))
		case "666666666/enquire": // no answer until the generator gives up and hangs up
			<-r.Context().Done()
		default: // streamed without a length
			w.(http.Flusher).Flush()
			w.Write([]byte("late"))
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	seq := []string{"111111111", "222222222", "333333333", "222222222", "444444444", "111111111", "555555555", "222222222"}
	for _, conns := range []int{1, 3} {
		r, err := openLoop(u.Host, "t", seq, 100, conns)
		if err != nil {
			t.Fatalf("%d connections: %v", conns, err)
		}
		if want := []int64{70 << 10, 11, 11, 70 << 10, 11}; !slices.Equal(r.sizes, want) || len(r.latencies) != len(want) {
			t.Errorf("%d connections: sizes %v of %d answers, want %v", conns, r.sizes, len(r.latencies), want)
		}
		if r.errors != 3 || r.firstErr == nil || !strings.Contains(r.firstErr.Error(), "333333333") {
			t.Errorf("%d connections: %d errors, first %v; want 3, the first for 333333333", conns, r.errors, r.firstErr)
		}
		// Eight requests 10 ms apart cannot all be answered sooner than 70 ms after the first was due.
		if r.elapsed < 70*time.Millisecond {
			t.Errorf("%d connections: all answered %v after the first was due: the schedule was not kept", conns, r.elapsed)
		}
	}
	defer func(was time.Duration) { answerTimeout = was }(answerTimeout)
	answerTimeout = 100 * time.Millisecond
	r, err := openLoop(u.Host, "t", []string{"666666666", "222222222"}, 100, 2)
	if err != nil || r.errors != 1 || r.firstErr == nil || !strings.Contains(r.firstErr.Error(), "no answer") || !slices.Equal(r.sizes, []int64{11}) {
		t.Errorf("a server that does not answer: %d errors, first %v, sizes %v, %v; want the one failure", r.errors, r.firstErr, r.sizes, err)
	}
}

// TestStealTime checks that the load test can read the host's share of the CPU where the tail
// depends on it.
func TestStealTime(t *testing.T) {
	first, ok := stealTime()
	if !ok || first < 0 {
		t.Fatalf("steal time %v, %v", first, ok)
	}
	if later, ok := stealTime(); !ok || later < first {
		t.Errorf("steal time went from %v to %v (%v)", first, later, ok)
	}
}
