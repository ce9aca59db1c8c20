package mtls

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
)

var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// uriSANs returns the URI SubjectAltNames of cert exactly as encoded
// (RFC 5280 §4.2.1.6, uniformResourceIdentifier [6] IA5String). The raw
// bytes are read rather than cert.URIs, whose url.URL form may differ from
// them: identifier validation must see what the issuer wrote
// (identifier-03 "URI Parsing and Processing Considerations").
func uriSANs(cert *x509.Certificate) ([]string, error) {
	var out []string
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidSubjectAltName) {
			continue
		}
		var seq asn1.RawValue
		rest, err := asn1.Unmarshal(ext.Value, &seq)
		if err != nil {
			return nil, err
		}
		if len(rest) != 0 || seq.Class != asn1.ClassUniversal || seq.Tag != asn1.TagSequence || !seq.IsCompound {
			return nil, errors.New("subjectAltName is not a sequence")
		}
		for data := seq.Bytes; len(data) > 0; {
			var name asn1.RawValue
			if data, err = asn1.Unmarshal(data, &name); err != nil {
				return nil, err
			}
			if name.Class == asn1.ClassContextSpecific && name.Tag == 6 {
				if name.IsCompound {
					return nil, errors.New("uniformResourceIdentifier is constructed")
				}
				out = append(out, string(name.Bytes))
			}
		}
	}
	return out, nil
}
