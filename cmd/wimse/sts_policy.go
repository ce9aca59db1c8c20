package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/sts/policy"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// stsCmd groups the reference token exchange service's commands; the
// policy check is the first of them.
func stsCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "sts",
		Short: "Reference token exchange service (RFC 8693) tools",
		Example: `  wimse sts policy check --policy policy.json --client wimse://example.org/orders/api \
    --subject-iss https://sts.example.org --subject-sub wimse://example.org/orders/api \
    --resource https://payments.example.org/api`,
	}
	pol := &cobra.Command{
		Use:   "policy",
		Short: "Check exchange requests against an STS policy",
		Example: `  wimse sts policy check --policy policy.json --client spiffe://example.org/agent \
    --subject-iss https://idp.example.org --subject-sub alice --audience calendar`,
	}
	pol.AddCommand(stsPolicyCheckCmd(e))
	c.AddCommand(pol)
	c.AddCommand(stsInitCmd(e), stsServeCmd(e), stsExchangeCmd(e), stsKeysCmd(e))
	return c
}

type policyCheckFlags struct {
	policy, client, clientID, authMethod string
	subjectIss, subjectSub, subjectType  string
	subjectToken                         string
	actorIss, actorSub, actorType        string
	resources, audiences                 []string
	scope                                string
	lifetime                             time.Duration
}

func stsPolicyCheckCmd(e *env) *cobra.Command {
	var f policyCheckFlags
	c := &cobra.Command{
		Use:   "check --policy FILE (--client ID | --client-id S) --subject-iss ISS --subject-sub SUB (--resource URL | --audience A)...",
		Short: "Print the decision of an STS policy for one exchange request, and the rule",
		Long: `check evaluates an exchange request against a policy file (interop/sts/policy)
and prints the decision, the deciding rule, the grant (audience, scope,
lifetime) and, for each rule examined, why it did not permit the request.
Rules are tried in order; the first that permits the whole request wins.

The subject may be given as --subject-iss and --subject-sub, or read from a
JWT with --subject-token FILE (its iss and sub, NOT verified: this command
checks the policy, not the token).

Exit status: 0 allowed, 1 denied, 2 usage or an invalid policy file.`,
		Example: `  wimse sts policy check --policy policy.json --client wimse://example.org/orders/api \
    --subject-iss https://sts.example.org --subject-sub wimse://example.org/orders/api \
    --resource https://payments.example.org/api --scope payments:read

  # A user's access token, exchanged by an agent acting for the user:
  wimse sts policy check --policy policy.json --client wimse://example.org/agent \
    --subject-token alice.jwt --actor-iss wimse://example.org --actor-sub wimse://example.org/agent \
    --audience calendar`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return f.run(e) },
	}
	fl := c.Flags()
	fl.StringVar(&f.policy, "policy", "", "policy file (required)")
	fl.StringVar(&f.client, "client", "", "the client's workload identifier (wimse:// or spiffe://)")
	fl.StringVar(&f.clientID, "client-id", "", "the client's OAuth client_id, for clients without a workload identifier (default: --client)")
	fl.StringVar(&f.authMethod, "auth-method", "", "client authentication method used, e.g. spiffe_wit, private_key_jwt")
	fl.StringVar(&f.subjectIss, "subject-iss", "", "the subject token's iss")
	fl.StringVar(&f.subjectSub, "subject-sub", "", "the subject token's sub")
	fl.StringVar(&f.subjectType, "subject-token-type", "urn:ietf:params:oauth:token-type:access_token", "the subject_token_type URI")
	fl.StringVar(&f.subjectToken, "subject-token", "", "JWT file to read the subject's iss and sub from (unverified)")
	fl.StringVar(&f.actorIss, "actor-iss", "", "the actor token's iss (with --actor-sub: a delegation request)")
	fl.StringVar(&f.actorSub, "actor-sub", "", "the actor token's sub")
	fl.StringVar(&f.actorType, "actor-token-type", "urn:ietf:params:oauth:token-type:jwt", "the actor_token_type URI")
	fl.StringArrayVar(&f.resources, "resource", nil, "requested resource (RFC 8707; repeatable)")
	fl.StringArrayVar(&f.audiences, "audience", nil, "requested audience (RFC 8693; repeatable)")
	fl.StringVar(&f.scope, "scope", "", "requested scope, space-separated")
	fl.DurationVar(&f.lifetime, "lifetime", 0, "requested lifetime (0: the rule's maximum)")
	return c
}

func (f *policyCheckFlags) run(e *env) error {
	if f.policy == "" {
		return usageErr("--policy is required")
	}
	pol, err := policy.Load(f.policy)
	if err != nil {
		return usageHint("fix the named rule and field", "%v", err)
	}
	in, err := f.input()
	if err != nil {
		return err
	}
	d := pol.Evaluate(in)
	fmt.Fprint(e.stdout, d.Explain())
	if !d.Allowed {
		return quietExit(exitFailure)
	}
	return nil
}

func (f *policyCheckFlags) input() (policy.Input, error) {
	in := policy.Input{
		ClientID:   f.clientID,
		AuthMethod: f.authMethod,
		Subject:    policy.Party{Issuer: f.subjectIss, Subject: f.subjectSub, TokenType: f.subjectType},
		Resources:  f.resources,
		Audiences:  f.audiences,
		Lifetime:   f.lifetime,
	}
	if f.client == "" && f.clientID == "" {
		return in, usageErr("--client or --client-id is required")
	}
	if f.client != "" {
		id, err := wimse.ParseID(f.client)
		if err != nil {
			return in, usageErr("--client: %v", err)
		}
		in.Client = id
		if in.ClientID == "" {
			in.ClientID = f.client
		}
	}
	if f.subjectToken != "" {
		iss, sub, err := jwtIssSub(f.subjectToken)
		if err != nil {
			return in, usageErr("--subject-token: %v", err)
		}
		if in.Subject.Issuer == "" {
			in.Subject.Issuer = iss
		}
		if in.Subject.Subject == "" {
			in.Subject.Subject = sub
		}
	}
	if in.Subject.Issuer == "" || in.Subject.Subject == "" {
		return in, usageErr("the subject needs --subject-iss and --subject-sub, or --subject-token")
	}
	if (f.actorIss == "") != (f.actorSub == "") {
		return in, usageErr("--actor-iss and --actor-sub go together")
	}
	if f.actorSub != "" {
		in.Actor = &policy.Party{Issuer: f.actorIss, Subject: f.actorSub, TokenType: f.actorType}
	}
	if f.scope != "" {
		s, err := scope.Parse(f.scope)
		if err != nil {
			return in, usageErr("--scope: %v", err)
		}
		in.Scope = s
	}
	return in, nil
}

// jwtIssSub reads iss and sub from the payload of a compact JWS, without
// verifying it.
func jwtIssSub(file string) (iss, sub string, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", "", err
	}
	parts := strings.Split(string(bytes.TrimSpace(b)), ".")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("not a compact JWS (three dot-separated parts)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", "", fmt.Errorf("payload is not base64url: %w", err)
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", "", fmt.Errorf("payload is not a JSON object with string iss and sub: %w", err)
	}
	return claims.Iss, claims.Sub, nil
}
