package exchange_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// A workload exchanges its WIT for an access token to one backend, and
// learns why a second request is refused. The token endpoint here is a
// stand-in built from the package's wire types.
func ExampleClient_Exchange() {
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		req, err := exchange.ParseRequest(r.PostForm)
		if err != nil {
			exchange.WriteError(w, r, err)
			return
		}
		if len(req.Resource) != 1 || req.Resource[0] != "https://backend.example.com/" {
			exchange.Errorf(oauth.ErrorInvalidTarget, "resource not permitted").Write(w, r)
			return
		}
		(&exchange.Response{
			AccessToken:     "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
			IssuedTokenType: oauth.TokenTypeAccessToken,
			TokenType:       oauth.AccessTokenTypeBearer,
			ExpiresIn:       300,
		}).Write(w)
	}))
	defer sts.Close()

	c := &exchange.Client{
		TokenURL: sts.URL + "/token",
		Auth:     &exchange.ClientSecretBasic{ClientID: "workload-a", Secret: "not-printed"},
	}
	req := exchange.Request{
		SubjectToken:     "the-workload's-WIT",
		SubjectTokenType: oauth.TokenTypeJWT,
		Resource:         []string{"https://backend.example.com/"},
	}
	resp, err := c.Exchange(context.Background(), req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.TokenType, resp.IssuedTokenType, resp.Lifetime())

	req.Resource = []string{"https://payroll.example.com/"}
	_, err = c.Exchange(context.Background(), req)
	var oe *exchange.Error
	if errors.As(err, &oe) {
		fmt.Println(oe.Status, oe.Code)
	}
	// Output:
	// Bearer urn:ietf:params:oauth:token-type:access_token 5m0s
	// 400 invalid_target
}
