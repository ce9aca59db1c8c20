package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
)

// testKeys are one private key of every supported type.
func testKeys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	out := map[string]crypto.Signer{}
	for name, curve := range map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = k
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	out["Ed25519"] = ed
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	out["RSA"] = rk
	return out
}

// encodings are the PEM and DER forms of a private key and its public key
// that `wimse keys convert` reads: name -> (bytes, holds a private key).
func encodings(t *testing.T, k crypto.Signer) map[string][]byte {
	t.Helper()
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}) }
	out := map[string][]byte{
		"pkcs8.pem": pemOf("PRIVATE KEY", p8), "pkcs8.der": p8,
		"spki.pem": pemOf("PUBLIC KEY", spki), "spki.der": spki,
	}
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		sec1, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		// As openssl ecparam -genkey writes it: the named curve first.
		oid := map[elliptic.Curve]asn1.ObjectIdentifier{elliptic.P256(): {1, 2, 840, 10045, 3, 1, 7},
			elliptic.P384(): {1, 3, 132, 0, 34}, elliptic.P521(): {1, 3, 132, 0, 35}}[k.Curve]
		params, err := asn1.Marshal(oid)
		if err != nil {
			t.Fatal(err)
		}
		out["sec1.pem"] = append(pemOf("EC PARAMETERS", params), pemOf("EC PRIVATE KEY", sec1)...)
		out["sec1.der"] = sec1
	case *rsa.PrivateKey:
		out["pkcs1.pem"], out["pkcs1.der"] = pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)), x509.MarshalPKCS1PrivateKey(k)
		out["pkcs1-public.pem"] = pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.PublicKey))
	}
	return out
}

// TestKeysConvertRoundTrip converts every key type from every PEM and DER
// form to a JWK and back to PEM, and checks the key survives, the JWK
// carries --alg/--kid and a private output file is mode 0600.
func TestKeysConvertRoundTrip(t *testing.T) {
	for name, key := range testKeys(t) {
		for form, data := range encodings(t, key) {
			t.Run(name+"/"+form, func(t *testing.T) {
				dir := t.TempDir()
				p := func(n string) string { return filepath.Join(dir, n) }
				if err := os.WriteFile(p("in."+form), data, 0o600); err != nil {
					t.Fatal(err)
				}
				private := !strings.Contains(form, "spki") && !strings.Contains(form, "public")
				mustRun(t, "keys", "convert", "--in", p("in."+form), "--out", p("key.jwk"), "--kid", "k-1")
				jwk, err := os.ReadFile(p("key.jwk"))
				if err != nil {
					t.Fatal(err)
				}
				wantAlg := jose.AlgForKey(key.Public())
				if private {
					s, alg, kid, err := jose.ParsePrivateJWK(jwk)
					if err != nil {
						t.Fatalf("not a private JWK: %v\n%s", err, jwk)
					}
					if !s.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) || alg != wantAlg || kid != "k-1" {
						t.Errorf("JWK alg %q kid %q, want the key with %q and k-1", alg, kid, wantAlg)
					}
				} else {
					k, err := jose.ParsePublicJWK(jwk)
					if err != nil {
						t.Fatalf("not a public JWK: %v\n%s", err, jwk)
					}
					if !k.Key.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) || k.Alg != wantAlg || k.Kid != "k-1" {
						t.Errorf("JWK alg %q kid %q, want the key with %q and k-1", k.Alg, k.Kid, wantAlg)
					}
				}
				checkMode(t, p("key.jwk"), private)

				// And back: JWK input defaults to PEM output.
				mustRun(t, "keys", "convert", "--in", p("key.jwk"), "--out", p("back.pem"))
				back, err := os.ReadFile(p("back.pem"))
				if err != nil {
					t.Fatal(err)
				}
				blk, _ := pem.Decode(back)
				if blk == nil {
					t.Fatalf("not PEM:\n%s", back)
				}
				var pub crypto.PublicKey
				if private {
					if blk.Type != "PRIVATE KEY" {
						t.Fatalf("PEM type %q, want PRIVATE KEY", blk.Type)
					}
					k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
					if err != nil {
						t.Fatal(err)
					}
					pub = k.(crypto.Signer).Public()
				} else {
					if blk.Type != "PUBLIC KEY" {
						t.Fatalf("PEM type %q, want PUBLIC KEY", blk.Type)
					}
					if pub, err = x509.ParsePKIXPublicKey(blk.Bytes); err != nil {
						t.Fatal(err)
					}
				}
				if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
					t.Error("the key changed on the way back")
				}
				checkMode(t, p("back.pem"), private)
			})
		}
	}
}

