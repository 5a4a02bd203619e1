/**
 * Passing condition: GCP VMs and instance templates get an external IP only in internet-facing
 * zones and forward IP packets only in gateway zones. Zones come from netseg's labels
 * (`netseg-zone`, `netseg-internet`, `netseg-role`) or, for hand-written resources, the configured
 * `zoneTag`, `internetFacingZones` and `gatewayZones`.
 */
import { z } from "zod";
import { bool, field, items, stringMap } from "../../../core/resources";
import { TAG } from "../../../core/tags";
import { zoneOptions } from "../config";
import { label, resourceRule, zoneOf } from "../define";

export const vmNoExternalIpConfig = z.object({
  ...zoneOptions,
  gatewayZones: z.array(z.string()).default([]).describe("Zones whose VMs may forward IP packets (NAT or proxy appliances) besides those labelled netseg-role=gateway."),
});

export const vmNoExternalIp = resourceRule({
  name: "netseg-gcp-vm-no-external-ip",
  description: "GCP VMs have external IPs only in internet-facing zones and IP forwarding only in gateway zones.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Remove accessConfigs from the VM's network interfaces (use Cloud NAT or the egress proxy for outbound traffic) and set canIpForward to false; list the zone in internetFacingZones or gatewayZones if it is one.",
  config: vmNoExternalIpConfig,
  covers: { rows: [23], ids: ["Checkov", "Trivy"] },
  types: ["gcp:compute/instance:Instance", "gcp:compute/instanceTemplate:InstanceTemplate"],
  check: (r, cfg, report) => {
    const labels = stringMap(r.props.labels).known;
    const zone = zoneOf("gcp", labels, cfg);
    const notFacing = zone.zone === undefined ? "no zone label marks it internet-facing" : `zone ${zone.zone} is not internet-facing`;
    const notGateway = zone.zone === undefined ? "no zone label marks it a gateway" : `zone ${zone.zone} is not a gateway zone`;
    items(r.props.networkInterfaces).known.forEach((ni, i) => {
      const ac = items(field(ni, "accessConfigs"));
      if (ac.known.length > 0 && !zone.internetFacing) report(`VM ${label(r)} networkInterfaces[${i}] has an external IP (accessConfigs) but ${notFacing}`);
    });
    const gateway = labels[TAG.gcp.role] === "gateway" || (zone.zone !== undefined && cfg.gatewayZones.includes(zone.zone));
    if (bool(r.props.canIpForward) === true && !gateway) report(`VM ${label(r)} has canIpForward on but ${notGateway}`);
  },
});
