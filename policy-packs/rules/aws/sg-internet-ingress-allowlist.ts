/**
 * Passing condition: what a security group opens to the whole internet stays within an
 * allow-list of ports (tcp/80 and tcp/443 by default). Zone-aware: a group tagged with a zone
 * that does not face the internet may open nothing at all to it.
 */
import { z } from "zod";
import { AWS_SG_GROUP_TYPES, AWS_SG_RULE_TYPES, stringMap } from "../../../core/resources";
import { portSpecs, trafficOf, zoneOptions } from "../config";
import { stackRule, zoneOf } from "../define";
import { groupName, groupUrn, worldExposure } from "./sg-view";

export const sgInternetIngressAllowlistConfig = z.object({
  allowedPorts: portSpecs("Ports that may be open to the internet.", ["tcp/80", "tcp/443"]),
  ...zoneOptions,
});

export const sgInternetIngressAllowlist = stackRule({
  name: "netseg-aws-sg-internet-ingress-allowlist",
  description: "Security groups open only allow-listed ports (tcp/80 and tcp/443 unless configured) to the whole internet, and none in a zone that is not internet-facing.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Restrict the rule's CIDR blocks to known ranges or put the service behind a load balancer in an internet-facing zone; add the port to allowedPorts, or the zone to internetFacingZones, only if it is meant to be public.",
  config: sgInternetIngressAllowlistConfig,
  covers: { rows: [3], ids: ["CKV_AWS_260", "KICS 381c3f2a"] },
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES],
  check: (stack, cfg, report) => {
    const allowed = trafficOf(cfg.allowedPorts);
    for (const e of worldExposure(stack, "ingress")) {
      const zone = e.view.group ? zoneOf("aws", stringMap(e.view.group.props.tags).known, cfg) : { internetFacing: true, zone: undefined };
      if (zone.zone !== undefined && !zone.internetFacing) {
        report(`security group ${groupName(e.view)} in zone ${zone.zone}, which is not internet-facing, allows ${e.cidrs} to ${e.traffic} (via ${e.via})`, groupUrn(e.view));
        continue;
      }
      const extra = e.traffic.subtract(allowed);
      if (!extra.isEmpty()) report(`security group ${groupName(e.view)} allows ${e.cidrs} to ${extra}, outside the allow-list ${allowed} (via ${e.via})`, groupUrn(e.view));
    }
  },
});
