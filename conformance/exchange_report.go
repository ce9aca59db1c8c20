package conformance

import (
	"bytes"
	"fmt"

	"github.com/wimse-wg/wimse/vectors"
)

// mdRequests writes, for the token endpoint results among idx, the
// request each sent (its form parameters, secrets and tokens redacted as
// in SentRequest): a token endpoint's answer only makes sense beside the
// parameters it judged. Other results show their request in the HTML and
// JUnit reports.
func mdRequests(b *bytes.Buffer, v *Report, idx []int) {
	var rows []int
	for _, i := range idx {
		if res := v.Results[i]; res.Draft == vectors.SignalExchange && res.Request != nil && res.Status != StatusUnsupported {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("#### Token requests of these results\n\n| ID | request |\n|---|---|\n")
	for _, i := range rows {
		req := v.Results[i].Request
		text := req.Method + " " + req.URL
		for _, f := range req.Fields {
			text += fmt.Sprintf("; %s: %s", f[0], f[1])
		}
		if req.Body != "" {
			text += "; body " + req.Body
		}
		fmt.Fprintf(b, "| %s | %s |\n", mdCell(v.Results[i].ID), mdEscape(text))
	}
	b.WriteString("\n")
}
