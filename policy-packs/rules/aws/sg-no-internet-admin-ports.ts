/**
 * Passing condition: no security group lets the whole internet reach an admin port (SSH, RDP by
 * default). Judged per group over all of its rules, inline and standalone, with CIDRs, IPv6 and
 * prefix lists as ranges: two /1 halves in two rules are the internet too.
 */
import { z } from "zod";
import { portSpecs, trafficOf } from "../config";
import { stackRule } from "../define";
import { AWS_SG_GROUP_TYPES, AWS_SG_RULE_TYPES } from "../../../core/resources";
import { groupName, groupUrn, worldExposure } from "./sg-view";

export const sgNoInternetAdminPortsConfig = z.object({
  adminPorts: portSpecs("Ports that must never be open to the internet.", ["tcp/22", "tcp/3389"]),
});

export const sgNoInternetAdminPorts = stackRule({
  name: "netseg-aws-sg-no-internet-admin-ports",
  description: "No security group allows ingress from the whole internet to an admin port (tcp/22 and tcp/3389 unless configured).",
  enforcementLevel: "mandatory",
  severity: "critical",
  config: sgNoInternetAdminPortsConfig,
  covers: { rows: [1], ids: ["CKV_AWS_24", "CKV_AWS_25", "Trivy AWS-0107", "KICS 65905cec", "Pulumi compliance-policies"] },
  remediationSteps: "Reach admin ports through a bastion, SSM Session Manager or a VPN range instead of 0.0.0.0/0 or ::/0.",
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES],
  check: (stack, cfg, report) => {
    for (const e of worldExposure(stack, "ingress", trafficOf(cfg.adminPorts))) {
      report(`security group ${groupName(e.view)} allows ${e.cidrs} to admin port ${e.traffic} (via ${e.via})`, groupUrn(e.view));
    }
  },
});
