/**
 * Passing condition: no network ACL entry allows every protocol and port from (or to) the whole
 * internet and is still reached in rule-number order; such an ACL filters nothing. Ingress only
 * by default: outbound allow-all is how many ACLs let return traffic out.
 */
import { z } from "zod";
import { TrafficSet } from "../../../core/net";
import { AWS_NACL_ACL_TYPES, AWS_NACL_TYPES, orderedWorldExposure } from "../../../core/resources";
import { stackRule } from "../define";
import { aclName, aclsOf, aclUrn, entryName, orderedEntries } from "./nacl-view";

export const naclNoAllowAllConfig = z.object({
  directions: z.array(z.enum(["ingress", "egress"])).default(["ingress"]).describe("Directions in which an allow-all entry is a violation."),
});

export const naclNoAllowAll = stackRule({
  name: "netseg-aws-nacl-no-allow-all",
  description: "No network ACL entry allows all protocols and ports from the whole internet (ingress unless configured).",
  enforcementLevel: "advisory",
  severity: "medium",
  config: naclNoAllowAllConfig,
  covers: { rows: [8], ids: ["CKV_AWS_352", "Trivy AWS-0102"] },
  types: [...AWS_NACL_ACL_TYPES, AWS_NACL_TYPES.rule],
  check: (stack, cfg, report) => {
    for (const v of aclsOf(stack)) {
      // An unknown inline list may hold an entry in front of any other: nothing is proven.
      if (!v.complete) continue;
      for (const direction of cfg.directions) {
        for (const f of orderedWorldExposure(orderedEntries(v, direction))) {
          if (f.rule.entry.direction !== direction || !f.rule.entry.traffic.covers(TrafficSet.ALL)) continue;
          report(`network ACL ${aclName(v)} ${entryName(f.rule, v)} allows all traffic ${direction === "ingress" ? "from" : "to"} ${f.rule.entry.cidrs}`, aclUrn(v));
        }
      }
    }
  },
});
