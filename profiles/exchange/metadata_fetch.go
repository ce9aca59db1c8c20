package exchange

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// maxMetadata bounds the metadata document read by FetchMetadata.
const maxMetadata = 64 << 10

// FetchMetadata reads the authorization server metadata of issuer (RFC
// 8414 §3) with hc (nil means http.DefaultClient), following no redirect:
// a GET of the well-known URL, a 200 application/json answer of at most
// 64 KiB whose issuer is exactly the issuer asked for (§3.3: otherwise
// the metadata must not be used), and which Validate accepts.
func FetchMetadata(ctx context.Context, hc *http.Client, issuer string) (*Metadata, error) {
	u, err := (&Metadata{Issuer: issuer}).WellKnownURL()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("exchange: metadata: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if hc == nil {
		hc = http.DefaultClient
	}
	noRedirect := *hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, fmt.Errorf("exchange: metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("exchange: metadata: %s answered HTTP %d", u, resp.StatusCode)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("exchange: metadata: %s is not application/json", u)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadata+1))
	if err != nil {
		return nil, fmt.Errorf("exchange: metadata: %w", err)
	}
	if len(body) > maxMetadata {
		return nil, fmt.Errorf("exchange: metadata: %s is larger than %d bytes", u, maxMetadata)
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("exchange: metadata: %w", err)
	}
	if m.Issuer != issuer {
		return nil, fmt.Errorf("exchange: metadata: issuer %q is not %q (RFC 8414 §3.3)", m.Issuer, issuer)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}
