/**
 * Passing condition: no security group opens every TCP or every UDP port to the whole internet,
 * however the rules spell it (protocol -1, 0-65535, or ranges that add up to it).
 */
import { z } from "zod";
import { TrafficSet } from "../../../core/net";
import { AWS_SG_GROUP_TYPES, AWS_SG_RULE_TYPES } from "../../../core/resources";
import { stackRule } from "../define";
import { groupName, groupUrn, worldExposure } from "./sg-view";

export const sgNoInternetAllPortsConfig = z.object({});

export const sgNoInternetAllPorts = stackRule({
  name: "netseg-aws-sg-no-internet-all-ports",
  description: "No security group allows ingress from the whole internet on every TCP or every UDP port.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Open only the ports the service needs, and to the sources that need them (a load balancer's group, a CIDR range), never 0-65535 to 0.0.0.0/0 or ::/0.",
  config: sgNoInternetAllPortsConfig,
  covers: { rows: [2], ids: ["CKV_AWS_277"] },
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES],
  check: (stack, _cfg, report) => {
    for (const e of worldExposure(stack, "ingress")) {
      const whole = (["tcp", "udp"] as const).filter((p) => e.traffic.covers(TrafficSet.of(p)));
      if (whole.length === 0) continue;
      report(`security group ${groupName(e.view)} allows ${e.cidrs} to every ${whole.join(" and ")} port (${e.traffic}, via ${e.via})`, groupUrn(e.view));
    }
  },
});
