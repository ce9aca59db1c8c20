package e2e_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

func describeAudit() {
	Describe("the audit log, after all of the above", Label("audit"), func() {
		It("verifies: wimse audit verify exits 0", func() {
			s := sts.run("audit", "verify", "--config", sts.d.Config)
			Expect(s.ExitCode()).To(Equal(0), "stdout:\n%s\nstderr:\n%s", s.Out.Contents(), s.Err.Contents())
		})

		It("lists demo-basic's issued and revoked records: wimse audit show --client demo-basic", func() {
			client := sts.d.Clients[oauth.AuthMethodClientSecretBasic].ClientID
			s := sts.run("audit", "show", "--config", sts.d.Config, "--client", client)
			Expect(s.ExitCode()).To(Equal(0), "%s", s.Err.Contents())
			Expect(string(s.Out.Contents())).To(And(ContainSubstring("issued"), ContainSubstring("revoked")))

			var issuedN int
			var revoked []string
			for _, r := range sts.auditRecords("--client", client) {
				Expect(r.Client.ID.String()).To(Equal(client))
				switch r.Decision {
				case audit.Issued:
					issuedN++
				case audit.Revoked:
					revoked = append(revoked, r.JTI.String())
				}
			}
			// Issued to demo-basic: by the method spec, the DPoP spec and
			// the revocation and rotation setups.
			Expect(issuedN).To(BeNumerically(">=", 4))
			Expect(revoked).To(ConsistOf(revokedJTIs[client]))
			Expect(revoked).To(HaveLen(2))
		})

		It("records the key rotation", func() {
			s := sts.run("audit", "show", "--config", sts.d.Config)
			Expect(s.ExitCode()).To(Equal(0), "%s", s.Err.Contents())
			Expect(string(s.Out.Contents())).To(ContainSubstring(string(audit.KeyRotated)))
		})

		It("stops on SIGTERM with exit 0, leaving a log that ends in a signed checkpoint and verifies", func() {
			sts.stop()
			Expect(sts.srv.ExitCode()).To(Equal(0), "server stderr:\n%s", sts.stderrTail())
			s := sts.run("audit", "show", "--config", sts.d.Config, "--json")
			Expect(s.ExitCode()).To(Equal(0), "%s", s.Err.Contents())
			lines := bytes.Split(bytes.TrimSpace(s.Out.Contents()), []byte("\n"))
			last, err := audit.ParseEntry(lines[len(lines)-1])
			Expect(err).NotTo(HaveOccurred())
			Expect(last.Checkpoint).NotTo(BeNil(), "the last entry is not a checkpoint")
			s = sts.run("audit", "verify", "--config", sts.d.Config)
			Expect(s.ExitCode()).To(Equal(0), "stdout:\n%s\nstderr:\n%s", s.Out.Contents(), s.Err.Contents())
		})
	})
}

// auditRecords runs wimse audit show --json with a filter and returns the
// records, oldest first, checkpoints left out.
func (dep *deployment) auditRecords(filter ...string) []audit.Record {
	GinkgoHelper()
	s := dep.run(append([]string{"audit", "show", "--config", dep.d.Config, "--json"}, filter...)...)
	Expect(s.ExitCode()).To(Equal(0), "%s", s.Err.Contents())
	var out []audit.Record
	for _, line := range bytes.Split(bytes.TrimSpace(s.Out.Contents()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		e, err := audit.ParseEntry(line)
		Expect(err).NotTo(HaveOccurred())
		if e.Record != nil {
			out = append(out, *e.Record)
		}
	}
	return out
}

// lastRecord is the newest audit record.
func (dep *deployment) lastRecord() audit.Record {
	GinkgoHelper()
	recs := dep.auditRecords()
	Expect(recs).NotTo(BeEmpty())
	return recs[len(recs)-1]
}
