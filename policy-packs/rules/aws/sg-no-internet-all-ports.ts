/**
 * Passing condition: no security group opens every TCP, every UDP or every SCTP port to the
 * whole internet, however the rules spell it (protocol -1, 0-65535, ranges that add up to it, or
 * protocol 132, which AWS matches on every SCTP port).
 */
import { z } from "zod";
import { PORTED_PROTOCOLS, TrafficSet } from "../../../core/net";
import { AWS_SG_GROUP_TYPES, AWS_SG_RULE_TYPES } from "../../../core/resources";
import { stackRule } from "../define";
import { groupName, groupUrn, worldExposure } from "./sg-view";

export const sgNoInternetAllPortsConfig = z.object({});

export const sgNoInternetAllPorts = stackRule({
  name: "netseg-aws-sg-no-internet-all-ports",
  description: "No security group allows ingress from the whole internet on every TCP, every UDP or every SCTP port.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Open only the ports the service needs, and to the sources that need them (a load balancer's group, a CIDR range), never 0-65535 to 0.0.0.0/0 or ::/0. An SCTP rule (protocol 132) always spans every SCTP port on AWS: name the SCTP peers' CIDR ranges instead of the internet.",
  config: sgNoInternetAllPortsConfig,
  covers: { rows: [2], ids: ["CKV_AWS_277"] },
  types: [...AWS_SG_GROUP_TYPES, ...AWS_SG_RULE_TYPES],
  check: (stack, _cfg, report) => {
    for (const e of worldExposure(stack, "ingress")) {
      const whole = PORTED_PROTOCOLS.filter((p) => e.traffic.covers(TrafficSet.of(p)));
      if (whole.length === 0) continue;
      const names = whole.length > 1 ? `${whole.slice(0, -1).join(", ")} and ${whole[whole.length - 1]}` : whole[0];
      report(`security group ${groupName(e.view)} allows ${e.cidrs} to every ${names} port (${e.traffic}, via ${e.via})`, groupUrn(e.view));
    }
  },
});
