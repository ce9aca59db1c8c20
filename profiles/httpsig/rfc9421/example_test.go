package rfc9421_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// The request and key of RFC 9421 Appendix B.2.6: the signature base and
// the Ed25519 signature are reproduced exactly.
func ExampleSignatureBase() {
	m := rfc9421.Message{
		Method: "POST", Scheme: "https", Authority: "example.com",
		Path: "/foo", RawQuery: "param=Value&Pet=dog",
		Header: http.Header{
			"Date":           {"Tue, 20 Apr 2021 02:07:55 GMT"},
			"Content-Type":   {"application/json"},
			"Content-Length": {"18"},
		},
	}
	var cs []rfc9421.Component
	for _, id := range []string{`"date"`, `"@method"`, `"@path"`, `"@authority"`, `"content-type"`, `"content-length"`} {
		cs = append(cs, rfc9421.MustParseComponent(id))
	}
	var p rfc9421.Params
	p.SetCreated(1618884473)
	p.SetKeyID("test-key-ed25519")
	sp, _ := rfc9421.SignatureParams(cs, p)
	base, _ := rfc9421.SignatureBase(m, cs, sp)
	fmt.Printf("%s\n", base)

	seed, _ := base64.RawURLEncoding.DecodeString("n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU")
	sig, _ := rfc9421.Sign(base, rfc9421.AlgEd25519, ed25519.NewKeyFromSeed(seed))
	h := http.Header{}
	_ = rfc9421.AddSignature(h, "sig-b26", sp, sig)
	fmt.Println("Signature:", h.Get("Signature"))
	// Output:
	// "date": Tue, 20 Apr 2021 02:07:55 GMT
	// "@method": POST
	// "@path": /foo
	// "@authority": example.com
	// "content-type": application/json
	// "content-length": 18
	// "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
	// Signature: sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:
}

func ExampleParseSignatures() {
	h := http.Header{
		"Signature-Input": {`wimse=("@method" "@path" "@query");created=1789405135;tag="wimse-workload-to-workload";wimse-sign-response`},
		"Signature":       {`wimse=:AQID:`},
	}
	sigs, err := rfc9421.ParseSignatures(h)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sigs {
		tag, _ := s.Params.Tag()
		created, _ := s.Params.Created()
		wsr, _ := s.Params.GetBool("wimse-sign-response")
		fmt.Println(s.Label, len(s.Components), tag, created, wsr)
	}
	// Output:
	// wimse 3 wimse-workload-to-workload 1789405135 true
}

func ExampleContentDigest() {
	body := []byte("{\"hello\": \"world\"}\n")
	field := rfc9421.ContentDigest(body, rfc9421.DigestSHA256)
	fmt.Println(field)
	fmt.Println(rfc9421.VerifyContentDigest(field, body))
	// Output:
	// sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:
	// <nil>
}
