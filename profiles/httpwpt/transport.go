package httpwpt

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// DefaultProofLifetime is the WPT lifetime a Transport uses by default.
const DefaultProofLifetime = time.Minute

// Transport is an http.RoundTripper that authenticates each request with a
// WIT and a fresh WPT. It clones the request before adding fields. It is safe
// for concurrent use if its fields are not changed.
type Transport struct {
	// Base performs the request; nil means http.DefaultTransport.
	Base http.RoundTripper
	// WIT is the workload's compact WIT.
	WIT string
	// Key is the workload's private key (the WIT's cnf.jwk) and Alg its
	// cnf.jwk.alg; "" picks the default for the key type.
	Key crypto.Signer
	Alg string
	// Revision is the carriage: wimse.RevisionWPT02 (the default, when "")
	// or wimse.RevisionWPT01.
	Revision wimse.Revision
	// Audience returns the aud for a request; nil means the target URI
	// without query and fragment (scheme://host/path).
	Audience func(*http.Request) string
	// ContextTokenFields lists the request fields, besides Txn-Token, that
	// oth binds when the request carries them.
	ContextTokenFields []string
	// Lifetime is the WPT lifetime; zero means DefaultProofLifetime.
	Lifetime time.Duration
	// Now is the clock and Rand the jti source; nil means time.Now and
	// crypto/rand.
	Now  func() time.Time
	Rand io.Reader

	//lint:ignore U1000 reached through the promoted method mutant.Put and mutant.Of call
	mutantHook
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	if err := t.Authenticate(r2); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r2)
}

// Authenticate adds the WIT and a fresh WPT to req in place.
func (t *Transport) Authenticate(req *http.Request) error {
	if t.WIT == "" || t.Key == nil {
		return errors.New("httpwpt: transport needs a WIT and a key")
	}
	m := mutant.Of(t)
	now := time.Now()
	if t.Now != nil {
		now = t.Now()
	}
	life := t.Lifetime
	if life <= 0 {
		life = DefaultProofLifetime
	}
	if m.Off(mutantExpFar) {
		life = time.Hour
	}
	jti, err := wpt.NewID(t.Rand)
	if err != nil {
		return fmt.Errorf("httpwpt: jti: %w", err)
	}
	if m.Off(mutantJTI) {
		jti = mutantFixedJTI
	}
	aud := AudienceOf(req)
	if t.Audience != nil {
		aud = t.Audience(req)
	} else if m.Off(mutantAud) {
		aud = req.URL.String()
	}
	c := wpt.Claims{Audience: aud, Expiry: now.Add(life), ID: jti, WITHash: wit.Hash(t.WIT)}
	rev := t.Revision
	if rev == "" {
		rev = wimse.RevisionWPT02
	}
	auth := req.Header.Values("Authorization")
	switch rev {
	case wimse.RevisionWPT02:
		if len(auth) > 0 {
			return errors.New("httpwpt: a wpt-02 request cannot carry another Authorization field")
		}
	case wimse.RevisionWPT01:
		if len(auth) == 1 {
			scheme, cred, _ := strings.Cut(auth[0], " ")
			if (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP")) && !m.Off(mutantATH) {
				c.AccessTokenHash = wit.Hash(strings.TrimLeft(cred, " "))
			}
		}
	default:
		return fmt.Errorf("httpwpt: unknown revision %q", rev)
	}
	// A present field is bound even when empty: the receiver sees it.
	if len(req.Header.Values(HeaderTxnToken)) > 0 && !m.Off(mutantTTH) {
		c.TxnTokenHash = wit.Hash(req.Header.Get(HeaderTxnToken))
	}
	for _, name := range t.ContextTokenFields {
		if len(req.Header.Values(name)) > 0 && !m.Off(mutantOTH) {
			v := req.Header.Get(name)
			if c.OtherTokenHashes == nil {
				c.OtherTokenHashes = map[string]string{}
			}
			c.OtherTokenHashes[strings.ToLower(name)] = wit.Hash(strings.Trim(v, " "))
		}
	}
	proof, err := (&wpt.Signer{Key: t.Key, Alg: t.Alg}).Sign(c)
	if err != nil {
		return err
	}
	if m != nil {
		alg := t.Alg
		if alg == "" {
			alg = jose.AlgForKey(t.Key.Public())
		}
		if proof, err = mutateProof(m, proof, t.Key, alg); err != nil {
			return err
		}
	}
	req.Header.Set(HeaderWIT, t.WIT)
	if rev == wimse.RevisionWPT02 {
		req.Header.Set("Authorization", Scheme+" "+proof)
	} else {
		req.Header.Set(HeaderWPT, proof)
	}
	return nil
}

// AudienceOf returns a request's target URI without query and fragment:
// the aud a sender puts in a WPT by default (wpt-01 §3.1).
func AudienceOf(req *http.Request) string {
	scheme := req.URL.Scheme
	if scheme == "" {
		scheme = "https"
	}
	host := req.URL.Host
	if host == "" {
		host = req.Host
	}
	path := req.URL.EscapedPath()
	if path == "" {
		path = "/" // the request line of a bare origin carries "/" (RFC 9110 §4.2.3)
	}
	return scheme + "://" + host + path
}
