/**
 * Passing condition: no security group lets its members send to the whole internet beyond an
 * allow-list of ports (tcp/443 by default); egress to the world on any port is the usual
 * exfiltration path. Zones marked `egress: none` may send nothing to the internet at all.
 */
import { z } from "zod";
import { readZoneMarks } from "../../../core/tags";
import { AWS_SG_GROUP_TYPES, AWS_SG_RULE_TYPES, stringMap } from "../../../core/resources";
import { portSpecs, trafficOf, zoneOptions } from "../config";
import { stackRule } from "../define";
import { groupName, groupUrn, worldExposure } from "./sg-view";

export const sgNoUnrestrictedEgressConfig = z.object({
  allowedPorts: portSpecs("Ports members may reach on the whole internet.", ["tcp/443"]),
  zoneTag: zoneOptions.zoneTag,
});

export const sgNoUnrestrictedEgress = stackRule({
  name: "netseg-aws-sg-no-unrestricted-egress",
  description: "Security groups allow egress to the whole internet only on allow-listed ports (tcp/443 unless configured), and not at all in zones whose egress is none.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Send outbound traffic through the zone's egress path (the egress proxy, a NAT with an allow-list) and restrict the egress rule to the ports in allowedPorts; remove it entirely in zones whose egress is none.",
  config: sgNoUnrestrictedEgressConfig,
  covers: { rows: [4], ids: ["CKV_AWS_382", "Trivy AWS-0104"] },
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES],
  check: (stack, cfg, report) => {
    const allowed = trafficOf(cfg.allowedPorts);
    for (const e of worldExposure(stack, "egress")) {
      const marks = e.view.group ? readZoneMarks("aws", stringMap(e.view.group.props.tags).known, cfg.zoneTag) : {};
      const extra = marks.egress === "none" ? e.traffic : e.traffic.subtract(allowed);
      if (extra.isEmpty()) continue;
      const why = marks.egress === "none" ? `although zone ${marks.zone ?? "?"} has egress none` : `outside the allow-list ${allowed}`;
      report(`security group ${groupName(e.view)} allows egress to ${e.cidrs} on ${extra}, ${why} (via ${e.via})`, groupUrn(e.view));
    }
  },
});
