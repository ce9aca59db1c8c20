package main

import (
	"crypto"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/interop/sts/audit"
)

// auditCmd groups the commands that read the reference STS's audit log.
func auditCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "audit",
		Short: "Verify and show the audit log of the reference STS",
		Example: `  wimse audit verify --config sts.json
  wimse audit show --config sts.json --client wimse://example.org/orders --since 2026-12-01T00:00:00Z`,
	}
	c.AddCommand(auditVerifyCmd(e), auditShowCmd(e))
	return c
}

func auditVerifyCmd(e *env) *cobra.Command {
	var config, anchor, writeAnchor string
	var asJSON bool
	c := &cobra.Command{
		Use:   "verify --config FILE [--anchor FILE] [--write-anchor FILE]",
		Short: "Check that the STS audit log is intact",
		Long: `verify reads the whole audit log of the STS configured in FILE and checks
that it is one intact hash chain: sequence numbers from 1 without gaps, each
entry's prev the hash of the one before, every checkpoint signed by the
configuration's checkpoint key over the entry before it, and at most
checkpointEvery records between checkpoints. A modified, deleted, reordered or
inserted entry fails, with the first bad sequence number and a reason code.

The records after the last checkpoint are not protected by a signature: the
report counts them. A log cut short just after one of its checkpoints still
verifies unless you keep the latest checkpoint outside the log: --write-anchor
saves it, and a later --anchor requires the log to reach it unchanged.

Exit status: 0 intact, 1 not intact, 2 usage or an unreadable configuration.`,
		Example: `  wimse audit verify --config sts.json --write-anchor anchor.json
  wimse audit verify --config sts.json --anchor anchor.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config == "" {
				return usageErr("--config is required")
			}
			cfg, err := sts.LoadConfig(config)
			if err != nil {
				return usageErr("%v", err)
			}
			pub, err := sts.CheckpointPublic(cfg)
			if err != nil {
				return usageErr("checkpoint key: %v", err)
			}
			opts := audit.VerifyOptions{Keys: []crypto.PublicKey{pub}, MaxUnprotected: cfg.CheckpointInterval()}
			if anchor != "" {
				cp, err := readAnchor(anchor)
				if err != nil {
					return usageErr("--anchor: %v", err)
				}
				opts.Anchor = cp
			}
			ctx := cmd.Context()
			store, closeStore, err := sts.OpenAudit(ctx, cfg)
			if err != nil {
				return failErr("%v", err)
			}
			defer closeStore()
			rep, verr := audit.Verify(ctx, store.Range(ctx, audit.Filter{}), opts)
			if asJSON {
				out := map[string]any{"intact": verr == nil}
				if verr != nil {
					out["reason"] = audit.ReasonOf(verr)
					out["error"] = verr.Error()
				} else {
					out["entries"], out["records"], out["checkpoints"] = rep.Entries, rep.Records, rep.Checkpoints
					out["head"], out["unprotected"] = rep.Head.String(), rep.Unprotected
				}
				b, _ := json.MarshalIndent(out, "", "  ")
				fmt.Fprintln(e.stdout, string(b))
			}
			if verr != nil {
				if !asJSON {
					fmt.Fprintf(e.stdout, "audit log NOT intact: %v\n", verr)
				}
				return quietExit(exitFailure)
			}
			if !asJSON {
				fmt.Fprintf(e.stdout, "audit log intact: %d entries (%d records, %d checkpoints), head %s\n", rep.Entries, rep.Records, rep.Checkpoints, rep.Head)
				if rep.Unprotected > 0 {
					fmt.Fprintf(e.stdout, "%d records after the last checkpoint are not yet covered by a signature\n", rep.Unprotected)
				}
			}
			if writeAnchor != "" {
				if rep.LastCheckpoint == nil {
					return failErr("--write-anchor: the log has no checkpoint yet")
				}
				b, err := json.MarshalIndent(anchorFile{Seq: rep.LastCheckpoint.Seq, Head: rep.LastCheckpoint.Head.String(), Time: rep.LastCheckpoint.Time,
					Alg: rep.LastCheckpoint.Alg, KeyID: rep.LastCheckpoint.KeyID, Signature: rep.LastCheckpoint.Signature}, "", "  ")
				if err != nil {
					return failErr("--write-anchor: %v", err)
				}
				if err := os.WriteFile(writeAnchor, append(b, '\n'), 0o644); err != nil {
					return failErr("--write-anchor: %v", err)
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&config, "config", "", "STS configuration file (required)")
	c.Flags().StringVar(&anchor, "anchor", "", "a checkpoint saved with --write-anchor that the log must still reach unchanged")
	c.Flags().StringVar(&writeAnchor, "write-anchor", "", "save the log's last checkpoint to this file, to detect truncation later")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return c
}

// anchorFile is a checkpoint kept outside the log.
type anchorFile struct {
	Seq       uint64    `json:"seq"`
	Head      string    `json:"head"`
	Time      time.Time `json:"time"`
	Alg       string    `json:"alg"`
	KeyID     string    `json:"kid"`
	Signature []byte    `json:"signature"`
}

func readAnchor(path string) (*audit.Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a anchorFile
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	var h audit.Hash
	if err := h.UnmarshalText([]byte(a.Head)); err != nil {
		return nil, err
	}
	return &audit.Checkpoint{Seq: a.Seq, Head: h, Time: a.Time, Alg: a.Alg, KeyID: a.KeyID, Signature: a.Signature}, nil
}

func auditShowCmd(e *env) *cobra.Command {
	var config, client, sub, iss, since, until string
	var asJSON bool
	c := &cobra.Command{
		Use:   "show --config FILE [--client ID] [--sub SUB [--iss ISS]] [--since TIME] [--until TIME] [--json]",
		Short: "Print the STS audit records that match a filter",
		Long: `show prints the audit records of the STS configured in FILE, oldest first,
selected by the authenticated client, the subject token's sub (and iss), and
time (RFC 3339; --since inclusive, --until exclusive). With no filter it prints
every entry, checkpoints included. It does not verify the log: run verify.

--json prints each entry as the log stores it (JSON Lines).`,
		Example: `  wimse audit show --config sts.json --client orders-client
  wimse audit show --config sts.json --sub wimse://example.org/orders --since 2026-12-01T00:00:00Z --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config == "" {
				return usageErr("--config is required")
			}
			var f audit.Filter
			var err error
			if client != "" {
				if f.Client, err = audit.ParseLabel(client); err != nil {
					return usageErr("--client: %v", err)
				}
			}
			if sub != "" {
				if f.Subject.Sub, err = audit.ParseLabel(sub); err != nil {
					return usageErr("--sub: %v", err)
				}
			}
			if iss != "" {
				if sub == "" {
					return usageErr("--iss needs --sub")
				}
				if f.Subject.Issuer, err = audit.ParseLabel(iss); err != nil {
					return usageErr("--iss: %v", err)
				}
			}
			for _, t := range []struct {
				flag, v string
				to      *time.Time
			}{{"--since", since, &f.Since}, {"--until", until, &f.Until}} {
				if t.v == "" {
					continue
				}
				if *t.to, err = time.Parse(time.RFC3339, t.v); err != nil {
					return usageErr("%s %q: want an RFC 3339 time such as 2026-12-01T00:00:00Z", t.flag, t.v)
				}
			}
			cfg, err := sts.LoadConfig(config)
			if err != nil {
				return usageErr("%v", err)
			}
			ctx := cmd.Context()
			store, closeStore, err := sts.OpenAudit(ctx, cfg)
			if err != nil {
				return failErr("%v", err)
			}
			defer closeStore()
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			if !asJSON {
				fmt.Fprintln(tw, "SEQ\tTIME\tDECISION\tCLIENT\tSUBJECT\tGRANTED\tREASON")
			}
			n := 0
			for ent, err := range store.Range(ctx, f) {
				if err != nil {
					tw.Flush()
					return failErr("read the audit log: %v", err)
				}
				n++
				if asJSON {
					b, err := ent.MarshalText()
					if err != nil {
						return failErr("%v", err)
					}
					fmt.Fprintln(e.stdout, string(b))
					continue
				}
				fmt.Fprintln(tw, showLine(ent))
			}
			if !asJSON {
				tw.Flush()
				fmt.Fprintf(e.stderr, "%d entries\n", n)
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&config, "config", "", "STS configuration file (required)")
	fl.StringVar(&client, "client", "", "only records of this authenticated client")
	fl.StringVar(&sub, "sub", "", "only records whose subject token has this sub")
	fl.StringVar(&iss, "iss", "", "with --sub: and this iss")
	fl.StringVar(&since, "since", "", "only entries at or after this RFC 3339 time")
	fl.StringVar(&until, "until", "", "only entries before this RFC 3339 time")
	fl.BoolVar(&asJSON, "json", false, "print entries as stored, one JSON object per line")
	return c
}

