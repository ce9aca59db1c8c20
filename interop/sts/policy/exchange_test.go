package policy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// TestAuthorizer: the adapter turns decisions into the handler's Grant
// and Deny, and its description never lists what the policy permits.
func TestAuthorizer(t *testing.T) {
	authz := loadTestPolicy(t).Authorizer()
	proposal := func() *exchange.Proposal {
		return &exchange.Proposal{
			Client:    exchange.ClientIdentity{ID: "wimse://example.org/orders/api", Method: oauth.AuthMethodSPIFFEWIT},
			Subject:   &exchange.Party{TokenType: oauth.TokenTypeAccessToken, Issuer: "https://sts.example.org", Subject: "alice"},
			Actor:     &exchange.Party{TokenType: oauth.TokenTypeJWT, Issuer: "wimse://example.org", Subject: "wimse://example.org/orders/api"},
			Resources: []string{"https://payments.example.org/api"},
		}
	}
	g, err := authz(context.Background(), proposal())
	if err != nil {
		t.Fatalf("delegation denied: %v", err)
	}
	want := exchange.Grant{Audience: []string{"https://payments.example.org/api"}, Scope: scope.MustParse("payments:charge payments:read"),
		Lifetime: 10 * time.Minute, Delegate: true}
	if diff := cmp.Diff(want, g, cmp.Comparer(func(a, b scope.Set) bool { return a == b })); diff != "" {
		t.Errorf("grant (-want +got):\n%s", diff)
	}

	x := proposal()
	x.Actor = nil
	_, err = authz(context.Background(), x)
	var xe *exchange.Error
	if !errors.As(err, &xe) || xe.Code != oauth.ErrorInvalidRequest || wimse.ReasonOf(err) != wimse.ReasonPolicyImpersonation {
		t.Errorf("impersonation: got %v, want invalid_request with policy.impersonation", err)
	}

	x = proposal()
	x.Resources = []string{"https://payments.example.org/admin"}
	_, err = authz(context.Background(), x)
	if !errors.As(err, &xe) || xe.Code != oauth.ErrorInvalidTarget || wimse.ReasonOf(err) != wimse.ReasonPolicyTarget {
		t.Fatalf("target: got %v, want invalid_target with policy.target", err)
	}
	if strings.Contains(xe.Description, "payments.example.org/api") || strings.Contains(xe.Description, "orders-to-payments") {
		t.Errorf("description %q reveals the policy", xe.Description)
	}

	if in := InputOf(&exchange.Proposal{Client: exchange.ClientIdentity{ID: "batch-legacy"}}); !in.Client.IsZero() || in.ClientID != "batch-legacy" {
		t.Errorf("InputOf of a plain client_id: %+v", in)
	}
}
