package wimse

import (
	"errors"
	"fmt"
	"sort"
)

// Error is the one shape of every rejection in this module. Reason is the
// stable code callers branch on; Detail is a human explanation that may
// change between releases and must never be matched on; Err is the cause, if
// any. Detail never contains a raw token.
type Error struct {
	Reason Reason
	Detail string
	Err    error
}

// Errorf returns an *Error with the reason and a formatted detail. A %w verb
// in format sets Err.
func Errorf(reason Reason, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Reason: reason, Detail: err.Error(), Err: errors.Unwrap(err)}
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Detail
}

func (e *Error) Unwrap() error { return e.Err }

// ReasonOf returns the reason of the first *Error in err's chain, or
// ReasonInternal when err is non-nil and carries none, or "" for nil.
func ReasonOf(err error) Reason {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ReasonInternal
}

// Class groups reasons by what a receiver should signal.
type Class int

const (
	// ClassCredential: the presented credentials (WIT, proof, client or
	// server certificate) are missing or invalid. wpt-02 §2.1 answers these
	// with 401 and a WPT challenge; wpt-01 and creds-02 §5.2 with 400. The
	// mtls.* reasons have no HTTP status: they fail the TLS handshake and
	// are logged; profiles/mtls.Middleware answers them with 400.
	ClassCredential Class = iota + 1
	// ClassRequest: the request is malformed in a way not tied to one
	// credential (mixed carriages, repeated context tokens): 400.
	ClassRequest
	// ClassUnavailable: the receiver cannot decide now (replay cache full): 503.
	ClassUnavailable
	// ClassRateLimited: this sender has used its share of a resource shared
	// by every sender (its replay-cache quota): 429 (RFC 6585 §4), for that
	// sender alone; other senders are served.
	ClassRateLimited
	// ClassInternal: a bug or an unexpected failure: 500.
	ClassInternal
)

// ClassOf returns the class of a reason. Unknown reasons are ClassInternal.
func ClassOf(r Reason) Class {
	switch r {
	case ReasonRequestMixedCarriage, ReasonRequestCarriageNotAccepted,
		ReasonRequestContextTokenMultiple, ReasonRequestMalformed, ReasonRequestAuthorizationMalformed,
		ReasonRequestBodyTooLarge:
		return ClassRequest
	case ReasonReplayCacheFull:
		return ClassUnavailable
	case ReasonReplaySenderQuota:
		return ClassRateLimited
	case ReasonInternal:
		return ClassInternal
	case ReasonRevocationUnavailable, ReasonOIDCFetch, ReasonOIDCDiscoveryIssuer, ReasonOIDCJWKSURI,
		ReasonOIDCDocumentOversized, ReasonOIDCDocumentMalformed:
		return ClassUnavailable
	}
	if _, ok := known[r]; ok {
		return ClassCredential
	}
	return ClassInternal
}

// Known reports whether r is one of the reasons this module defines.
func (r Reason) Known() bool { _, ok := known[r]; return ok }

