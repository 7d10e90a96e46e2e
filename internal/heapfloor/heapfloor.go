// Package heapfloor keeps the garbage collector from running many times a second in a server
// whose live heap is small. The default GOGC of 100 collects each time the heap doubles; the
// server's live heap is a few megabytes, so at 1,000 enquiries a second it collected ten times a
// second, each time stopping the world and taking one of two cores for milliseconds, which
// showed in the latency tail.
package heapfloor

// DefaultSize makes the collector run about once a second at 1,000 enquiries a second, which
// allocate about 45 MB.
const DefaultSize = 64 << 20

// Reserve returns a block of size bytes without pointers that the collector counts as live
// but never scans, so the heap grows by at least size between collections. Nothing ever writes
// the block and fresh heap memory needs no zeroing, so the operating system never backs it
// with memory. It returns nil when the operator tunes the collector with GOGC or GOMEMLIMIT
// (the block would count against the limit). Keep the block reachable while serving.
func Reserve(getenv func(string) string, size int) []byte {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return nil
	}
	return make([]byte, size)
}
