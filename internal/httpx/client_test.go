package httpx

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.2, 192.168.7.9/16,::1 ,, ::ffff:172.16.0.1, fe80::1%eth0")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.2/32", "192.168.0.0/16", "::1/128", "172.16.0.1/32", "fe80::1/128"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("entry %d: %s, want %s", i, p, want[i])
		}
	}
	if got, err := ParseTrustedProxies(""); err != nil || got != nil {
		t.Errorf("empty list: %v %v", got, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1, 300.1.1.1", "10.0.0.1:80"} {
		if _, err := ParseTrustedProxies(bad); err == nil || !strings.Contains(err.Error(), "trusted proxy") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 2001:db8:1::/48")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		peer    string
		headers map[string][]string
		want    string
	}{
		{"untrusted peer, no header", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"untrusted peer's header ignored", "203.0.113.5:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "203.0.113.5"},
		{"untrusted peer's Forwarded ignored", "203.0.113.5:4000", map[string][]string{"Forwarded": {"for=198.51.100.1"}}, "203.0.113.5"},
		{"trusted peer, no header", "10.0.0.2:4000", nil, "10.0.0.2"},
		{"trusted peer names the client", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"a client's own entry is passed over", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1"}}, "198.51.100.1"},
		{"chain of trusted proxies", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1, 10.1.2.3,10.9.9.9"}}, "198.51.100.1"},
		{"chain over several header lines", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1", "10.1.2.3"}}, "198.51.100.1"},
		{"all hops trusted", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"10.3.3.3, 10.1.2.3"}}, "10.3.3.3"},
		{"address with a port", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.1:5123"}}, "198.51.100.1"},
		{"IPv6 client", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"2001:db8:9::7"}}, "2001:db8:9::7"},
		{"bracketed IPv6 with port", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"[2001:db8:9::7]:443"}}, "2001:db8:9::7"},
		{"IPv4-mapped IPv6", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"::ffff:198.51.100.1"}}, "198.51.100.1"},
		{"IPv6 proxy", "[2001:db8:1::2]:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.1, 2001:db8:1:5::1"}}, "198.51.100.1"},
		{"garbage ends the chain at its proxy", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"198.51.100.1, not-an-address, 10.1.2.3"}}, "10.1.2.3"},
		{"garbage from the peer itself", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {"<script>"}}, "10.0.0.2"},
		{"empty header", "10.0.0.2:4000", map[string][]string{"X-Forwarded-For": {""}}, "10.0.0.2"},
		{"Forwarded", "10.0.0.2:4000", map[string][]string{"Forwarded": {"for=198.51.100.1;proto=https;by=10.0.0.2"}}, "198.51.100.1"},
		{"Forwarded quoted IPv6 with port", "10.0.0.2:4000", map[string][]string{"Forwarded": {`for="[2001:db8:9::7]:4711"`}}, "2001:db8:9::7"},
		{"Forwarded chain, case of the key", "10.0.0.2:4000", map[string][]string{"Forwarded": {"for=6.6.6.6, FOR=198.51.100.1", "for=10.1.2.3"}}, "198.51.100.1"},
		{"Forwarded quoted comma", "10.0.0.2:4000", map[string][]string{"Forwarded": {`for=198.51.100.1;host="a,b", for=10.1.2.3`}}, "198.51.100.1"},
		{"Forwarded unknown", "10.0.0.2:4000", map[string][]string{"Forwarded": {"for=unknown"}}, "10.0.0.2"},
		{"Forwarded obfuscated", "10.0.0.2:4000", map[string][]string{"Forwarded": {`for="_hidden", for=10.1.2.3`}}, "10.1.2.3"},
		{"Forwarded element without for", "10.0.0.2:4000", map[string][]string{"Forwarded": {"proto=https"}}, "10.0.0.2"},
		{"X-Forwarded-For wins over a client's Forwarded", "10.0.0.2:4000",
			map[string][]string{"Forwarded": {"for=6.6.6.6"}, "X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"peer without a port", "10.0.0.2", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"peer that is no address", "pipe:1", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "pipe"},
	}
	for _, c := range cases {
		h := http.Header{}
		for k, vs := range c.headers {
			for _, v := range vs {
				h.Add(k, v)
			}
		}
		if got := clientAddr(c.peer, h, proxies); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := clientAddr("10.0.0.2:4000", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, nil); got != "10.0.0.2" {
		t.Errorf("no trusted proxies: %q", got)
	}
}

func TestViaHTTPS(t *testing.T) {
	k := &Kit{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	cases := []struct {
		peer   string
		header string
		value  string
		want   bool
	}{
		{"10.0.0.2:1", "X-Forwarded-Proto", "https", true},
		{"10.0.0.2:1", "X-Forwarded-Proto", "HTTPS", true},
		{"10.0.0.2:1", "X-Forwarded-Proto", "https, http", true},
		{"10.0.0.2:1", "X-Forwarded-Proto", "http", false},
		{"10.0.0.2:1", "Forwarded", "for=198.51.100.1;proto=https", true},
		{"10.0.0.2:1", "Forwarded", `for=198.51.100.1;proto="https"`, true},
		{"10.0.0.2:1", "Forwarded", "for=198.51.100.1;proto=http", false},
		{"10.0.0.2:1", "", "", false},
		{"203.0.113.5:1", "X-Forwarded-Proto", "https", false},
		{"203.0.113.5:1", "Forwarded", "proto=https", false},
	}
	for _, c := range cases {
		r := &http.Request{RemoteAddr: c.peer, Header: http.Header{}}
		if c.header != "" {
			r.Header.Set(c.header, c.value)
		}
		if got := k.viaHTTPS(r); got != c.want {
			t.Errorf("%s %s: %q: %v, want %v", c.peer, c.header, c.value, got, c.want)
		}
	}
}

func TestRateLimitKeys(t *testing.T) {
	if addressKey("2001:db8:9:1::7") != addressKey("2001:db8:9:1:ffff::1") {
		t.Error("addresses of one IPv6 /64 have different budgets")
	}
	if addressKey("2001:db8:9:1::7") == addressKey("2001:db8:9:2::7") {
		t.Error("two IPv6 /64s share a budget")
	}
	if addressKey("198.51.100.1") == addressKey("198.51.100.2") {
		t.Error("two IPv4 addresses share a budget")
	}
	if loginKey(" Admin") != loginKey("admin") {
		t.Error("variants of a login have different budgets")
	}
	if len(loginKey(strings.Repeat("x", 1<<20))) > 200 {
		t.Error("a huge login name is kept whole")
	}
}

// FuzzClientAddr checks that no header crashes the parsing, that an untrusted peer's headers
// change nothing, and that whatever is answered is an address.
func FuzzClientAddr(f *testing.F) {
	f.Add("10.0.0.2:4000", "6.6.6.6, 198.51.100.1", "")
	f.Add("10.0.0.2:4000", "", `for="[2001:db8::1]:80";proto=https, for=unknown`)
	f.Add("203.0.113.5:4000", "198.51.100.1", "for=198.51.100.1")
	f.Add("10.0.0.2:4000", "[::1", `for="\"`)
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, peer, xff, forwarded string) {
		h := http.Header{}
		if xff != "" {
			h.Set("X-Forwarded-For", xff)
		}
		if forwarded != "" {
			h.Set("Forwarded", forwarded)
		}
		got := clientAddr(peer, h, proxies)
		bare := clientAddr(peer, nil, proxies)
		a, err := netip.ParseAddr(bare)
		if err != nil {
			if got != bare {
				t.Fatalf("peer %q that is no address: %q", peer, got)
			}
			return
		}
		if !trusted(a, proxies) && got != bare {
			t.Fatalf("untrusted peer %q: headers moved the client to %q", peer, got)
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("peer %q, X-Forwarded-For %q, Forwarded %q: %q is no address", peer, xff, forwarded, got)
		}
	})
}
