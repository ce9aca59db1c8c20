package fakeagent_test

import (
	"crypto"
	"path/filepath"
	"testing"

	"github.com/spiffe/go-spiffe/v2/exp/svid/witsvid"
	"github.com/spiffe/go-spiffe/v2/proto/spiffe/workload"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/wimse-wg/wimse/internal/fakeagent"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

var workloadID = spiffeid.RequireFromString("spiffe://example.org/workload/client")

// start runs an agent for workloadID (with cfg's other settings) and a
// go-spiffe Workload API client connected to it.
func start(t *testing.T, cfg fakeagent.Config) (*fakeagent.Agent, *workloadapi.Client) {
	t.Helper()
	cfg.ID = workloadID
	a, err := fakeagent.Start(filepath.Join(t.TempDir(), "agent.sock"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	})
	c, err := workloadapi.New(t.Context(), workloadapi.WithAddr(a.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return a, c
}

// TestSecurityHeader: without workload.spiffe.io: true every RPC is
// refused with InvalidArgument, as by a real agent.
func TestSecurityHeader(t *testing.T) {
	a, _ := start(t, fakeagent.Config{})
	conn, err := grpc.NewClient(a.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	raw := workload.NewSpiffeWorkloadAPIClient(conn)
	ctx := t.Context()
	_, err = raw.FetchJWTSVID(ctx, &workload.JWTSVIDRequest{Audience: []string{"x"}})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("FetchJWTSVID without the header: %v, want InvalidArgument", err)
	}
	recv := map[string]func() error{
		"FetchWITSVID": func() error {
			st, err := raw.FetchWITSVID(ctx, &workload.WITSVIDRequest{})
			if err == nil {
				_, err = st.Recv()
			}
			return err
		},
		"FetchWITBundles": func() error {
			st, err := raw.FetchWITBundles(ctx, &workload.WITBundlesRequest{})
			if err == nil {
				_, err = st.Recv()
			}
			return err
		},
		"FetchX509SVID": func() error {
			st, err := raw.FetchX509SVID(ctx, &workload.X509SVIDRequest{})
			if err == nil {
				_, err = st.Recv()
			}
			return err
		},
	}
	for name, f := range recv {
		if err := f(); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s without the header: %v, want InvalidArgument", name, err)
		}
	}
	if a.WITMinted() != 0 {
		t.Errorf("%d WIT-SVIDs minted for callers without the header", a.WITMinted())
	}
}

// TestX509AndJWTSVIDs: go-spiffe fetches an X.509-SVID that verifies
// against the fetched X.509 bundle, and a JWT-SVID that verifies against
// the fetched JWT bundle.
func TestX509AndJWTSVIDs(t *testing.T) {
	_, c := start(t, fakeagent.Config{})
	ctx := t.Context()
	x, err := c.FetchX509Context(ctx)
	if err != nil {
		t.Fatal(err)
	}
	svid := x.DefaultSVID()
	if svid.ID != workloadID {
		t.Fatalf("X.509-SVID for %s", svid.ID)
	}
	if id, _, err := x509svid.Verify(svid.Certificates, x.Bundles); err != nil || id != workloadID {
		t.Fatalf("x509svid.Verify: %v, %v", id, err)
	}
	j, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: "https://sts.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	jb, err := c.FetchJWTBundles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := jwtsvid.ParseAndValidate(j.Marshal(), jb, []string{"https://sts.example.org"}); err != nil || got.ID != workloadID {
		t.Fatalf("jwtsvid.ParseAndValidate: %v, %v", got, err)
	}
	if _, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: "a", Subject: spiffeid.RequireFromString("spiffe://example.org/other")}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("JWT-SVID of another workload: %v, want PermissionDenied", err)
	}
}

// TestWITSVID: go-spiffe fetches a WIT-SVID (minted by tokens/wit under
// wit.ProfileSVID) and the WIT bundle; (a) go-spiffe witsvid verifies it
// with the bundle, (b) our WIT-SVID verifier verifies it with a trust
// store read from the same bundle (wimse.ParseSPIFFEBundle), and both
// read the same identity and confirmation key, the public half of the
// private key the Workload API handed out.
func TestWITSVID(t *testing.T) {
	a, c := start(t, fakeagent.Config{})
	ctx := t.Context()
	svid, err := c.FetchWITSVID(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	bundles, err := c.FetchWITBundles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw := svid.Marshal()

	// (a) go-spiffe.
	theirs, err := witsvid.ParseAndValidate(raw, bundles)
	if err != nil {
		t.Fatalf("go-spiffe: %v", err)
	}
	if theirs.ID != workloadID || theirs.KeyID != "wit-authority-1" {
		t.Fatalf("go-spiffe view: %+v", theirs)
	}

	// (b) ours, trusting the fetched bundle.
	b, err := bundles.GetWITBundleForTrustDomain(workloadID.TrustDomain())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	td := wimse.MustParseTrustDomain(workloadID.TrustDomain().Name())
	anchors, err := wimse.ParseSPIFFEBundle(td, doc)
	if err != nil {
		t.Fatal(err)
	}
	store := wimse.NewTrustStore()
	store.Set(td, anchors)
	ours, err := (&wit.Verifier{Trust: store, Profile: wit.ProfileSVID}).Verify(raw)
	if err != nil {
		t.Fatalf("ours: %v", err)
	}
	signer, ok := svid.PrivateKey.(crypto.Signer)
	if !ok {
		t.Fatalf("the WIT-SVID key is a %T", svid.PrivateKey)
	}
	if ours.Subject.String() != workloadID.String() || !ours.Expiry.Equal(theirs.Expiry) ||
		!equalPub(ours.Confirmation.Key, signer.Public()) || !equalPub(theirs.PublicKey, signer.Public()) {
		t.Fatalf("views differ: ours %+v, go-spiffe %+v", ours, theirs)
	}

	// Each fetch mints a WIT-SVID with a key of its own.
	again, err := c.FetchWITSVID(ctx, workloadID.String())
	if err != nil {
		t.Fatal(err)
	}
	if again.Marshal() == raw || equalPub(again.PublicKey, theirs.PublicKey) || a.WITMinted() != 2 {
		t.Fatalf("second fetch: same token or key (minted %d)", a.WITMinted())
	}
	if _, err := c.FetchWITSVID(ctx, "spiffe://example.org/other"); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("WIT-SVID of another workload: %v, want PermissionDenied", err)
	}
}

func equalPub(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}
