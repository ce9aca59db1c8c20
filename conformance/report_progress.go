package conformance

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ProgressLine returns a Config.Progress function for a terminal: after
// each vector it rewrites one live line on w with the number played, the
// total and the count of each status so far, in the order of StatusLine:
//
//	\r[143/231] pass 140 warn 1 fail 2
//
// Statuses not seen yet are left out. The line only grows, so each write
// covers the previous one; the caller ends it with a newline once the run
// is over. The function is safe for concurrent use: Run calls it from
// several goroutines, so it counts the results itself (the done argument
// of concurrent calls may arrive out of order) and the last line always
// reads [total/total].
func ProgressLine(w io.Writer) func(done, total int, res Result) {
	var mu sync.Mutex
	counts := map[Status]int{}
	var extra []Status
	done := 0
	return func(_, total int, res Result) {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := counts[res.Status]; !ok && !slices.Contains(reportStatusOrder, res.Status) {
			extra = append(extra, res.Status)
		}
		counts[res.Status]++
		done++
		var b strings.Builder
		b.WriteString("\r[" + strconv.Itoa(done) + "/" + strconv.Itoa(total) + "]")
		for _, s := range slices.Concat(reportStatusOrder, extra) {
			if n := counts[s]; n > 0 {
				b.WriteString(" " + reportStatusName(s) + " " + strconv.Itoa(n))
			}
		}
		_, _ = fmt.Fprint(w, b.String()) // progress is best effort
	}
}
