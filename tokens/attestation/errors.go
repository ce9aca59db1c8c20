package attestation

import (
	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// popReasons maps the JOSE layer's failures in a PoP to reasons.
var popReasons = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:             wimse.ReasonAttestationPoPMalformed,
	jose.CodeOversized:             wimse.ReasonAttestationPoPMalformed,
	jose.CodeDuplicateMember:       wimse.ReasonAttestationPoPMalformed,
	jose.CodeTyp:                   wimse.ReasonAttestationPoPTyp,
	jose.CodeAlg:                   wimse.ReasonAttestationPoPAlg,
	jose.CodeCrit:                  wimse.ReasonAttestationPoPHeader,
	jose.CodeHeaderKey:             wimse.ReasonAttestationPoPHeader,
	jose.CodeSignature:             wimse.ReasonAttestationPoPSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonAttestationPoPSignature,
	jose.CodeKeyAlg:                wimse.ReasonAttestationPoPAlgMismatch,
	jose.CodeKey:                   wimse.ReasonAttestationCnf,
	jose.CodeKeyPrivate:            wimse.ReasonAttestationCnf,
	jose.CodeKeySmallOrder:         wimse.ReasonAttestationCnf,
	jose.CodeKeyNonCanonical:       wimse.ReasonAttestationCnf,
	jose.CodeKeyUse:                wimse.ReasonAttestationCnf,
}

// attReasons maps the JOSE layer's failures in an attestation to reasons.
var attReasons = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:             wimse.ReasonAttestationMalformed,
	jose.CodeOversized:             wimse.ReasonAttestationMalformed,
	jose.CodeDuplicateMember:       wimse.ReasonAttestationMalformed,
	jose.CodeTyp:                   wimse.ReasonAttestationTyp,
	jose.CodeAlg:                   wimse.ReasonAttestationAlg,
	jose.CodeCrit:                  wimse.ReasonAttestationHeader,
	jose.CodeHeaderKey:             wimse.ReasonAttestationHeader,
	jose.CodeSignature:             wimse.ReasonAttestationSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonAttestationSignature,
	jose.CodeKeyAlg:                wimse.ReasonAttestationSignature,
	jose.CodeKey:                   wimse.ReasonAttestationSignature,
	jose.CodeKeyPrivate:            wimse.ReasonAttestationSignature,
	jose.CodeKeySmallOrder:         wimse.ReasonAttestationSignature,
	jose.CodeKeyNonCanonical:       wimse.ReasonAttestationSignature,
	jose.CodeKeyUse:                wimse.ReasonAttestationSignature,
}

// fromJOSE maps a JOSE failure through table.
func fromJOSE(err error, table map[jose.Code]wimse.Reason) error {
	return joseerr.Wrap(err, table, "attestation")
}

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "attestation: "+format, args...)
}
