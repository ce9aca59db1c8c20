package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/vectors"
)

// How the runner plays an exchange vector (--profile token-exchange): it
// materialises the vector's token request at the current time
// (vectors.MaterializeExchange: subject, actor and assertion tokens minted
// by the suite's test keys with fresh jti values, placeholders filled from
// the target profile's exchange section), adds the client authentication
// the vector asks for with the profile's credentials, sends it to the
// target URL (the token endpoint) and scores the answer: the verdict
// (2xx accepts), then for a rejection the signalling (status, error code,
// Content-Type, Cache-Control, WWW-Authenticate on a 401: a mismatch is a
// warn, a 5xx a fail), for an acceptance the token response and the
// issued token (exchange_check.go: a MUST missed is a fail, a SHOULD a
// warn). Secrets and tokens are redacted in the reported request.

// exchangeOnly reports whether the run plays exchange vectors and nothing
// else, so that Draft does not matter.
func (c *Config) exchangeOnly() bool {
	k := c.kinds()
	return slices.Contains(k, vectors.KindExchange) && !slices.Contains(k, vectors.KindRequest)
}

// maxShownExchange bounds the bytes of a token endpoint's answer a report
// shows (larger than maxShown: a token response summary with claims).
const maxShownExchange = 600

// playExchange plays one exchange vector.
func (r *Runner) playExchange(ctx context.Context, group string, v *vectors.Vector, prof *Profile) (res Result) {
	res = Result{ID: v.ID, Group: group, Comment: v.Comment, Result: v.Result, Requirements: slices.Clone(v.Requirements),
		Flags: v.Flags, Labels: v.Labels, Draft: vectors.SignalExchange}
	for _, q := range v.Requirements {
		res.Levels = append(res.Levels, r.reqs[q].Level)
	}
	res.Reproduce = fmt.Sprintf("wimse conformance run --profile token-exchange --target %s --id %s", redactURL(r.cfg.Target), v.ID)
	if r.cfg.Reproduce != nil {
		res.Reproduce = r.cfg.Reproduce(v.ID)
	}
	sig := v.Expect.Signal[vectors.SignalExchange]
	res.Expected = Expected{Verdict: v.Expect.Verdict, Reason: v.Expect.Reason, Status: sig.Status, WWWAuthenticate: sig.WWWAuthenticate}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	if why := unsupportedExchange(v, prof); why != "" {
		res.Status, res.Message = StatusUnsupported, why
		return res
	}
	xp := prof.Exchange
	values := xp.values(r.target)
	values[vectors.ValueCertificateX5C] = r.x5c(v.Exchange.Certificate)
	values[vectors.ValueOtherCertificateX5C] = r.x5c(vectors.X5COtherCertificate)
	if usesPoP(v.Exchange) && xp.ChallengeEndpoint != "" && slices.Contains(xp.features(), vectors.FeatureAttestationChallenge) {
		ch, err := r.fetchChallenge(ctx, xp.ChallengeEndpoint)
		if err != nil {
			res.Status, res.Message = StatusError, "fetching an attestation challenge failed: "+err.Error()
			return res
		}
		values[vectors.ValueChallenge] = ch
	}
	m, err := vectors.MaterializeExchange(v.Exchange, vectors.ExchangeEnv{Now: r.now(), Keys: r.keys, JTI: randomJTI, Values: values})
	if err != nil {
		res.Status, res.Message = StatusError, "materialising the vector failed: "+err.Error()
		return res
	}
	sends := max(v.Exchange.Sends, 1)
	var ans *answer
	for i := 0; i < sends; i++ {
		req, sent, err := r.exchangeRequest(ctx, m, xp, values)
		if err != nil {
			res.Status, res.Message = StatusError, "building the request failed: "+err.Error()
			return res
		}
		res.Request = sent
		client := r.client
		if m.Certificate != "" {
			if client, err = r.certificateClient(m.Certificate); err != nil {
				res.Status, res.Message = StatusError, "the vector's client certificate: "+err.Error()
				return res
			}
			sent.Fields = append(sent.Fields, [2]string{"(TLS client certificate)", m.Certificate})
		}
		resp, err := client.Do(req)
		if err != nil {
			res.Observed = Observed{Error: transportError(err), Closed: closedByPeer(err)}
			if res.Observed.Closed && i == sends-1 {
				res.Status, res.Message = r.scoreClosed(v)
				return r.expectedFailure(res)
			}
			res.Status, res.Message = StatusError, res.Observed.Error
			return res
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
		resp.Body.Close()
		ans = readAnswer(resp, body)
		if i < sends-1 && (ans.status < 200 || ans.status > 299) {
			res.Observed = ans.observed(m)
			res.Status = StatusFail
			res.Message = fmt.Sprintf("send %d of %d was rejected with %d, but it is a valid request; the replay check could not run", i+1, sends, ans.status)
			return r.expectedFailure(res)
		}
	}
	res.Observed = ans.observed(m)
	// A target may echo what it was sent: never the client secret or a
	// --header value.
	for _, f := range []*string{&res.Observed.Detail, &res.Observed.Body} {
		if s := xp.Client.Secret; len(s) >= 4 {
			*f = strings.ReplaceAll(*f, s, "[redacted]")
		}
		*f = r.redactHeaders(*f)
	}
	var extra []string
	res.Status, res.Message, extra = r.scoreExchange(v, m, ans)
	for _, q := range extra {
		if !slices.Contains(res.Requirements, q) {
			res.Requirements = append(res.Requirements, q)
			res.Levels = append(res.Levels, r.reqs[q].Level)
		}
	}
	return r.expectedFailure(res)
}

// exchangeRequest builds the HTTP request of a materialised case, with
// the client authentication it asks for, and its redacted record.
func (r *Runner) exchangeRequest(ctx context.Context, m *vectors.ExchangeRequest, xp *ExchangeProfile, values map[string]string) (*http.Request, *SentRequest, error) {
	params := slices.Clone(m.Params)
	var basic [2]string
	useBasic := false
	secret := xp.Client.Secret
	switch m.Client {
	case "", vectors.ClientDefault:
		switch xp.Client.Method {
		case AuthClientSecretBasic:
			basic, useBasic = [2]string{xp.Client.ClientID, secret}, true
		case AuthClientSecretPost:
			params = append(params, [2]string{"client_id", xp.Client.ClientID}, [2]string{"client_secret", secret})
		case AuthPrivateKeyJWT:
			a, err := vectors.MaterializeExchange(&vectors.ExchangeCase{Tokens: map[string]*vectors.ExchangeToken{"assertion": {Base: vectors.TokenAssertion}}},
				vectors.ExchangeEnv{Now: r.now(), Keys: r.keys, JTI: randomJTI, Values: values})
			if err != nil {
				return nil, nil, err
			}
			params = append(params, [2]string{"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, [2]string{"client_assertion", a.Tokens["assertion"]})
		}
	case vectors.ClientSecretBasic:
		basic, useBasic = [2]string{xp.Client.ClientID, secret}, true
	case vectors.ClientSecretPost:
		params = append(params, [2]string{"client_id", xp.Client.ClientID}, [2]string{"client_secret", secret})
	case vectors.ClientWrongSecret:
		basic, useBasic = [2]string{xp.Client.ClientID, secret + "-not-the-secret"}, true
	case vectors.ClientWrongSecretPost:
		params = append(params, [2]string{"client_id", xp.Client.ClientID}, [2]string{"client_secret", secret + "-not-the-secret"})
	case vectors.ClientUnknown:
		basic, useBasic = [2]string{"wimse-conformance-unknown-client", secret}, true
	case vectors.ClientBasicAndPost:
		basic, useBasic = [2]string{xp.Client.ClientID, secret}, true
		params = append(params, [2]string{"client_id", xp.Client.ClientID}, [2]string{"client_secret", secret})
	case vectors.ClientAssertionAndBasic:
		basic, useBasic = [2]string{xp.Client.ClientID, secret}, true
	case vectors.ClientNone, vectors.ClientAssertion:
	default:
		return nil, nil, fmt.Errorf("unknown client authentication %q", m.Client)
	}
	u := *r.target
	var body io.Reader
	contentType := ""
	switch m.Encoding {
	case "", "form":
		body, contentType = strings.NewReader(formEncode(params)), "application/x-www-form-urlencoded"
	case "json":
		b, err := jsonEncode(params)
		if err != nil {
			return nil, nil, err
		}
		body, contentType = strings.NewReader(string(b)), "application/json"
	case "query":
		u.RawQuery = formEncode(params)
		if m.Method != http.MethodGet {
			body, contentType = strings.NewReader(""), "application/x-www-form-urlencoded"
		}
	}
	req, err := http.NewRequestWithContext(ctx, m.Method, u.String(), body)
	if err != nil {
		return nil, nil, err
	}
	sent := &SentRequest{Method: m.Method, URL: redactURL(r.target.String())}
	if m.Encoding == "query" {
		sent.URL += "?" + redactParams(params)
	} else {
		sent.Body = redactParams(params)
		if m.Encoding == "json" {
			sent.Body = "(as a JSON object) " + sent.Body
		}
	}
	switch m.ContentType {
	case "":
	case "none":
		contentType = ""
	default:
		contentType = m.ContentType
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		sent.Fields = append(sent.Fields, [2]string{"Content-Type", contentType})
	}
	if useBasic {
		// RFC 6749 §2.3.1: client_id and secret form-encoded first.
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(basic[0])+":"+url.QueryEscape(basic[1]))))
		sent.Fields = append(sent.Fields, [2]string{"Authorization", "Basic [redacted]"})
	}
	for _, h := range m.Headers {
		req.Header.Add(h[0], h[1])
		sent.Fields = append(sent.Fields, [2]string{h[0], redactValue(h[0], h[1])})
	}
	for _, h := range r.cfg.Headers {
		req.Header.Add(h[0], h[1])
		sent.Fields = append(sent.Fields, [2]string{h[0], "[redacted]"})
	}
	return req, sent, nil
}

