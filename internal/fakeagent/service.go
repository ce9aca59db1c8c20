package fakeagent

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"net/url"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/exp/bundle/witbundle"
	"github.com/spiffe/go-spiffe/v2/proto/spiffe/workload"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// securityHeader is the metadata key every Workload API call carries
// (SPIFFE Workload Endpoint §6.2.1); its value must be "true".
const securityHeader = "workload.spiffe.io"

// service implements the SpiffeWorkloadAPI gRPC service for Agent a.
type service struct {
	workload.UnimplementedSpiffeWorkloadAPIServer
	a *Agent
}

// checkHeader refuses a call without the security header, as SPIRE does.
func checkHeader(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(securityHeader); len(v) != 1 || v[0] != "true" {
		return status.Error(codes.InvalidArgument, "security header missing from request")
	}
	return nil
}

// checkID refuses a request for another SPIFFE ID than the workload's.
func (s *service) checkID(id string) error {
	if id != "" && id != s.a.cfg.ID.String() {
		return status.Errorf(codes.PermissionDenied, "no identity issued for %s", id)
	}
	return nil
}

// sendOnce sends one answer on a stream and holds it open until the
// client goes away (or the agent stops), as an agent does between
// rotations.
func sendOnce[T any](st grpc.ServerStream, send func(*T) error, resp *T) error {
	if err := send(resp); err != nil {
		return err
	}
	<-st.Context().Done()
	return nil
}

func (s *service) tdID() string { return s.a.cfg.ID.TrustDomain().IDString() }

func (s *service) FetchX509SVID(_ *workload.X509SVIDRequest, st workload.SpiffeWorkloadAPI_FetchX509SVIDServer) error {
	if err := checkHeader(st.Context()); err != nil {
		return err
	}
	certDER, keyDER, err := s.a.mintX509()
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	return sendOnce(st, st.Send, &workload.X509SVIDResponse{Svids: []*workload.X509SVID{{
		SpiffeId: s.a.cfg.ID.String(), X509Svid: certDER, X509SvidKey: keyDER, Bundle: s.a.cfg.CA.Raw,
	}}})
}

func (s *service) FetchX509Bundles(_ *workload.X509BundlesRequest, st workload.SpiffeWorkloadAPI_FetchX509BundlesServer) error {
	if err := checkHeader(st.Context()); err != nil {
		return err
	}
	return sendOnce(st, st.Send, &workload.X509BundlesResponse{Bundles: map[string][]byte{s.tdID(): s.a.cfg.CA.Raw}})
}

func (s *service) FetchJWTSVID(ctx context.Context, req *workload.JWTSVIDRequest) (*workload.JWTSVIDResponse, error) {
	if err := checkHeader(ctx); err != nil {
		return nil, err
	}
	if len(req.Audience) == 0 {
		return nil, status.Error(codes.InvalidArgument, "audience must be specified")
	}
	if err := s.checkID(req.SpiffeId); err != nil {
		return nil, err
	}
	tok, err := s.a.mintJWT(req.Audience)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &workload.JWTSVIDResponse{Svids: []*workload.JWTSVID{{SpiffeId: s.a.cfg.ID.String(), Svid: tok}}}, nil
}

func (s *service) FetchJWTBundles(_ *workload.JWTBundlesRequest, st workload.SpiffeWorkloadAPI_FetchJWTBundlesServer) error {
	if err := checkHeader(st.Context()); err != nil {
		return err
	}
	b := jwtbundle.FromJWTAuthorities(s.a.cfg.ID.TrustDomain(), map[string]crypto.PublicKey{s.a.cfg.JWT.KeyID: s.a.cfg.JWT.Key.Public()})
	doc, err := b.Marshal()
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	return sendOnce(st, st.Send, &workload.JWTBundlesResponse{Bundles: map[string][]byte{s.tdID(): doc}})
}

func (s *service) FetchWITSVID(req *workload.WITSVIDRequest, st workload.SpiffeWorkloadAPI_FetchWITSVIDServer) error {
	if err := checkHeader(st.Context()); err != nil {
		return err
	}
	if err := s.checkID(req.SpiffeId); err != nil {
		return err
	}
	tok, keyJWK, err := s.a.mintWIT()
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	return sendOnce(st, st.Send, &workload.WITSVIDResponse{Svids: []*workload.WITSVID{{
		SpiffeId: s.a.cfg.ID.String(), WitSvid: tok, WitSvidKey: keyJWK,
	}}})
}

func (s *service) FetchWITBundles(_ *workload.WITBundlesRequest, st workload.SpiffeWorkloadAPI_FetchWITBundlesServer) error {
	if err := checkHeader(st.Context()); err != nil {
		return err
	}
	b := witbundle.FromWITAuthorities(s.a.cfg.ID.TrustDomain(), map[string]crypto.PublicKey{s.a.cfg.WIT.KeyID: s.a.cfg.WIT.Key.Public()})
	doc, err := b.Marshal()
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	return sendOnce(st, st.Send, &workload.WITBundlesResponse{Bundles: map[string]string{s.tdID(): string(doc)}})
}

// mintX509 issues an X.509-SVID for a fresh P-256 key: the leaf's DER and
// the key's PKCS#8 DER.
func (a *Agent) mintX509() (certDER, keyDER []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	now := a.cfg.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		URIs:         []*url.URL{a.cfg.ID.URL()},
		NotBefore:    now.Add(-a.cfg.Lifetime / 60),
		NotAfter:     now.Add(a.cfg.Lifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if certDER, err = x509.CreateCertificate(rand.Reader, tmpl, a.cfg.CA, key.Public(), a.cfg.CAKey); err != nil {
		return nil, nil, err
	}
	keyDER, err = x509.MarshalPKCS8PrivateKey(key)
	return certDER, keyDER, err
}

// mintJWT signs a JWT-SVID for audience (SPIFFE JWT-SVID §2, §3).
func (a *Agent) mintJWT(audience []string) (string, error) {
	jti, err := jose.NewID(nil)
	if err != nil {
		return "", err
	}
	now := a.cfg.Now()
	aud := any(audience)
	if len(audience) == 1 {
		aud = audience[0]
	}
	alg := jose.AlgForKey(a.cfg.JWT.Key.Public())
	return jose.Sign(map[string]any{"alg": alg, "kid": a.cfg.JWT.KeyID, "typ": "JWT"}, map[string]any{
		"sub": a.cfg.ID.String(), "aud": aud, "iat": now.Unix(), "exp": now.Add(a.cfg.Lifetime).Unix(), "jti": jti,
	}, alg, a.cfg.JWT.Key, false)
}

// mintWIT issues a WIT-SVID (tokens/wit, wit.ProfileSVID) for a fresh
// ES256 workload key: the token and the key as a private JWK.
func (a *Agent) mintWIT() (tok, keyJWK string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	sub, err := wimse.ParseID(a.cfg.ID.String())
	if err != nil {
		return "", "", err
	}
	jti, err := jose.NewID(nil)
	if err != nil {
		return "", "", err
	}
	now := a.cfg.Now()
	tok, err = (&wit.Signer{Key: a.cfg.WIT.Key, KeyID: a.cfg.WIT.KeyID, Profile: wit.ProfileSVID}).Sign(wit.Claims{
		Subject: sub, ID: jti, IssuedAt: now, Expiry: now.Add(a.cfg.Lifetime), Key: key.Public(),
	})
	if err != nil {
		return "", "", err
	}
	b, err := jose.PrivateJWKJSON(key, "ES256", "")
	if err != nil {
		return "", "", err
	}
	a.witMinted.Add(1)
	return tok, string(b), nil
}
