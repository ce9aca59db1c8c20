package vectors

import (
	"encoding/json"

	"github.com/wimse-wg/wimse/internal/jose"
)

// commonNotes explains the flags every catalogue may use; each catalogue
// file adds its own (identifierNotes, witNotes, wptNotes).
var commonNotes = map[string]Note{
	"Baseline":          {BugType: "BASIC", Description: "a well-formed input every implementation must accept"},
	"EdgeCase":          {BugType: "EDGE_CASE", Description: "valid but unusual input that naive implementations reject"},
	"AuthBypass":        {BugType: "AUTH_BYPASS", Description: "accepting this input lets an attacker authenticate as someone else or without a key"},
	"Canonicalization":  {BugType: "CANONICALIZATION", Description: "two spellings of one identifier; a receiver that normalises can be confused into a wrong authorization decision"},
	"Replay":            {BugType: "REPLAY", Description: "a proof accepted twice can be replayed by anyone who saw it"},
	"Legacy":            {BugType: "LEGACY", Description: "a value from an earlier draft revision"},
	"ModifiedParameter": {BugType: "MODIFIED_PARAMETER", Description: "a token or field altered after signing, or signed with the wrong parameters"},
	"Malformed":         {BugType: "BASIC", Description: "syntactically invalid input that a strict parser must reject"},
	"Policy":            {BugType: "POLICY", Description: "the outcome depends on a receiver policy stated in the vector"},
	"Inference":         {BugType: "DEFINED", Description: "the drafts leave this case open; the suite's expectation is a documented inference (see the vector comment)"},
	"ShouldLevel":       {BugType: "DEFINED", Description: "the requirement is a SHOULD: failing it is a warning unless the run is --strict"},
}

// AllNotes returns every defined note.
func AllNotes() map[string]Note {
	out := map[string]Note{}
	for _, set := range []map[string]Note{commonNotes, identifierNotes, witNotes, wptNotes, httpsigNotes, mtlsNotes, keycheckNotes, trustDomainNotes, exchangeNotes} {
		for k, v := range set {
			out[k] = v
		}
	}
	return out
}

func notesFor(vs []Vector) map[string]Note {
	all := AllNotes()
	out := map[string]Note{}
	for _, v := range vs {
		for _, f := range v.Flags {
			if n, ok := all[f]; ok {
				out[f] = n
			}
		}
	}
	return out
}

// privateJWK renders a test key as a private JWK with name-derived kid.
func privateJWK(k *Key) (json.RawMessage, error) {
	b, err := jose.PrivateJWKJSON(k.Signer, k.Alg, k.KeyID)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return jose.Marshal(m) // sorted members

}
