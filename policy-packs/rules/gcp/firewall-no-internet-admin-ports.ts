/**
 * Passing condition: no enabled GCP ingress firewall rule allows an admin port (SSH, RDP by
 * default) from the whole internet, whether it says 0.0.0.0/0, splits it into ranges, or names
 * no source at all (GCP then applies 0.0.0.0/0), unless a deny rule GCP evaluates first closes
 * that port for every instance the allow applies to (see firewall-view.ts).
 */
import { z } from "zod";
import { GCP_FIREWALL } from "../../../core/resources";
import { portSpecs, trafficOf } from "../config";
import { label, stackRule } from "../define";
import { afterDenies, worldExposures } from "./firewall-view";

export const firewallNoInternetAdminPortsConfig = z.object({
  adminPorts: portSpecs("Ports that must never be open to the internet.", ["tcp/22", "tcp/3389"]),
});

export const firewallNoInternetAdminPorts = stackRule({
  name: "netseg-gcp-firewall-no-internet-admin-ports",
  description: "No enabled GCP ingress firewall rule allows an admin port (tcp/22 and tcp/3389 unless configured) from the whole internet, unless a deny rule GCP evaluates first closes it.",
  enforcementLevel: "mandatory",
  severity: "critical",
  config: firewallNoInternetAdminPortsConfig,
  covers: { rows: [17], ids: ["CKV_GCP_2", "CKV_GCP_3", "Trivy GCP-0071", "Trivy GCP-0070"] },
  remediationSteps: "Use Identity-Aware Proxy TCP forwarding (35.235.240.0/20) or a VPN range instead of the internet.",
  types: [GCP_FIREWALL],
  check: (stack, cfg, report) => {
    for (const e of worldExposures(stack, "INGRESS")) {
      const open = e.traffic.intersect(trafficOf(cfg.adminPorts));
      if (!open.isEmpty()) report(`firewall ${label(e.resource)} allows ${e.ranges} to admin port ${open}${afterDenies(e)}`, e.resource.urn);
    }
  },
});
