package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/internal/jose"
)

// Key file formats `wimse keys convert` reads and writes.
const (
	formatPEM  = "pem"
	formatDER  = "der"
	formatJWK  = "jwk"
	formatJWKS = "jwks"
)

func keysConvertCmd(e *env) *cobra.Command {
	var in, out, to, alg, kid string
	c := &cobra.Command{
		Use:   "convert --in FILE --out FILE [--to jwk|jwks|pem] [--alg ALG] [--kid KID]",
		Short: "Convert a key between PEM or DER and JWK",
		Long: `Convert a key file. The input is read as PEM (PRIVATE KEY: PKCS #8; EC PRIVATE
KEY: SEC 1; RSA PRIVATE KEY: PKCS #1; PUBLIC KEY: SPKI; RSA PUBLIC KEY: PKCS #1;
CERTIFICATE: its public key), as the same structures in DER, or as a JWK or JWK
Set. Keys are EC P-256, P-384 or P-521, Ed25519, or RSA (at least 2048 bits).

--to jwk writes one JWK (the default for PEM and DER input), --to jwks the
public keys as a JWK Set (a trust bundle for 'wimse serve --trust-bundle'), and
--to pem PKCS #8 or SPKI PEM (the default for JWK input). --alg (default: the
key's usual algorithm, e.g. ES256 for P-256, EdDSA, RS256) and --kid are
recorded in JWK output. A file holding a private key is written with mode 0600.`,
		Example: `  wimse keys convert --in issuer.pem --out issuer.jwk --alg ES256 --kid issuer-1
  wimse keys convert --in issuer-pub.pem --out bundle.jwks --to jwks --kid issuer-1
  wimse keys convert --in workload.jwk --out workload.pem
  openssl genpkey -algorithm ed25519 | wimse keys convert --in - --out workload.jwk`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if in == "" || out == "" {
				return usageErr("--in and --out are required")
			}
			if in != "-" && out != "-" && filepath.Clean(in) == filepath.Clean(out) {
				return usageErr("--out must differ from --in")
			}
			data, err := readInput(e, in)
			if err != nil {
				return usageErr("read --in: %v", err)
			}
			keys, from, err := parseKeyFile(data)
			if err != nil {
				return usageErr("--in %s: %v", in, err)
			}
			if to == "" {
				to = formatJWK
				if from == formatJWK || from == formatJWKS {
					to = formatPEM
				}
			}
			b, private, err := encodeKeys(keys, to, alg, kid)
			if err != nil {
				return err
			}
			if out == "-" {
				_, err := e.stdout.Write(b)
				return err
			}
			mode := os.FileMode(0o644)
			if private {
				mode = 0o600
			}
			if err := writeFileMode(out, b, mode); err != nil {
				return failErr("write --out: %v", err)
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&in, "in", "", "key file to read: PEM, DER, JWK or JWK Set; - for stdin (required)")
	fl.StringVar(&out, "out", "", "file to write; - for stdout (required)")
	fl.StringVar(&to, "to", "", "output format: jwk, jwks (public keys as a JWK Set) or pem (default: jwk for PEM or DER input, pem for JWK input)")
	fl.StringVar(&alg, "alg", "", "JWS algorithm recorded in JWK output (default: the key's usual one)")
	fl.StringVar(&kid, "kid", "", "key ID recorded in JWK output")
	return c
}

// fileKey is one key read from a file: private (Signer set) or public.
type fileKey struct {
	signer crypto.Signer
	public crypto.PublicKey
	// alg and kid come from a JWK input.
	alg, kid string
}

// parseKeyFile reads the keys of a PEM, DER, JWK or JWK Set file and says
// which format it was.
func parseKeyFile(data []byte) ([]fileKey, string, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, "", fmt.Errorf("the file is empty")
	case isPEM(trimmed):
		keys, err := parsePEMKeys(trimmed)
		return keys, formatPEM, err
	case trimmed[0] == '{':
		return parseJWKKeys(trimmed)
	}
	k, err := parseDERKey(data)
	if err != nil {
		return nil, "", fmt.Errorf("neither PEM, JWK nor a DER key or certificate")
	}
	return []fileKey{k}, formatDER, nil
}

func isPEM(data []byte) bool { return bytes.Contains(data, []byte("-----BEGIN ")) }