// certificateClient is the run's client presenting the client certificate
// of the mtls vector id in every handshake (a connection of its own).
func (r *Runner) certificateClient(id string) (*http.Client, error) {
	v, ok := r.cfg.Set.Find(id)
	if !ok || v.Input == nil || v.Input.Certificates == nil {
		return nil, fmt.Errorf("no mtls vector %q with certificates", id)
	}
	cert, err := v.Input.Certificates.TLSCertificate()
	if err != nil {
		return nil, err
	}
	base, ok := r.client.Transport.(*http.Transport)
	if !ok {
		base = http.DefaultTransport.(*http.Transport)
	}
	tr := base.Clone()
	tc := tr.TLSClientConfig.Clone()
	if tc == nil {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tc.Certificates = []tls.Certificate{cert}
	tr.TLSClientConfig, tr.DisableKeepAlives = tc, true
	c := *r.client
	c.Transport = tr
	return &c, nil
}

// x5c is the chain of the mtls vector id as a JOSE x5c JSON array
// (standard base64 DER, leaf first); "" when id is "" or names no vector
// with a chain.
func (r *Runner) x5c(id string) string {
	if id == "" {
		return ""
	}
	chain, err := r.chain(id)
	if err != nil || len(chain) == 0 {
		return ""
	}
	out := make([]string, len(chain))
	for i, c := range chain {
		out[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// chain is the parsed chain of the mtls vector id.
func (r *Runner) chain(id string) ([]*x509.Certificate, error) {
	v, ok := r.cfg.Set.Find(id)
	if !ok || v.Input == nil || v.Input.Certificates == nil {
		return nil, fmt.Errorf("no mtls vector %q with certificates", id)
	}
	return v.Input.Certificates.ParseChain()
}

// usesPoP reports whether a case mints an attestation PoP.
func usesPoP(c *vectors.ExchangeCase) bool {
	for _, t := range c.Tokens {
		if t.Base == vectors.TokenAttestationPoP {
			return true
		}
	}
	return false
}

// fetchChallenge POSTs to the challenge endpoint and returns its
// attestation_challenge (attestation-based-client-auth-11 §6.1).
func (r *Runner) fetchChallenge(ctx context.Context, endpoint string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
	if err != nil {
		return "", err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		Challenge string `json:"attestation_challenge"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.Challenge == "" {
		return "", fmt.Errorf("%s answered %d without an attestation_challenge", redactURL(endpoint), resp.StatusCode)
	}
	return body.Challenge, nil
}

// formEncode encodes parameters in order, repeated names kept.
func formEncode(params [][2]string) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1]))
	}
	return b.String()
}

// jsonEncode encodes parameters as one JSON object; a repeated name
// becomes an array.
func jsonEncode(params [][2]string) ([]byte, error) {
	obj := map[string]any{}
	for _, p := range params {
		switch prev := obj[p[0]].(type) {
		case nil:
			obj[p[0]] = p[1]
		case string:
			obj[p[0]] = []string{prev, p[1]}
		case []string:
			obj[p[0]] = append(prev, p[1])
		}
	}
	return json.Marshal(obj)
}

// secretParams are parameters whose values a report never shows whole:
// credentials are hidden, tokens cut to a short prefix.
var secretParams = map[string]bool{"client_secret": true, "client_assertion": false, "subject_token": false, "actor_token": false, "assertion": false, "refresh_token": false, "access_token": false}

// redactValue is a parameter or header value as a report shows it.
func redactValue(name, value string) string {
	whole, secret := secretParams[strings.ToLower(name)]
	switch {
	case strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "DPoP") || strings.HasPrefix(strings.ToLower(name), "oauth-client-attestation"):
		if len(value) > 12 && !strings.EqualFold(name, "Authorization") {
			return value[:12] + "…[redacted]"
		}
		return "[redacted]"
	case !secret:
		return value
	case whole || len(value) <= 12:
		if value == "" {
			return ""
		}
		return "[redacted]"
	}
	return value[:12] + "…[redacted]"
}

// redactParams renders parameters as a form body with secrets redacted.
func redactParams(params [][2]string) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p[0] + "=" + redactValue(p[0], p[1]))
	}
	return b.String()
}

// answer is a token endpoint's answer, read once.
type answer struct {
	status      int
	header      http.Header
	contentType string
	isJSON      bool
	// body is the JSON object, nil when the body is not one.
	body map[string]json.RawMessage
	raw  []byte
}

func readAnswer(resp *http.Response, raw []byte) *answer {
	a := &answer{status: resp.StatusCode, header: resp.Header, contentType: resp.Header.Get("Content-Type"), raw: raw}
	mt, _, _ := mime.ParseMediaType(a.contentType)
	a.isJSON = mt == "application/json"
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		a.body = obj
	}
	return a
}

// str returns a string member of the JSON body, and whether it is one.
func (a *answer) str(name string) (string, bool) {
	raw, ok := a.body[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// observed is what the report shows of the answer: the error code and
// description of an error, a summary with the token redacted and its
// claims of a token response.
func (a *answer) observed(m *vectors.ExchangeRequest) Observed {
	o := Observed{Status: a.status, WWWAuthenticate: strings.Join(a.header.Values("WWW-Authenticate"), ", "), ContentType: a.contentType}
	if a.status >= 200 && a.status < 300 {
		o.Body = clip(a.summary(m), maxShownExchange)
		return o
	}
	if code, ok := a.str("error"); ok {
		o.Reason = code
		desc, _ := a.str("error_description")
		o.Detail = clip(redactTokens(desc, m), maxShown)
		return o
	}
	o.Body = clip(redactTokens(string(a.raw), m), maxShown)
	return o
}

// summary describes a token response without its tokens.
func (a *answer) summary(m *vectors.ExchangeRequest) string {
	if a.body == nil {
		return "not a JSON object: " + redactTokens(string(a.raw), m)
	}
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range a.body {
			if !yield(k) {
				return
			}
		}
	}) {
		v := string(a.body[k])
		if k == "access_token" || k == "refresh_token" || k == "id_token" {
			s, _ := a.str(k)
			v = redactValue("access_token", s)
		}
		parts = append(parts, k+"="+v)
	}
	s := strings.Join(parts, " ")
	if tok, _ := a.str("access_token"); tok != "" {
		if c := decodeJWTClaims(tok); c != nil {
			if b, err := json.Marshal(c); err == nil {
				s += "; issued token claims " + string(b)
			}
		}
	}
	return s
}

// redactTokens removes the minted tokens from text a target answered.
func redactTokens(s string, m *vectors.ExchangeRequest) string {
	for _, t := range m.Tokens {
		if len(t) >= 16 {
			s = strings.ReplaceAll(s, t, redactValue("subject_token", t))
		}
	}
	return s
}
