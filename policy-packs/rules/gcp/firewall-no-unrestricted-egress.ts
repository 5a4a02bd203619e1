/**
 * Passing condition: no enabled GCP egress firewall rule allows traffic to the whole internet
 * beyond an allow-list of ports (tcp/443 by default); an egress rule naming no destination
 * reaches 0.0.0.0/0. Deny rules GCP evaluates first count (see firewall-view.ts).
 */
import { z } from "zod";
import { GCP_FIREWALL } from "../../../core/resources";
import { portSpecs, trafficOf } from "../config";
import { label, stackRule } from "../define";
import { afterDenies, worldExposures } from "./firewall-view";

export const firewallNoUnrestrictedEgressConfig = z.object({
  allowedPorts: portSpecs("Ports instances may reach on the whole internet.", ["tcp/443"]),
});

export const firewallNoUnrestrictedEgress = stackRule({
  name: "netseg-gcp-firewall-no-unrestricted-egress",
  description: "No enabled GCP egress firewall rule allows the whole internet beyond allow-listed ports (tcp/443 unless configured), after the deny rules GCP evaluates first.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Add a low-priority egress deny to 0.0.0.0/0 and allow only the ports in allowedPorts (or the egress proxy's address), or restrict the rule's destinationRanges.",
  config: firewallNoUnrestrictedEgressConfig,
  covers: { rows: [19], ids: ["Trivy GCP-0035"] },
  types: [GCP_FIREWALL],
  check: (stack, cfg, report) => {
    for (const e of worldExposures(stack, "EGRESS")) {
      const extra = e.traffic.subtract(trafficOf(cfg.allowedPorts));
      if (!extra.isEmpty()) report(`firewall ${label(e.resource)} allows egress to ${e.ranges} on ${extra}, outside the allow-list ${cfg.allowedPorts.join(", ")}${afterDenies(e)}`, e.resource.urn);
    }
  },
});
