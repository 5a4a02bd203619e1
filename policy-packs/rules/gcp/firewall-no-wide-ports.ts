/**
 * Passing condition: no enabled GCP ingress firewall rule open to the whole internet allows
 * every protocol or a port range wider than the configured limit (100 ports by default), counting
 * what deny rules GCP evaluates first leave of it (see firewall-view.ts).
 */
import { z } from "zod";
import { PROTOCOLS } from "../../../core/net";
import { GCP_FIREWALL } from "../../../core/resources";
import { label, stackRule } from "../define";
import { afterDenies, worldExposures } from "./firewall-view";

export const firewallNoWidePortsConfig = z.object({
  maxPortRange: z.number().int().min(1).max(65536).default(100).describe("Widest contiguous port range one rule may open to the internet."),
});

export const firewallNoWidePorts = stackRule({
  name: "netseg-gcp-firewall-no-wide-ports",
  description: "No enabled GCP ingress firewall rule open to the whole internet allows all protocols or a port range wider than the configured limit, after the deny rules GCP evaluates first.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Open only the ports and protocols the service needs to the internet, or restrict sourceRanges; raise maxPortRange only for a range that must be public.",
  config: firewallNoWidePortsConfig,
  covers: { rows: [18], ids: ["CKV2_GCP_12", "Trivy GCP-0072", "Trivy GCP-0074"] },
  types: [GCP_FIREWALL],
  check: (stack, cfg, report) => {
    for (const e of worldExposures(stack, "INGRESS")) {
      for (const p of PROTOCOLS.filter((x) => x !== "icmp")) {
        const wide = e.traffic.ports(p).intervals.filter((iv) => iv.to - iv.from + 1 > cfg.maxPortRange);
        for (const iv of wide) report(`firewall ${label(e.resource)} allows ${e.ranges} to ${p}/${iv.from}-${iv.to}, ${iv.to - iv.from + 1} ports (limit ${cfg.maxPortRange})${afterDenies(e)}`, e.resource.urn);
      }
    }
  },
});
