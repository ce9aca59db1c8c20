package dpop_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/wimse"
)

func Example() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	at := func() time.Time { return time.Unix(1562262616, 0) }

	// The client proves possession of its key for one token request.
	s := &dpop.Signer{Key: key, Now: at}
	proof, err := s.NewProof("POST", "https://server.example.com/token", "", "")
	if err != nil {
		panic(err)
	}

	// The authorization server verifies it against its own URL.
	v := &dpop.Verifier{Now: at, Replay: &wimse.MemoryReplayCache{}}
	p, err := v.Verify(proof, "POST", "https://server.example.com/token", "")
	jkt, _ := s.JKT()
	fmt.Println(err, p.JKT == jkt)

	// The same proof again is a replay.
	_, err = v.Verify(proof, "POST", "https://server.example.com/token", "")
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// <nil> true
	// dpop.replayed
}

func ExampleAccessTokenHash() {
	// RFC 9449 §7.1's access token and ath.
	fmt.Println(dpop.AccessTokenHash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"))
	// Output: fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo
}
