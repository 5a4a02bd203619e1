/**
 * Passing condition: every GCP firewall rule is one GCP would accept: protocols it knows, port
 * texts such as "22" or "8000-8100" within 0-65535 and in order, source and destination ranges
 * that parse, direction INGRESS or EGRESS and a priority 0-65535. A malformed value is named
 * here with its field and value, and the exposure rules count the rule at its most open.
 */
import { z } from "zod";
import { GCP_FIREWALL, normaliseFirewall } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const firewallWellFormedConfig = z.object({});

export const firewallWellFormed = resourceRule({
  name: "netseg-gcp-firewall-well-formed",
  description: "Every GCP firewall rule has valid protocols, ports, ranges, direction and priority.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Correct the field the message names: protocols GCP accepts, ports as numbers or ranges within 0-65535, valid CIDR ranges, direction INGRESS or EGRESS and a priority between 0 and 65535.",
  config: firewallWellFormedConfig,
  covers: { rows: [17, 18, 19], ids: ["netseg: fail closed on values GCP rejects"] },
  types: [GCP_FIREWALL],
  check: (r, _cfg, report) => {
    for (const p of normaliseFirewall(r.props).problems) report(`firewall ${label(r)}: ${p}; GCP would reject it, and netseg's exposure rules count it at its most open`);
  },
});
