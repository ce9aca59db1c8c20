package delegation_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/wimse"
)

// nested builds an act claim of n actors, sub "a1" outermost.
func nested(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(`,"act":`)
		}
		b.WriteString(`{"sub":"a` + string(rune('0'+i%10)) + `"`)
	}
	b.WriteString(strings.Repeat("}", n))
	return b.String()
}

func TestParseChain(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		maxDepth   int
		want       []string // subs, current first
		wantReason wimse.Reason
	}{
		{name: "one actor", in: `{"sub":"https://service16.example.com"}`, want: []string{"https://service16.example.com"}},
		{name: "rfc 8693 4.1 chain", in: `{"sub":"https://service16.example.com","act":{"sub":"https://service77.example.com"}}`,
			want: []string{"https://service16.example.com", "https://service77.example.com"}},
		{name: "iss and extra", in: `{"sub":"a","iss":"https://issuer.example","email":"a@example.com"}`, want: []string{"a"}},
		{name: "at the default limit", in: nested(delegation.MaxDepth), want: []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"}},
		{name: "beyond the default limit", in: nested(delegation.MaxDepth + 1), wantReason: wimse.ReasonActTooDeep},
		{name: "beyond a configured limit", in: nested(3), maxDepth: 2, wantReason: wimse.ReasonActTooDeep},
		{name: "hostile depth", in: nested(1000), wantReason: wimse.ReasonActMalformed},
		{name: "exp in act", in: `{"sub":"a","exp":1}`, wantReason: wimse.ReasonActForbiddenMember},
		{name: "nbf in act", in: `{"sub":"a","nbf":1}`, wantReason: wimse.ReasonActForbiddenMember},
		{name: "aud in nested act", in: `{"sub":"a","act":{"sub":"b","aud":"x"}}`, wantReason: wimse.ReasonActForbiddenMember},
		{name: "no sub", in: `{"iss":"https://issuer.example"}`, wantReason: wimse.ReasonActSubMissing},
		{name: "empty sub", in: `{"sub":""}`, wantReason: wimse.ReasonActSubMissing},
		{name: "nested without sub", in: `{"sub":"a","act":{}}`, wantReason: wimse.ReasonActSubMissing},
		{name: "sub not a string", in: `{"sub":1}`, wantReason: wimse.ReasonActMalformed},
		{name: "iss not a string", in: `{"sub":"a","iss":null}`, wantReason: wimse.ReasonActMalformed},
		{name: "act an array", in: `[{"sub":"a"}]`, wantReason: wimse.ReasonActMalformed},
		{name: "act a string", in: `"a"`, wantReason: wimse.ReasonActMalformed},
		{name: "nested act a string", in: `{"sub":"a","act":"b"}`, wantReason: wimse.ReasonActMalformed},
		{name: "nested act null", in: `{"sub":"a","act":null}`, wantReason: wimse.ReasonActMalformed},
		{name: "duplicate sub", in: `{"sub":"a","sub":"b"}`, wantReason: wimse.ReasonActMalformed},
		{name: "duplicate in nested", in: `{"sub":"a","act":{"sub":"b","iss":"x","iss":"y"}}`, wantReason: wimse.ReasonActMalformed},
		{name: "invalid utf-8", in: "{\"sub\":\"\xff\"}", wantReason: wimse.ReasonActMalformed},
		{name: "not json", in: `{"sub":`, wantReason: wimse.ReasonActMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain, err := delegation.ParseChain([]byte(tt.in), tt.maxDepth)
			reasontest.CheckReason(t, err, tt.wantReason, "")
			if err != nil {
				return
			}
			var subs []string
			for _, a := range chain {
				subs = append(subs, a.Subject)
			}
			if diff := cmp.Diff(tt.want, subs); diff != "" {
				t.Errorf("subs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChainPushRoundTrip(t *testing.T) {
	chain, err := delegation.ParseChain([]byte(`{"sub":"b","iss":"https://td.example","email":"b@example.com","act":{"sub":"a"}}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	pushed := chain.Push(delegation.Actor{Subject: "c"})
	if cur, _ := pushed.Current(); cur.Subject != "c" {
		t.Errorf("Current: %q", cur.Subject)
	}
	if cur, _ := chain.Current(); cur.Subject != "b" {
		t.Errorf("Push modified the chain: %q", cur.Subject)
	}
	if got := len(pushed.Prior()); got != 2 {
		t.Errorf("Prior: %d", got)
	}
	out, err := json.Marshal(pushed)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"act":{"act":{"sub":"a"},"email":"b@example.com","iss":"https://td.example","sub":"b"},"sub":"c"}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	var back delegation.Chain
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pushed, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, ok := delegation.Chain(nil).Current(); ok {
		t.Error("empty chain has a current actor")
	}
}

func TestChainMarshalRejects(t *testing.T) {
	tests := []struct {
		name       string
		chain      delegation.Chain
		wantReason wimse.Reason
	}{
		{name: "no sub", chain: delegation.Chain{{Issuer: "x"}}, wantReason: wimse.ReasonActSubMissing},
		{name: "exp in extra", chain: delegation.Chain{{Subject: "a", Extra: map[string]json.RawMessage{"exp": json.RawMessage("1")}}}, wantReason: wimse.ReasonActForbiddenMember},
		{name: "act in extra", chain: delegation.Chain{{Subject: "a", Extra: map[string]json.RawMessage{"act": json.RawMessage(`{"sub":"b"}`)}}}, wantReason: wimse.ReasonActForbiddenMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := json.Marshal(tt.chain)
			reasontest.CheckReason(t, err, tt.wantReason, "")
		})
	}
}

func TestMayAct(t *testing.T) {
	tests := []struct {
		name       string
		mayAct     string
		actor      delegation.Actor
		wantReason wimse.Reason
	}{
		{name: "rfc 8693 4.4 example", mayAct: `{"sub":"admin@example.net"}`, actor: delegation.Actor{Subject: "admin@example.net"}},
		{name: "sub and iss match", mayAct: `{"sub":"a","iss":"https://td.example"}`, actor: delegation.Actor{Subject: "a", Issuer: "https://td.example"}},
		{name: "no iss in may_act: any iss", mayAct: `{"sub":"a"}`, actor: delegation.Actor{Subject: "a", Issuer: "https://other.example"}},
		{name: "sub mismatch", mayAct: `{"sub":"a"}`, actor: delegation.Actor{Subject: "b"}, wantReason: wimse.ReasonMayActMismatch},
		{name: "sub differs in case", mayAct: `{"sub":"a"}`, actor: delegation.Actor{Subject: "A"}, wantReason: wimse.ReasonMayActMismatch},
		{name: "iss mismatch", mayAct: `{"sub":"a","iss":"https://td.example"}`, actor: delegation.Actor{Subject: "a", Issuer: "https://evil.example"}, wantReason: wimse.ReasonMayActMismatch},
		{name: "iss missing from actor", mayAct: `{"sub":"a","iss":"https://td.example"}`, actor: delegation.Actor{Subject: "a"}, wantReason: wimse.ReasonMayActMismatch},
		{name: "no sub", mayAct: `{"iss":"https://td.example"}`, wantReason: wimse.ReasonMayActSubMissing},
		{name: "exp inside", mayAct: `{"sub":"a","exp":1}`, wantReason: wimse.ReasonMayActForbiddenMember},
		{name: "aud inside", mayAct: `{"sub":"a","aud":"x"}`, wantReason: wimse.ReasonMayActForbiddenMember},
		{name: "act inside", mayAct: `{"sub":"a","act":{"sub":"b"}}`, wantReason: wimse.ReasonMayActForbiddenMember},
		{name: "array", mayAct: `[{"sub":"a"}]`, wantReason: wimse.ReasonMayActMalformed},
		{name: "duplicate", mayAct: `{"sub":"a","sub":"b"}`, wantReason: wimse.ReasonMayActMalformed},
		{name: "sub not a string", mayAct: `{"sub":["a"]}`, wantReason: wimse.ReasonMayActMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := delegation.ParseMayAct([]byte(tt.mayAct))
			if err == nil {
				err = m.Permits(tt.actor)
			}
			reasontest.CheckReason(t, err, tt.wantReason, "")
		})
	}
	var m delegation.MayAct
	if err := json.Unmarshal([]byte(`{"iss":"i","sub":"a"}`), &m); err != nil {
		t.Fatal(err)
	}
	if out, err := json.Marshal(m); err != nil || string(out) != `{"iss":"i","sub":"a"}` {
		t.Errorf("MarshalJSON: %s, %v", out, err)
	}
	reasontest.CheckReason(t, delegation.MayAct{}.Permits(delegation.Actor{Subject: "a"}), wimse.ReasonMayActSubMissing, "")
}

// FuzzParseActChain: ParseChain never panics, rejects with an act.*
// reason, and what it accepts marshals back to a chain equal to it.
func FuzzParseActChain(f *testing.F) {
	for _, s := range []string{`{"sub":"a"}`, `{"sub":"a","act":{"sub":"b","iss":"c"}}`, nested(9), `{"sub":"a","exp":1}`,
		`{"sub":"a","sub":"a"}`, `[]`, `{"sub":"a","act":{"sub":"b","act":{"x":{"y":[1,{"z":2}]}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		chain, err := delegation.ParseChain(in, 0)
		if err != nil {
			if r := wimse.ReasonOf(err); !strings.HasPrefix(string(r), "act.") || !r.Known() {
				t.Fatalf("reason %q", r)
			}
			return
		}
		if len(chain) == 0 || len(chain) > delegation.MaxDepth {
			t.Fatalf("chain of %d", len(chain))
		}
		out, err := json.Marshal(chain)
		if err != nil {
			t.Fatalf("accepted chain does not marshal: %v", err)
		}
		back, err := delegation.ParseChain(out, 0)
		if err != nil || len(back) != len(chain) {
			t.Fatalf("round trip: %v", err)
		}
		for i := range back {
			if back[i].Subject != chain[i].Subject || back[i].Issuer != chain[i].Issuer || len(back[i].Extra) != len(chain[i].Extra) {
				t.Fatalf("actor %d changed", i)
			}
		}
	})
}

// FuzzParseMayAct: ParseMayAct never panics and rejects with a may_act.* reason.
func FuzzParseMayAct(f *testing.F) {
	for _, s := range []string{`{"sub":"a"}`, `{"sub":"a","iss":"b"}`, `{"sub":"a","act":{}}`, `{}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := delegation.ParseMayAct(in)
		if err != nil {
			if r := wimse.ReasonOf(err); !strings.HasPrefix(string(r), "may_act.") || !r.Known() {
				t.Fatalf("reason %q", r)
			}
			return
		}
		if err := m.Permits(m.Actor); err != nil {
			t.Fatalf("may_act does not permit its own actor: %v", err)
		}
	})
}
