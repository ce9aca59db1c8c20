package httpsig_test

// Request verification (WIT + HTTP message signature) beside the bare
// cryptography, in one run so the ratio shows.
//
//   - BenchmarkVerifySignedRequest/cold: Verifier.Verify of a -07 signed
//     POST (ES256 WIT, ES256 workload key, JSON body with Content-Digest),
//     without a WIT cache: WIT parsing and validation (one ECDSA P-256
//     verification), Signature-Input/Signature parsing, the profile checks,
//     Content-Digest over the body, the signature base and the second ECDSA
//     verification, the audience and the nonce replay cache. Each iteration
//     presents a distinct request (distinct nonce), signed before the timer
//     starts; the replay cache is sized b.N+1 so it never fills.
//   - /warm: the same with a warmed WIT cache (one verification).
//   - BenchmarkBareECDSAVerifyTwice: SHA-256 and crypto/ecdsa.Verify of the
//     WIT signing input and of the signature base, r and s parsed once
//     outside the loop: the floor.
//
// Run: go test ./profiles/httpsig -run XXX -bench . -benchtime 2000x -count 5

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"

	"crypto/elliptic"
)

type benchFixture struct {
	store  *wimse.TrustStore
	issuer *ecdsa.PrivateKey
	wl     *ecdsa.PrivateKey
	wit    string
	now    time.Time
}

func newBenchFixture(b *testing.B) *benchFixture {
	f := &benchFixture{issuer: wimsetest.EC(b, elliptic.P256(), "issuer"), wl: wimsetest.EC(b, elliptic.P256(), "workload"), now: time.Unix(1767225600, 0)}
	f.store = wimse.NewTrustStore()
	f.store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k", Public: f.issuer.Public()}}})
	var err error
	f.wit, err = (&wit.Signer{Key: f.issuer, KeyID: "k"}).Sign(wit.Claims{Subject: wimse.MustParseID("wimse://example.org/client"), Expiry: f.now.Add(time.Hour), Key: f.wl.Public()})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

const benchBody = `{"do stuff":"please"}`

func (f *benchFixture) request(b *testing.B) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "https://svc.example/path", strings.NewReader(benchBody))
	r.Header.Set("Content-Type", "application/json")
	s := &httpsig.Signer{WIT: f.wit, Key: f.wl, Alg: "ES256", Now: func() time.Time { return f.now }}
	if _, err := s.SignRequest(r, []byte(benchBody), httpsig.RequestOptions{Audience: "https://svc.example/path"}); err != nil {
		b.Fatal(err)
	}
	r.RequestURI = "/path" // as a server sees it
	return r
}

func BenchmarkVerifySignedRequest(b *testing.B) {
	b.Run("cold", func(b *testing.B) { benchSigned(b, nil) })
	b.Run("warm", func(b *testing.B) { benchSigned(b, wit.NewCache(0)) })
}

func benchSigned(b *testing.B, cache *wit.Cache) {
	f := newBenchFixture(b)
	reqs := make([]*http.Request, b.N+1)
	for i := range reqs {
		reqs[i] = f.request(b)
	}
	v := &httpsig.Verifier{
		Trust:    f.store,
		Policy:   wimse.Policy{Now: func() time.Time { return f.now }},
		WITCache: cache,
		Replay:   wimse.NewMemoryReplayCache(b.N + 1),
		Audience: httpsig.AudienceFromBase("https://svc.example"),
	}
	body := []byte(benchBody)
	if _, err := v.Verify(reqs[b.N], body); err != nil {
		b.Fatalf("setup request rejected: %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := v.Verify(reqs[i], body); err != nil {
			b.Fatalf("iteration %d: %v", i, err)
		}
	}
}

func BenchmarkBareECDSAVerifyTwice(b *testing.B) {
	f := newBenchFixture(b)
	r := f.request(b)
	// The WIT's signing input and signature.
	dot := strings.LastIndexByte(f.wit, '.')
	witInput := []byte(f.wit[:dot])
	witSig, _ := base64.RawURLEncoding.DecodeString(f.wit[dot+1:])
	// The message signature base and signature.
	sigs, err := rfc9421.ParseSignatures(r.Header)
	if err != nil {
		b.Fatal(err)
	}
	base, err := sigs[0].Base(rfc9421.FromRequest(r, "https"))
	if err != nil {
		b.Fatal(err)
	}
	type bare struct {
		input []byte
		r, s  *big.Int
		pub   *ecdsa.PublicKey
	}
	split := func(sig []byte) (*big.Int, *big.Int) {
		return new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	}
	wr, ws := split(witSig)
	mr, ms := split(sigs[0].Value)
	pair := []bare{{witInput, wr, ws, &f.issuer.PublicKey}, {base, mr, ms, &f.wl.PublicKey}}
	for _, p := range pair {
		h := sha256.Sum256(p.input)
		if !ecdsa.Verify(p.pub, h[:], p.r, p.s) {
			b.Fatal("bare verification failed")
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range pair {
			h := sha256.Sum256(p.input)
			if !ecdsa.Verify(p.pub, h[:], p.r, p.s) {
				b.Fatal("bare verification failed")
			}
		}
	}
}
