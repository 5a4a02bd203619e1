/**
 * Passing condition: no enabled GCP egress firewall rule allows traffic to the whole internet
 * beyond an allow-list of ports (tcp/443 by default); an egress rule naming no destination
 * reaches 0.0.0.0/0.
 */
import { z } from "zod";
import { GCP_FIREWALL } from "../../../core/resources";
import { portSpecs, trafficOf } from "../config";
import { label, resourceRule } from "../define";
import { worldAllow } from "./firewall-view";

export const firewallNoUnrestrictedEgressConfig = z.object({
  allowedPorts: portSpecs("Ports instances may reach on the whole internet.", ["tcp/443"]),
});

export const firewallNoUnrestrictedEgress = resourceRule({
  name: "netseg-gcp-firewall-no-unrestricted-egress",
  description: "No enabled GCP egress firewall rule allows the whole internet beyond allow-listed ports (tcp/443 unless configured).",
  enforcementLevel: "advisory",
  severity: "high",
  config: firewallNoUnrestrictedEgressConfig,
  covers: { rows: [19], ids: ["Trivy GCP-0035"] },
  types: [GCP_FIREWALL],
  check: (r, cfg, report) => {
    const w = worldAllow(r.props, "EGRESS");
    const extra = w?.traffic.subtract(trafficOf(cfg.allowedPorts));
    if (w && extra && !extra.isEmpty()) report(`firewall ${label(r)} allows egress to ${w.ranges} on ${extra}, outside the allow-list ${cfg.allowedPorts.join(", ")}`);
  },
});
