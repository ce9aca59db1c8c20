package peercli

import (
	"net/http"
	"sync"
	"time"
)

// Route answers what the peer convention fixes for every peer server:
// GET /healthz (200, no credentials), any path but /hello (404), and a
// method other than GET or POST on /hello (405 with Allow). It returns the
// status it answered and true, or 0 and false when the request is for the
// peer's own /hello handling.
func Route(w http.ResponseWriter, r *http.Request) (int, bool) {
	switch {
	case r.URL.Path == "/healthz" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
		return http.StatusOK, true
	case r.URL.Path != "/hello":
		http.NotFound(w, r)
		return http.StatusNotFound, true
	case r.Method != http.MethodGet && r.Method != http.MethodPost:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed, true
	}
	return 0, false
}

// Seen remembers keys (a proof's sender and jti, a signature's nonce) until
// they expire, for the peers' replay checks. Its zero value is empty; it is
// safe for concurrent use.
type Seen struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// Add records key until until and reports whether it was new at now;
// expired keys are dropped first.
func (c *Seen) Add(key string, until, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]time.Time{}
	}
	for k, e := range c.seen {
		if now.After(e) {
			delete(c.seen, k)
		}
	}
	if _, ok := c.seen[key]; ok {
		return false
	}
	c.seen[key] = until
	return true
}
