package httpx

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR ranges
// ("10.0.0.2, 192.168.0.0/16, ::1") of the reverse proxies whose forwarding headers are believed.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address range", item)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address", item)
		}
		a = a.WithZone("").Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ClientAddr is the address a request comes from: the socket's peer, or, when the peer is a
// trusted proxy, the right-most address of the forwarding chain that is not itself a trusted
// proxy. Addresses left of that one were written by the client and prove nothing.
func (k *Kit) ClientAddr(r *http.Request) string {
	return clientAddr(r.RemoteAddr, r.Header, k.TrustedProxies)
}

// viaHTTPS reports whether the browser reached the server over HTTPS: its own TLS, or the word
// of a trusted proxy that ended TLS in its place.
func (k *Kit) viaHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	peer, ok := parseHop(peerHost(r.RemoteAddr))
	return ok && trusted(peer, k.TrustedProxies) && forwardedHTTPS(r.Header)
}

func clientAddr(remoteAddr string, h http.Header, proxies []netip.Prefix) string {
	host := peerHost(remoteAddr)
	peer, ok := parseHop(host)
	if !ok {
		return host
	}
	client := peer
	if !trusted(peer, proxies) {
		return client.String()
	}
	// A hop that is not an address ("unknown", an obfuscated name) ends the chain: the proxy
	// that wrote it is the nearest address known.
	for _, hop := range slices.Backward(forwardedFor(h)) {
		a, ok := parseHop(hop)
		if !ok {
			break
		}
		client = a
		if !trusted(a, proxies) {
			break
		}
	}
	return client.String()
}

// forwardedFor is the chain of client addresses the proxies reported, nearest last. Proxies
// commonly write X-Forwarded-For and pass a client's Forwarded header on untouched, so
// X-Forwarded-For is believed first and Forwarded only when a proxy wrote nothing else.
func forwardedFor(h http.Header) []string {
	xff := h.Values("X-Forwarded-For")
	if len(xff) == 0 {
		return forwardedParams(h.Values("Forwarded"), "for")
	}
	var hops []string
	for _, v := range xff {
		hops = append(hops, strings.Split(v, ",")...)
	}
	return hops
}

// forwardedHTTPS reports whether a proxy says the client spoke HTTPS to it. Any "https" in the
// chain counts: a cookie marked Secure by mistake only fails to come back over plain HTTP.
func forwardedHTTPS(h http.Header) bool {
	protos := forwardedParams(h.Values("Forwarded"), "proto")
	for _, v := range h.Values("X-Forwarded-Proto") {
		protos = append(protos, strings.Split(v, ",")...)
	}
	return slices.ContainsFunc(protos, func(p string) bool { return strings.EqualFold(strings.TrimSpace(p), "https") })
}

// forwardedParams returns the value of the parameter key in every element of Forwarded headers
// (RFC 7239), in order, or "" for an element without it.
func forwardedParams(headers []string, key string) []string {
	var out []string
	for _, h := range headers {
		for _, elem := range splitUnquoted(h, ',') {
			value := ""
			for _, pair := range splitUnquoted(elem, ';') {
				if name, v, ok := strings.Cut(pair, "="); ok && strings.EqualFold(strings.TrimSpace(name), key) {
					value = unquote(strings.TrimSpace(v))
				}
			}
			out = append(out, value)
		}
	}
	return out
}

// splitUnquoted splits s at each sep outside a quoted string.
func splitUnquoted(s string, sep byte) []string {
	var parts []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unquote returns the text of a quoted string with its escapes undone, or s if it is a token.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '\\' && i+1 < len(s)-1 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseHop reads one address of a forwarding chain: bare, bracketed or with a port, as proxies
// write them ("192.0.2.4", "192.0.2.4:5123", "[2001:db8::1]:5123", "2001:db8::1").
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		s = s[1 : len(s)-1]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap(), true
}

// peerHost is the host part of the socket's peer address.
func peerHost(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	return slices.ContainsFunc(proxies, func(p netip.Prefix) bool { return p.Contains(a) })
}