func parsePEMKeys(data []byte) ([]fileKey, error) {
	var out []fileKey
	for {
		var blk *pem.Block
		blk, data = pem.Decode(data)
		if blk == nil {
			break
		}
		if _, encrypted := blk.Headers["Proc-Type"]; encrypted || blk.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, fmt.Errorf("the %s is encrypted: decrypt it first (openssl pkey -in FILE -out PLAIN.pem)", strings.ToLower(blk.Type))
		}
		var k fileKey
		var err error
		switch blk.Type {
		case "EC PARAMETERS":
			continue // openssl ecparam -genkey writes the curve name first
		case "PRIVATE KEY":
			k, err = signerKey(x509.ParsePKCS8PrivateKey(blk.Bytes))
		case "EC PRIVATE KEY":
			k, err = signerKey(x509.ParseECPrivateKey(blk.Bytes))
		case "RSA PRIVATE KEY":
			k, err = signerKey(x509.ParsePKCS1PrivateKey(blk.Bytes))
		case "PUBLIC KEY":
			k, err = publicKey(x509.ParsePKIXPublicKey(blk.Bytes))
		case "RSA PUBLIC KEY":
			k, err = publicKey(x509.ParsePKCS1PublicKey(blk.Bytes))
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(blk.Bytes); err == nil {
				k, err = publicKey(c.PublicKey, nil)
			}
		case "OPENSSH PRIVATE KEY":
			return nil, fmt.Errorf("an OpenSSH private key: rewrite it as PKCS #8 first (ssh-keygen -p -m PKCS8 -f FILE)")
		default:
			return nil, fmt.Errorf("PEM block %q is not a key or certificate this command reads", blk.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("PEM block %q: %w", blk.Type, err)
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no PEM key or certificate")
	}
	return out, nil
}

// parseDERKey tries each DER structure parsePEMKeys knows by its label.
func parseDERKey(der []byte) (fileKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return signerKey(k, nil)
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return signerKey(k, nil)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return signerKey(k, nil)
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return publicKey(k, nil)
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return publicKey(k, nil)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return fileKey{}, err
	}
	return publicKey(c.PublicKey, nil)
}

// signerKey keeps a supported private key.
func signerKey(k any, err error) (fileKey, error) {
	if err != nil {
		return fileKey{}, err
	}
	s, ok := k.(crypto.Signer)
	if !ok || jose.AlgForKey(s.Public()) == "" {
		return fileKey{}, fmt.Errorf("unsupported key type %T (want EC P-256, P-384, P-521, Ed25519 or RSA)", k)
	}
	return fileKey{signer: s, public: s.Public()}, nil
}

// publicKey keeps a supported public key.
func publicKey(k any, err error) (fileKey, error) {
	if err != nil {
		return fileKey{}, err
	}
	if jose.AlgForKey(k) == "" {
		return fileKey{}, fmt.Errorf("unsupported key type %T (want EC P-256, P-384, P-521, Ed25519 or RSA)", k)
	}
	return fileKey{public: k}, nil
}

func parseJWKKeys(data []byte) ([]fileKey, string, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, "", fmt.Errorf("not a JSON object: %w", err)
	}
	if raw, ok := probe["keys"]; ok {
		var set []json.RawMessage
		if err := json.Unmarshal(raw, &set); err != nil || len(set) == 0 {
			return nil, "", fmt.Errorf("a JWK Set needs a non-empty \"keys\" array")
		}
		var out []fileKey
		for i, m := range set {
			k, err := parseOneJWK(m)
			if err != nil {
				return nil, "", fmt.Errorf("key %d: %w", i, err)
			}
			out = append(out, k)
		}
		return out, formatJWKS, nil
	}
	k, err := parseOneJWK(data)
	return []fileKey{k}, formatJWK, err
}

func parseOneJWK(data []byte) (fileKey, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return fileKey{}, err
	}
	if _, private := probe["d"]; private {
		s, alg, kid, err := jose.ParsePrivateJWK(data)
		if err != nil {
			return fileKey{}, err
		}
		k, err := signerKey(s, nil)
		k.alg, k.kid = alg, kid
		return k, err
	}
	p, err := jose.ParsePublicJWK(data)
	if err != nil {
		return fileKey{}, err
	}
	return fileKey{public: p.Key, alg: p.Alg, kid: p.Kid}, nil
}