// AllReasons returns every defined reason, sorted.
func AllReasons() []Reason {
	out := make([]Reason, 0, len(known))
	for r := range known {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

var known = func() map[Reason]struct{} {
	m := map[Reason]struct{}{}
	for _, r := range []Reason{
		ReasonIDTooLong, ReasonIDMalformed, ReasonIDScheme, ReasonIDTrustDomain, ReasonIDPath,
		ReasonIDQueryFragment, ReasonIDNotCanonical,
		ReasonWITMissing, ReasonWITMultiple, ReasonWITOversized, ReasonWITMalformed,
		ReasonWITDuplicateMember, ReasonWITTyp, ReasonWITAlg, ReasonWITCrit, ReasonWITHeaderKey,
		ReasonWITKeyUnknown, ReasonWITKeyTrustDomain, ReasonWITSignature, ReasonWITClaimType, ReasonWITSubMissing,
		ReasonWITSubInvalid, ReasonWITTrustDomain, ReasonWITIssuer, ReasonWITExpMissing,
		ReasonWITExpired, ReasonWITNotYetValid, ReasonWITCnfMissing, ReasonWITCnfKey, ReasonWITCnfAlg,
		ReasonWITCnfKeySmallOrder, ReasonWITCnfKeyNonCanonical, ReasonWITCnfKeyUse, ReasonWITCnfAmbiguous,
		ReasonWITSignatureNonCanonical, ReasonWPTSignatureNonCanonical, ReasonHTTPSigSignatureNonCanonical,
		ReasonWITSVIDKidMissing, ReasonWITSVIDAlg, ReasonWITSVIDCnfAlg, ReasonWITSVIDSub, ReasonWITSVIDAud,
		ReasonWPTMissing, ReasonWPTMultiple, ReasonWPTOversized, ReasonWPTMalformed,
		ReasonWPTDuplicateMember, ReasonWPTTyp, ReasonWPTAlg, ReasonWPTAlgMismatch, ReasonWPTCrit,
		ReasonWPTHeaderKey, ReasonWPTSignature, ReasonWPTClaimType, ReasonWPTAudMissing,
		ReasonWPTAudMismatch, ReasonWPTExpMissing, ReasonWPTExpired, ReasonWPTExpTooFar,
		ReasonWPTNotYetValid, ReasonWPTJTIMissing, ReasonWPTReplayed, ReasonWPTWTHMissing,
		ReasonWPTWTHMismatch, ReasonWPTATHMissing, ReasonWPTATHMismatch, ReasonWPTTTHMissing,
		ReasonWPTTTHMismatch, ReasonWPTOTHMissing, ReasonWPTOTHMismatch, ReasonWPTOTHUnknown,
		ReasonMTLSNoCertificate, ReasonMTLSURISAN, ReasonMTLSIdentifier, ReasonMTLSTrustDomain,
		ReasonMTLSExpired, ReasonMTLSNotYetValid, ReasonMTLSChain, ReasonMTLSEKU, ReasonMTLSKeyUsage,
		ReasonMTLSPeerIdentity, ReasonMTLSDNSID,
		ReasonHTTPSigMissing, ReasonHTTPSigMultiple, ReasonHTTPSigMalformed, ReasonHTTPSigParamMissing,
		ReasonHTTPSigParamForbidden, ReasonHTTPSigComponentMissing, ReasonHTTPSigRevision,
		ReasonHTTPSigDigestMissing, ReasonHTTPSigDigestMismatch, ReasonHTTPSigSignature, ReasonHTTPSigExpired,
		ReasonHTTPSigNotYetValid, ReasonHTTPSigLifetime, ReasonHTTPSigAudMismatch, ReasonHTTPSigReplayed,
		ReasonHTTPSigResponseUnsigned, ReasonHTTPSigReqNonce, ReasonHTTPSigCannotSign, ReasonHTTPSigResponderIdentity,
		ReasonRequestMixedCarriage, ReasonRequestCarriageNotAccepted,
		ReasonRequestContextTokenMultiple, ReasonRequestMalformed, ReasonReplayCacheFull, ReasonInternal,
		ReasonRequestBodyTooLarge,
		ReasonRequestAuthorizationMalformed, ReasonReplaySenderQuota,
		ReasonJWTGrantOversized, ReasonJWTGrantMalformed, ReasonJWTGrantDuplicateMember, ReasonJWTGrantTyp,
		ReasonJWTGrantAlg, ReasonJWTGrantCrit, ReasonJWTGrantHeaderKey, ReasonJWTGrantIssuerUnknown,
		ReasonJWTGrantTrustDomain, ReasonJWTGrantKeyUnknown, ReasonJWTGrantSignature, ReasonJWTGrantClaimType,
		ReasonJWTGrantIssMissing, ReasonJWTGrantSubMissing, ReasonJWTGrantSubInvalid, ReasonJWTGrantIssSubMismatch,
		ReasonJWTGrantClientIDMismatch, ReasonJWTGrantAudMissing, ReasonJWTGrantAudMismatch, ReasonJWTGrantAudMultiple,
		ReasonJWTGrantExpMissing, ReasonJWTGrantExpired, ReasonJWTGrantNotYetValid, ReasonJWTGrantLifetime,
		ReasonJWTGrantJTIMissing, ReasonJWTGrantReplayed,
		ReasonAccessTokenOversized, ReasonAccessTokenMalformed, ReasonAccessTokenDuplicateMember,
		ReasonAccessTokenTyp, ReasonAccessTokenAlg, ReasonAccessTokenCrit, ReasonAccessTokenHeaderKey,
		ReasonAccessTokenKeyUnknown, ReasonAccessTokenSignature, ReasonAccessTokenClaimType,
		ReasonAccessTokenIssMissing, ReasonAccessTokenIssuer, ReasonAccessTokenSubMissing,
		ReasonAccessTokenAudMissing, ReasonAccessTokenAudMismatch, ReasonAccessTokenExpMissing,
		ReasonAccessTokenExpired, ReasonAccessTokenNotYetValid, ReasonAccessTokenIatMissing,
		ReasonAccessTokenLifetime, ReasonAccessTokenJTIMissing, ReasonAccessTokenClientIDMissing,
		ReasonActMalformed, ReasonActSubMissing, ReasonActForbiddenMember, ReasonActTooDeep,
		ReasonMayActMalformed, ReasonMayActSubMissing, ReasonMayActForbiddenMember, ReasonMayActMismatch,
		ReasonScopeMalformed, ReasonScopeDuplicate, ReasonScopeExceeds,
		ReasonPolicyMalformed, ReasonPolicyNoRule, ReasonPolicySubject, ReasonPolicyDelegation,
		ReasonPolicyImpersonation, ReasonPolicyTarget, ReasonPolicyScope,
		ReasonExchangeMethod, ReasonExchangeContentType, ReasonExchangeRequest, ReasonExchangeGrantType,
		ReasonExchangeResourceMalformed, ReasonExchangeTooManyTargets, ReasonExchangeTarget, ReasonExchangeClient,
		ReasonExchangeTokenType, ReasonExchangeRequestedTokenType, ReasonExchangeProofMissing,
		ReasonExchangeActorDelegated, ReasonExchangeDenied, ReasonExchangeDelegation, ReasonExchangeImpersonation,
		ReasonExchangeLifetime,
		ReasonCnfMalformed, ReasonCnfAmbiguous, ReasonCnfMethod, ReasonCnfMissing, ReasonCnfUnconfirmed,
		ReasonCnfMismatch,
		ReasonDPoPMultiple, ReasonDPoPOversized, ReasonDPoPMalformed, ReasonDPoPDuplicateMember, ReasonDPoPTyp, ReasonDPoPAlg, ReasonDPoPCrit, ReasonDPoPHeaderKey, ReasonDPoPJWK, ReasonDPoPJWKPrivate, ReasonDPoPAlgMismatch, ReasonDPoPSignature, ReasonDPoPClaimType, ReasonDPoPClaimMissing, ReasonDPoPHTMMismatch, ReasonDPoPHTUMismatch, ReasonDPoPIatStale, ReasonDPoPIatFuture, ReasonDPoPATHMissing, ReasonDPoPATHMismatch, ReasonDPoPNonceMissing, ReasonDPoPNonceInvalid, ReasonDPoPReplayed,
		ReasonAttestationMissing, ReasonAttestationMultiple, ReasonAttestationMalformed, ReasonAttestationHeader, ReasonAttestationTyp, ReasonAttestationAlg, ReasonAttestationKeyUnknown, ReasonAttestationSignature, ReasonAttestationClaimType, ReasonAttestationSubMissing, ReasonAttestationExpMissing, ReasonAttestationExpired, ReasonAttestationNotYetValid, ReasonAttestationCnf, ReasonAttestationPoPMissing, ReasonAttestationPoPMultiple, ReasonAttestationPoPMalformed, ReasonAttestationPoPHeader, ReasonAttestationPoPTyp, ReasonAttestationPoPAlg, ReasonAttestationPoPAlgMismatch, ReasonAttestationPoPSignature, ReasonAttestationPoPClaimType, ReasonAttestationPoPAudMissing, ReasonAttestationPoPAudMismatch, ReasonAttestationPoPJTIMissing, ReasonAttestationPoPIatMissing, ReasonAttestationPoPIatWindow, ReasonAttestationPoPReplayed, ReasonAttestationChallengeMissing, ReasonAttestationChallengeInvalid, ReasonExchangeClientIDMismatch, ReasonExchangeClientCertificate,
		ReasonExchangeX509Subject, ReasonExchangeAudienceRequired,
		ReasonRevocationTokenMissing, ReasonRevocationUnsupportedTokenType, ReasonRevocationClientMismatch, ReasonRevocationRevoked, ReasonRevocationUnavailable, ReasonIntrospectionTokenMissing, ReasonIntrospectionNotAllowed, ReasonOIDCOversized, ReasonOIDCMalformed, ReasonOIDCDuplicateMember, ReasonOIDCTyp, ReasonOIDCAlg, ReasonOIDCCrit, ReasonOIDCHeaderKey, ReasonOIDCIssuer, ReasonOIDCKeyUnknown, ReasonOIDCSignature, ReasonOIDCClaimType, ReasonOIDCSubMissing, ReasonOIDCAudMismatch, ReasonOIDCExpMissing, ReasonOIDCIatMissing, ReasonOIDCExpired, ReasonOIDCNotYetValid, ReasonOIDCLifetime, ReasonOIDCFetch, ReasonOIDCDiscoveryIssuer, ReasonOIDCJWKSURI, ReasonOIDCDocumentOversized, ReasonOIDCDocumentMalformed,
	} {
		m[r] = struct{}{}
	}
	return m
}()
