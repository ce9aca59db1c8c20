package exchange

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

var t0 = time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)

func newSource(sts *fakeSTS, clock *testClock, early time.Duration) *TokenSource {
	return &TokenSource{
		Client:       sts.client(nil),
		Request:      Request{SubjectTokenType: oauth.TokenTypeJWT, Audience: []string{"backend"}},
		SubjectToken: func(context.Context) (string, error) { return subjectJWT, nil },
		EarlyRefresh: early,
		Now:          clock.Now,
	}
}

func TestTokenSourceRefreshesBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		name      string
		expiresIn int64
		early     time.Duration
		refreshAt time.Duration // first instant a new exchange happens
	}{
		{"explicit margin", 300, 60 * time.Second, 240 * time.Second},
		{"default margin", 300, 0, 300*time.Second - DefaultEarlyRefresh},
		{"margin capped at half the lifetime", 60, 0, 30 * time.Second},
		{"margin larger than lifetime", 10, time.Hour, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sts := newFakeSTS(t, issue(tc.expiresIn))
			clock := &testClock{now: t0}
			src := newSource(sts, clock, tc.early)
			tok, err := src.Token()
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != "token-1" || tok.Type() != "Bearer" || !tok.Expiry.Equal(t0.Add(time.Duration(tc.expiresIn)*time.Second)) || tok.ExpiresIn != tc.expiresIn {
				t.Errorf("token %+v", tok)
			}
			if got := tok.Extra("issued_token_type"); got != oauth.TokenTypeAccessToken {
				t.Errorf("issued_token_type extra = %v", got)
			}
			clock.set(t0.Add(tc.refreshAt - time.Nanosecond))
			if tok, _ = src.Token(); tok.AccessToken != "token-1" {
				t.Errorf("just before the refresh time: %s, want the cached token", tok.AccessToken)
			}
			clock.set(t0.Add(tc.refreshAt))
			if tok, _ = src.Token(); tok.AccessToken != "token-2" {
				t.Errorf("at the refresh time: %s, want a new token", tok.AccessToken)
			}
			if sts.calls() != 2 {
				t.Errorf("%d exchanges, want 2", sts.calls())
			}
		})
	}
}

func TestTokenSourceNoExpiresInNotCached(t *testing.T) {
	sts := newFakeSTS(t, issue(0))
	src := newSource(sts, &testClock{now: t0}, 0)
	for range 3 {
		tok, err := src.Token()
		if err != nil {
			t.Fatal(err)
		}
		if !tok.Expiry.IsZero() {
			t.Errorf("expiry %v", tok.Expiry)
		}
	}
	if sts.calls() != 3 {
		t.Errorf("%d exchanges, want 3", sts.calls())
	}
}

func TestTokenSourceUsesCurrentSubject(t *testing.T) {
	sts := newFakeSTS(t, issue(60))
	clock := &testClock{now: t0}
	src := newSource(sts, clock, 0)
	n := 0
	src.SubjectToken = func(context.Context) (string, error) { n++; return []string{"wit-a", "wit-b"}[n-1], nil }
	_, _ = src.Token()
	clock.set(t0.Add(time.Hour))
	_, _ = src.Token()
	if a, b := sts.forms[0].Get("subject_token"), sts.forms[1].Get("subject_token"); a != "wit-a" || b != "wit-b" {
		t.Errorf("subject tokens %q %q", a, b)
	}
	if src.Request.SubjectToken != "" {
		t.Error("the template was changed")
	}
}

func TestTokenSourceConcurrentOneExchange(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	sts := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			close(arrived)
		}
		<-release
		issue(300)(w, r, n)
	})
	src := newSource(sts, &testClock{now: t0}, 0)
	const callers = 32
	var wg sync.WaitGroup
	toks := make([]*oauth2.Token, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() { toks[i], errs[i] = src.Token() })
	}
	<-arrived // the leader reached the server; the others wait or find the cache
	close(release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || toks[i].AccessToken != "token-1" {
			t.Fatalf("caller %d: %v %v", i, toks[i], errs[i])
		}
	}
	if sts.calls() != 1 {
		t.Errorf("%d exchanges, want 1", sts.calls())
	}
	toks[0].AccessToken = "changed"
	if tok, _ := src.Token(); tok.AccessToken != "token-1" {
		t.Error("a caller changed the cached token")
	}
}

func TestTokenSourceWaiterContext(t *testing.T) {
	sts := newFakeSTS(t, issue(300))
	src := newSource(sts, &testClock{now: t0}, 0)
	entered, release := make(chan struct{}), make(chan struct{})
	src.SubjectToken = func(context.Context) (string, error) {
		close(entered)
		<-release
		return subjectJWT, nil
	}
	done := make(chan error)
	go func() { _, err := src.Token(); done <- err }()
	<-entered // the leader's exchange is in flight

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := src.TokenContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter: %v, want Canceled", err)
	}
	if _, err := src.WithContext(ctx).Token(); !errors.Is(err, context.Canceled) {
		t.Errorf("WithContext: %v, want Canceled", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("leader: %v", err)
	}
}

func TestTokenSourceErrors(t *testing.T) {
	sts := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		(&Error{Code: oauth.ErrorInvalidTarget}).Write(w, r)
	})
	src := newSource(sts, &testClock{now: t0}, 0)
	var e *Error
	if _, err := src.Token(); !errors.As(err, &e) || e.Code != oauth.ErrorInvalidTarget {
		t.Errorf("got %v", err)
	}
	boom := errors.New("no WIT yet")
	src.SubjectToken = func(context.Context) (string, error) { return "", boom }
	if _, err := src.Token(); !errors.Is(err, boom) {
		t.Errorf("got %v", err)
	}
	if _, err := (&TokenSource{}).Token(); err == nil {
		t.Error("zero TokenSource worked")
	}
}

func TestTokenSourceWithOAuth2Transport(t *testing.T) {
	sts := newFakeSTS(t, issue(300))
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer token-1" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer rs.Close()
	src := newSource(sts, &testClock{now: t0}, 0)
	hc := &http.Client{Transport: &oauth2.Transport{Source: src, Base: rs.Client().Transport}}
	for range 2 {
		resp, err := hc.Get(rs.URL)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status %d", resp.StatusCode)
		}
	}
	if sts.calls() != 1 {
		t.Errorf("%d exchanges, want 1", sts.calls())
	}
}
