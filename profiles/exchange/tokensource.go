package exchange

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultEarlyRefresh is TokenSource.EarlyRefresh when that is 0.
const DefaultEarlyRefresh = time.Minute

// TokenSource is an oauth2.TokenSource that exchanges the workload's
// current subject token (its WIT or JWT-SVID) for a token from the
// Client's endpoint, caches it, and exchanges again before it expires, so
// existing golang.org/x/oauth2 code (oauth2.Transport, oauth2.NewClient)
// uses it unchanged:
//
//	src := &exchange.TokenSource{Client: c, Request: tmpl, SubjectToken: currentWIT}
//	hc := oauth2.NewClient(ctx, src) // or &http.Client{Transport: &oauth2.Transport{Source: src}}
//
// oauth2.TokenSource.Token takes no context; Token uses
// context.Background, bounded only by the Client's HTTPClient timeout.
// Callers that have a context call TokenContext, or adapt with
// WithContext, whose Token passes a fixed context.
//
// The token's type is the response's token_type: DPoP when the Client
// has a DPoP key (Client.DPoP) and the server bound the token to it. With
// N_A (the issued token is not an access token) or DPoP (oauth2.Transport
// sends no DPoP proof), use TokenContext directly rather than
// oauth2.Transport.
//
// It is safe for concurrent use: callers that find no fresh token share
// one exchange. The zero value is not usable: set Client and SubjectToken.
// Do not copy a TokenSource after first use.
type TokenSource struct {
	// Client performs the exchange; required.
	Client *Client
	// Request is the template of every request; its SubjectToken is
	// replaced by what SubjectToken returns.
	Request Request
	// SubjectToken returns the workload's current subject token, of type
	// Request.SubjectTokenType; required. It is called for every exchange,
	// never cached here, so a rotating credential is picked up.
	SubjectToken func(ctx context.Context) (string, error)
	// EarlyRefresh is how long before expiry a token is exchanged again;
	// 0 means DefaultEarlyRefresh. It is capped at half of each token's
	// lifetime, so a short-lived token is still reused. A response without
	// expires_in is not cached: every call exchanges.
	EarlyRefresh time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	cached   *oauth2.Token
	refresh  time.Time // when cached stops being served
	inflight *fetch
}

// fetch is one exchange that concurrent callers wait for.
type fetch struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// Token returns a fresh token: TokenContext with context.Background.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext returns the cached token while it is fresh, and otherwise
// exchanges the current subject token for a new one. Errors are those of
// Client.Exchange. A caller whose ctx ends stops waiting; when the caller
// that performs a shared exchange is cancelled, the others try again with
// their own context.
func (s *TokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if s.Client == nil || s.SubjectToken == nil {
		return nil, errors.New("exchange: TokenSource needs a Client and a SubjectToken func")
	}
	for {
		s.mu.Lock()
		if s.cached != nil && s.now().Before(s.refresh) {
			tok := copyToken(s.cached)
			s.mu.Unlock()
			return tok, nil
		}
		f := s.inflight
		if f != nil {
			s.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("exchange: waiting for a token: %w", ctx.Err())
			}
			if f.err != nil && isContextErr(f.err) && ctx.Err() == nil {
				continue // the leader gave up; this caller may still succeed
			}
			if f.err != nil {
				return nil, f.err
			}
			return copyToken(f.tok), nil
		}
		f = &fetch{done: make(chan struct{})}
		s.inflight = f
		s.mu.Unlock()

		f.tok, f.err = s.exchange(ctx)
		s.mu.Lock()
		s.inflight = nil
		s.mu.Unlock()
		close(f.done)
		if f.err != nil {
			return nil, f.err
		}
		return copyToken(f.tok), nil
	}
}

// exchange performs one exchange and caches its result.
func (s *TokenSource) exchange(ctx context.Context) (*oauth2.Token, error) {
	subject, err := s.SubjectToken(ctx)
	if err != nil {
		return nil, fmt.Errorf("exchange: subject token: %w", err)
	}
	req := s.Request
	req.SubjectToken = subject
	start := s.now()
	resp, err := s.Client.Exchange(ctx, req)
	if err != nil {
		return nil, err
	}
	tok := (&oauth2.Token{
		AccessToken:  resp.AccessToken,
		TokenType:    resp.TokenType,
		RefreshToken: resp.RefreshToken,
		ExpiresIn:    resp.ExpiresIn,
	}).WithExtra(map[string]any{
		"issued_token_type": resp.IssuedTokenType,
		"scope":             resp.Scope.String(),
	})
	if resp.ExpiresIn > 0 {
		// The lifetime counts from before the request was sent, so the
		// token is never thought to live longer than it does.
		life := resp.Lifetime()
		tok.Expiry = start.Add(life)
		margin := s.EarlyRefresh
		if margin <= 0 {
			margin = DefaultEarlyRefresh
		}
		margin = min(margin, life/2)
		s.mu.Lock()
		s.cached, s.refresh = tok, tok.Expiry.Add(-margin)
		s.mu.Unlock()
	}
	return tok, nil
}

func (s *TokenSource) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// copyToken returns a copy, so that callers cannot change the cached token.
func copyToken(t *oauth2.Token) *oauth2.Token {
	c := *t
	return &c
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// WithContext adapts a ctx-taking source to oauth2.TokenSource: its Token
// calls TokenContext(ctx). ctx must outlive the adapter's use, as with
// oauth2.NewClient's ctx; this is the one place a context is held, since
// oauth2.TokenSource has no way to pass one.
func (s *TokenSource) WithContext(ctx context.Context) oauth2.TokenSource {
	return contextSource{ctx: ctx, s: s}
}

type contextSource struct {
	ctx context.Context
	s   *TokenSource
}

func (c contextSource) Token() (*oauth2.Token, error) { return c.s.TokenContext(c.ctx) }
