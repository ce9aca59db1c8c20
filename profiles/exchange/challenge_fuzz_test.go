package exchange_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/profiles/exchange"
)

// bodyTransport answers every request with a fixed status, content type
// and body, without a network.
type bodyTransport struct {
	status int
	ct     string
	body   string
}

func (b bodyTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: b.status, Header: http.Header{"Content-Type": {b.ct}}, Body: io.NopCloser(strings.NewReader(b.body))}, nil
}

// FuzzFetchChallenge: any answer of a challenge endpoint gives a non-empty
// challenge or an *Error or *ResponseError, never a panic.
func FuzzFetchChallenge(f *testing.F) {
	f.Add(200, "application/json", `{"attestation_challenge":"AYjcyMzY3ZDhiNmJkNTZ"}`)
	f.Add(500, "application/json", `{"error":"server_error"}`)
	f.Add(200, "text/html", `<p>`)
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		if status < 100 || status > 999 {
			return
		}
		hc := &http.Client{Transport: bodyTransport{status, ct, body}}
		c, err := exchange.FetchChallenge(context.Background(), hc, "https://sts.example.com/challenge")
		var e *exchange.Error
		var re *exchange.ResponseError
		switch {
		case err == nil && strings.TrimSpace(c) == "":
			t.Fatal("empty challenge accepted")
		case err != nil && !errors.As(err, &e) && !errors.As(err, &re):
			t.Fatalf("error of type %T: %v", err, err)
		}
	})
}
