package wimse_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/wimse-wg/wimse/wimse"
)

func ExampleParsePrivateJWK() {
	// The workload key of the examples of draft-ietf-wimse-workload-creds-02
	// and draft-ietf-wimse-wpt-02, published "for elucidative purposes":
	// never use it for anything else.
	key, err := wimse.ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519",
		"x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg",
		"d":"sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%T %s %q\n", key.Signer, key.Algorithm, key.KeyID) // no alg in the JWK: EdDSA for Ed25519

	// The same private part with another key's public part (RFC 8037's
	// example x) is refused.
	_, err = wimse.ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519",
		"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
		"d":"sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY"}`))
	fmt.Println(err)

	// A PEM key says how to convert it.
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ec)
	_, err = wimse.ParsePrivateJWK(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	var notJWK *wimse.NotJWKError
	if errors.As(err, &notJWK) {
		fmt.Println(notJWK.Format, "-", notJWK.Hint())
	}
	// Output:
	// ed25519.PrivateKey EdDSA ""
	// wimse: private jwk: jose: jwk x is not the public key of d
	// PEM - convert it with `wimse keys convert --in KEYFILE --out KEYFILE.jwk`
}
