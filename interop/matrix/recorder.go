package matrix

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

// recorder is a transparent TCP relay in front of a plain-HTTP server: the
// client connects to it and the bytes each way are kept for the evidence,
// exactly as sent (what was sent and what was answered). The server's
// audience is the recorder's address, as it would be behind any front end
// that keeps the Host field. TLS cells are not recorded.
type recorder struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []*relayed
	open   map[net.Conn]bool
	wg     sync.WaitGroup
}

type relayed struct {
	sent, answered capped
}

// startRecorder listens on a free loopback port and relays to target.
func startRecorder(target string) (*recorder, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &recorder{ln: ln, target: target, open: map[net.Conn]bool{}}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

func (r *recorder) addr() string { return r.ln.Addr().String() }

func (r *recorder) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", r.target)
		if err != nil {
			c.Close()
			continue
		}
		rel := &relayed{}
		r.mu.Lock()
		r.conns = append(r.conns, rel)
		r.open[c], r.open[s] = true, true
		r.mu.Unlock()
		r.wg.Add(2)
		go r.pipe(s, c, &rel.sent)
		go r.pipe(c, s, &rel.answered)
	}
}

// pipe copies from src to dst, keeping a copy, and closes both at the end.
func (r *recorder) pipe(dst, src net.Conn, keep io.Writer) {
	defer r.wg.Done()
	_, _ = io.Copy(io.MultiWriter(dst, keep), src)
	dst.Close()
	src.Close()
	r.mu.Lock()
	delete(r.open, dst)
	delete(r.open, src)
	r.mu.Unlock()
}

// close stops relaying and returns the transcript.
func (r *recorder) close() string {
	r.ln.Close()
	r.mu.Lock()
	for c := range r.open {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
	var b strings.Builder
	for i, c := range r.conns {
		fmt.Fprintf(&b, "--- connection %d: sent by the client ---\n%s\n--- connection %d: answered by the server ---\n%s\n",
			i+1, c.sent.String(), i+1, c.answered.String())
	}
	return b.String()
}
