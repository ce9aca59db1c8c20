package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wimse-wg/wimse/tokens/scope"
)

// Response is a successful token exchange response (RFC 8693 §2.2.1).
// Its String method redacts the tokens.
type Response struct {
	// AccessToken is the issued token, required (named access_token even
	// when it is not an access token).
	AccessToken string
	// IssuedTokenType is the type URI of AccessToken, required.
	IssuedTokenType string
	// TokenType says how to use it (RFC 6749 §7.1), required:
	// oauth.AccessTokenTypeBearer, DPoP, or N_A when it is not an access
	// token. Compare it with oauth.EqualAccessTokenType.
	TokenType string
	// ExpiresIn is the lifetime in seconds; 0 means not given
	// (RECOMMENDED, so a client should not assume any lifetime).
	ExpiresIn int64
	// Scope is the issued scope; the zero Set means not given, which says
	// it is the one requested (RFC 8693 §2.2.1).
	Scope scope.Set
	// RefreshToken is optional and usually absent.
	RefreshToken string
}

// Lifetime returns ExpiresIn as a Duration.
func (r *Response) Lifetime() time.Duration { return time.Duration(r.ExpiresIn) * time.Second }

// responseJSON is the wire form.
type responseJSON struct {
	AccessToken     string          `json:"access_token"`
	IssuedTokenType string          `json:"issued_token_type"`
	TokenType       string          `json:"token_type"`
	ExpiresIn       json.RawMessage `json:"expires_in,omitempty"`
	Scope           *string         `json:"scope,omitempty"`
	RefreshToken    string          `json:"refresh_token,omitempty"`
}

// MarshalJSON writes the response object, omitting absent members.
func (r Response) MarshalJSON() ([]byte, error) {
	w := responseJSON{AccessToken: r.AccessToken, IssuedTokenType: r.IssuedTokenType, TokenType: r.TokenType, RefreshToken: r.RefreshToken}
	if r.ExpiresIn != 0 {
		w.ExpiresIn = strconv.AppendInt(nil, r.ExpiresIn, 10)
	}
	if !r.Scope.IsZero() {
		s := r.Scope.String()
		w.Scope = &s
	}
	return json.Marshal(&w)
}

// UnmarshalJSON reads a response object: access_token, issued_token_type
// and token_type must be non-empty strings; expires_in, when present, a
// non-negative integer number (not a string); scope, when present and not
// empty, a valid scope. Unknown members are ignored (RFC 6749 §5.1).
func (r *Response) UnmarshalJSON(data []byte) error {
	var w responseJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("exchange: response: %w", err)
	}
	switch {
	case w.AccessToken == "":
		return errors.New("exchange: response: access_token is missing")
	case w.IssuedTokenType == "":
		return errors.New("exchange: response: issued_token_type is missing")
	case w.TokenType == "":
		return errors.New("exchange: response: token_type is missing")
	}
	out := Response{AccessToken: w.AccessToken, IssuedTokenType: w.IssuedTokenType, TokenType: w.TokenType, RefreshToken: w.RefreshToken}
	if len(w.ExpiresIn) > 0 && string(w.ExpiresIn) != "null" {
		n, err := strconv.ParseInt(string(w.ExpiresIn), 10, 64)
		if err != nil || n < 0 || n > maxExpiresIn {
			return errors.New("exchange: response: expires_in is not a non-negative integer of seconds")
		}
		out.ExpiresIn = n
	}
	if w.Scope != nil && *w.Scope != "" {
		set, err := scope.Parse(*w.Scope)
		if err != nil {
			return fmt.Errorf("exchange: response: %w", err)
		}
		out.Scope = set
	}
	*r = out
	return nil
}

// maxExpiresIn bounds expires_in so that it fits a time.Duration.
const maxExpiresIn = int64(1<<63-1) / int64(time.Second)

// Write sends the response (RFC 6749 §5.1): status 200, a JSON body,
// Content-Type application/json and Cache-Control no-store.
func (r *Response) Write(w http.ResponseWriter) {
	body, err := json.Marshal(r)
	if err != nil {
		WriteError(w, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// String describes the response with the tokens redacted.
func (r Response) String() string {
	s := fmt.Sprintf("exchange.Response{issued_token_type=%s token_type=%s expires_in=%d", r.IssuedTokenType, r.TokenType, r.ExpiresIn)
	if !r.Scope.IsZero() {
		s += fmt.Sprintf(" scope=%q", r.Scope.String())
	}
	if r.RefreshToken != "" {
		s += " refresh_token=[redacted]"
	}
	return s + "}"
}
