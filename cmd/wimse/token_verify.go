package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/wimse-wg/wimse/profiles/problem"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

// verifyResult is the one JSON object `wimse token verify` prints.
type verifyResult struct {
	OK          bool   `json:"ok"`
	Subject     string `json:"subject,omitempty"`
	TrustDomain string `json:"trust_domain,omitempty"`
	Carriage    string `json:"carriage,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Status      int    `json:"status,omitempty"`
	Challenge   bool   `json:"www_authenticate_wpt,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

func tokenVerifyCmd(e *env) *cobra.Command {
	var vf verifyFlags
	var reqFile string
	var at int64
	c := &cobra.Command{
		Use:   "verify --request FILE|- --trust-bundle [TD=]FILE --trust-domain TD --audience BASEURL [--at UNIX_SECONDS]",
		Short: "Verify one raw HTTP request offline, exactly as the server would",
		Long: `Verify one raw HTTP/1.1 request message (request line, field lines, blank
line, body) offline with the reference server's verifier. Prints one JSON object:
{"ok":true,"subject":…} and exits 0, or {"ok":false,"reason":…,"status":…} and
exits 1. Exits 2 on usage errors or unreadable input. The request goes through
the reference server's handler in-process, so every profile it accepts applies
(WIT + WPT, WIT + HTTP message signature). Trust is per trust domain, as in
'wimse serve': with several --trust-domain, every --trust-bundle is TD=FILE.`,
		Example: `  wimse token verify --request req.http --trust-bundle bundle.jwks \
    --trust-domain example.com --audience https://workload.example.com --at 1745509900

  # Two trust domains, each with its own issuer keys:
  wimse token verify --request req.http --audience https://workload.example.com \
    --trust-domain a.example --trust-bundle a.example=a.jwks \
    --trust-domain b.example --trust-bundle b.example=b.jwks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if reqFile == "" {
				return usageErr("--request is required")
			}
			var now func() time.Time
			if cmd.Flags().Changed("at") {
				t := time.Unix(at, 0)
				now = func() time.Time { return t }
			}
			cfg, err := vf.config(now)
			if err != nil {
				return err
			}
			raw, err := readInput(e, reqFile)
			if err != nil {
				return usageErr("read request: %v", err)
			}
			h, err := server.New(cfg)
			if err != nil {
				return usageErr("%v", err)
			}
			res := verifyRaw(h, raw)
			enc := json.NewEncoder(e.stdout)
			if err := enc.Encode(res); err != nil {
				return failErr("write result: %v", err)
			}
			if !res.OK {
				return quietExit(exitFailure)
			}
			return nil
		},
	}
	vf.register(c)
	c.Flags().StringVar(&reqFile, "request", "", "raw HTTP/1.1 request file, or - for stdin (required)")
	c.Flags().Int64Var(&at, "at", 0, "verify as of this time (Unix seconds) instead of now")
	return c
}

// verifyRaw plays raw request bytes through the reference server's handler
// in-process (no network), so the verdict is exactly the server's.
func verifyRaw(h http.Handler, raw []byte) verifyResult {
	req, err := httpwpt.ReadRequest(raw)
	if err != nil {
		return verifyResult{Reason: string(wimse.ReasonOf(err)), Status: http.StatusBadRequest, Detail: detailOf(err)}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusOK {
		var ok server.Response
		if err := json.Unmarshal(rec.Body.Bytes(), &ok); err == nil {
			return verifyResult{OK: true, Subject: ok.Subject, TrustDomain: ok.TrustDomain, Carriage: ok.Carriage}
		}
	}
	var p problem.Details
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	return verifyResult{Reason: p.Reason, Status: rec.Code, Challenge: rec.Header().Get("WWW-Authenticate") == httpwpt.Scheme, Detail: p.Detail}
}

func detailOf(err error) string {
	var we *wimse.Error
	if errors.As(err, &we) {
		return we.Detail
	}
	return ""
}

// readInput reads a file, or stdin for "-", bounded to 1 MiB + 1 byte.
func readInput(e *env, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, httpwpt.MaxRawRequest+1))
}