func checkMode(t *testing.T, path string, private bool) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := os.FileMode(0o644); private && st.Mode().Perm() != 0o600 || !private && st.Mode().Perm() != want {
		t.Errorf("%s has mode %v (private %v)", filepath.Base(path), st.Mode().Perm(), private)
	}
}

// TestKeysConvertBundle: a PEM issuer key becomes a trust bundle that
// `wimse serve` and `token verify` read, and its private half issues a
// WIT; a converted private JWK written over a world-readable file is 0600.
func TestKeysConvertBundle(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	enc := encodings(t, k)
	os.WriteFile(p("issuer.pem"), enc["pkcs8.pem"], 0o600)
	os.WriteFile(p("issuer-pub.pem"), enc["spki.pem"], 0o644)
	os.WriteFile(p("issuer.jwk"), []byte("world-readable"), 0o644)
	mustRun(t, "keys", "convert", "--in", p("issuer.pem"), "--out", p("issuer.jwk"), "--kid", "i1")
	checkMode(t, p("issuer.jwk"), true)
	mustRun(t, "keys", "convert", "--in", p("issuer-pub.pem"), "--out", p("bundle.jwks"), "--to", "jwks", "--kid", "i1")
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("wl.jwk"))
	_, witOut, _ := mustRun(t, "token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "wimse://example.org/a", "--workload-key", p("wl.jwk"))
	os.WriteFile(p("wl.wit"), []byte(witOut), 0o600)
	_, req, _ := mustRun(t, "token", "request", "--url", "https://svc.example.org/x", "--wit", p("wl.wit"), "--key", p("wl.jwk"))
	os.WriteFile(p("req.http"), []byte(req), 0o600)
	code, out, errOut := cli(t, "", "token", "verify", "--request", p("req.http"), "--trust-bundle", p("bundle.jwks"), "--trust-domain", "example.org", "--audience", "https://svc.example.org")
	if code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Errorf("verify with the converted bundle: exit %d, %s %s", code, out, errOut)
	}
}

func TestKeysConvertErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	enc := encodings(t, k)
	os.WriteFile(p("k.pem"), enc["pkcs8.pem"], 0o600)
	os.WriteFile(p("two.pem"), append(enc["spki.pem"], enc["spki.pem"]...), 0o600)
	os.WriteFile(p("enc.pem"), pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), 0o600)
	os.WriteFile(p("junk"), []byte("hello"), 0o600)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p("small.pem"), encodings(t, small)["pkcs1.pem"], 0o600)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"missing --out":           {[]string{"--in", p("k.pem")}, "--in and --out are required"},
		"alg that does not fit":   {[]string{"--in", p("k.pem"), "--out", p("o.jwk"), "--alg", "ES384"}, "does not fit"},
		"unknown alg":             {[]string{"--in", p("k.pem"), "--out", p("o.jwk"), "--alg", "HS256"}, "is not one of"},
		"unknown format":          {[]string{"--in", p("k.pem"), "--out", p("o.jwk"), "--to", "p12"}, "is not jwk, jwks or pem"},
		"two keys into one JWK":   {[]string{"--in", p("two.pem"), "--out", p("o.jwk")}, "--to jwks"},
		"encrypted":               {[]string{"--in", p("enc.pem"), "--out", p("o.jwk")}, "encrypted"},
		"not a key":               {[]string{"--in", p("junk"), "--out", p("o.jwk")}, "neither PEM, JWK nor"},
		"RSA below 2048 bits":     {[]string{"--in", p("small.pem"), "--out", p("o.jwk")}, "below 2048"},
		"kid into PEM":            {[]string{"--in", p("k.pem"), "--out", p("o.pem"), "--to", "pem", "--kid", "x"}, "JWK output only"},
		"same file in and out":    {[]string{"--in", p("k.pem"), "--out", p("k.pem")}, "must differ"},
		"kid for several in JWKS": {[]string{"--in", p("two.pem"), "--out", p("o.jwks"), "--to", "jwks", "--kid", "x"}, "names one key"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := cli(t, "", append([]string{"keys", "convert"}, tc.args...)...)
			if code != exitUsage || !strings.HasPrefix(errOut, "wimse: error: ") || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
	if _, err := os.Stat(p("o.jwk")); err == nil {
		t.Error("a failed conversion wrote its output")
	}
}