// showLine renders one entry as a tab-separated row.
func showLine(e audit.Entry) string {
	ts := e.Time.UTC().Format(time.RFC3339)
	if e.Checkpoint != nil {
		return fmt.Sprintf("%d\t%s\tcheckpoint\t-\t-\tseq %d signed by %s\t-", e.Seq, ts, e.Checkpoint.Seq, e.Checkpoint.KeyID)
	}
	r := e.Record
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	subject := r.Subject.Sub.String()
	if r.Subject.Issuer.String() != "" {
		subject = r.Subject.Issuer.String() + " " + subject
	}
	var granted []string
	for _, a := range r.Granted.Audience {
		granted = append(granted, "aud="+a.String())
	}
	if len(r.Granted.Scope) > 0 {
		var s []string
		for _, v := range r.Granted.Scope {
			s = append(s, v.String())
		}
		granted = append(granted, "scope="+strings.Join(s, " "))
	}
	if !r.JTI.IsZero() {
		granted = append(granted, "jti="+r.JTI.String())
	}
	if r.Lifetime > 0 {
		granted = append(granted, "for "+r.Lifetime.String())
	}
	if !r.KeyID.IsZero() {
		granted = append(granted, "kid="+r.KeyID.String())
	}
	client := r.Client.ID.String()
	if !r.Client.Method.IsZero() {
		client += " (" + r.Client.Method.String() + ")"
	}
	return fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s\t%s", e.Seq, ts, r.Decision, dash(strings.TrimSpace(client)), dash(subject), dash(strings.Join(granted, ", ")), dash(string(r.Reason)))
}