// encodeKeys renders keys in format to; private says whether the output
// holds a private key.
func encodeKeys(keys []fileKey, to, alg, kid string) (b []byte, private bool, err error) {
	switch to {
	case formatPEM:
		if alg != "" || kid != "" {
			return nil, false, usageErr("--alg and --kid are recorded in JWK output only (--to jwk or jwks)")
		}
		var buf bytes.Buffer
		for _, k := range keys {
			blk := &pem.Block{Type: "PUBLIC KEY"}
			if k.signer != nil {
				blk.Type, private = "PRIVATE KEY", true
				blk.Bytes, err = x509.MarshalPKCS8PrivateKey(k.signer)
			} else {
				blk.Bytes, err = x509.MarshalPKIXPublicKey(k.public)
			}
			if err != nil {
				return nil, false, failErr("encode %s: %v", strings.ToLower(blk.Type), err)
			}
			_ = pem.Encode(&buf, blk)
		}
		return buf.Bytes(), private, nil
	case formatJWK:
		if len(keys) != 1 {
			return nil, false, usageHint("--to jwks writes several public keys as one JWK Set", "the input holds %d keys; a JWK is one", len(keys))
		}
		k := keys[0]
		a, err := jwkAlg(k, alg)
		if err != nil {
			return nil, false, err
		}
		id := firstSet(kid, k.kid)
		if k.signer != nil {
			b, err := jose.PrivateJWKJSON(k.signer, a, id)
			if err != nil {
				return nil, false, failErr("%v", err)
			}
			return append(b, '\n'), true, nil
		}
		m, err := jose.PublicJWKJSON(k.public, a, id)
		if err != nil {
			return nil, false, failErr("%v", err)
		}
		b, _ := json.MarshalIndent(m, "", "  ")
		return append(b, '\n'), false, nil
	case formatJWKS:
		if kid != "" && len(keys) > 1 {
			return nil, false, usageErr("--kid names one key; the input holds %d", len(keys))
		}
		set := make([]any, 0, len(keys))
		seen := map[string]bool{}
		for i, k := range keys {
			a, err := jwkAlg(k, alg)
			if err != nil {
				return nil, false, err
			}
			id := firstSet(kid, k.kid)
			if seen[id] {
				return nil, false, usageErr("key %d: kid %q is not unique in the set", i, id)
			}
			seen[id] = true
			m, err := jose.PublicJWKJSON(k.public, a, id)
			if err != nil {
				return nil, false, failErr("%v", err)
			}
			set = append(set, m)
		}
		b, _ := json.MarshalIndent(map[string]any{"keys": set}, "", "  ")
		return append(b, '\n'), false, nil
	}
	return nil, false, usageErr("--to %q is not jwk, jwks or pem", to)
}

// jwkAlg is the alg recorded for k: --alg, the input JWK's, or the key's
// usual one; it must be supported and fit the key.
func jwkAlg(k fileKey, flag string) (string, error) {
	alg := firstSet(flag, firstSet(k.alg, jose.AlgForKey(k.public)))
	if !jose.IsSupported(alg) {
		return "", usageErr("--alg %q is not one of %s", alg, strings.Join(jose.Supported(), ", "))
	}
	if err := jose.CheckKey(alg, k.public); err != nil {
		return "", usageErr("--alg %s: %v", alg, err)
	}
	return alg, nil
}

// writeFileMode writes data to path with exactly mode, also when the file
// existed with another.
func writeFileMode(path string, data []byte, mode os.FileMode) error {
	if err := os.WriteFile(path, data, mode); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}

// readJWKFile reads a file that must hold a JWK (or, with set, a JWK Set)
// for flag. A PEM or DER key file is a usage error that says how to convert
// it.
func readJWKFile(flag, path string, set bool) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("read %s: %v", flag, err)
	}
	what, ext, to := "JWK", ".jwk", ""
	if set {
		what, ext, to = "JWK Set", ".jwks", " --to jwks"
	}
	kind := ""
	if trimmed := bytes.TrimSpace(data); isPEM(trimmed) {
		kind = "PEM"
	} else if len(trimmed) > 0 && trimmed[0] != '{' {
		if _, err := parseDERKey(data); err == nil {
			kind = "DER"
		}
	}
	if kind == "" {
		return data, nil
	}
	out := strings.TrimSuffix(path, filepath.Ext(path)) + ext
	if out == path {
		out = strings.TrimSuffix(path, ext) + "-converted" + ext
	}
	return nil, usageHint(fmt.Sprintf("convert it with `wimse keys convert --in %s --out %s%s`", path, out, to),
		"%s %s is %s, where a %s is expected", flag, path, kind, what)
}
