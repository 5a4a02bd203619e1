/**
 * Passing condition: no network ACL entry allows every protocol and port from (or to) the whole
 * internet and is still reached in rule-number order, and no set of reached entries does so
 * together (across address halves or protocols); such an ACL filters nothing. Ingress only by
 * default: outbound allow-all is how many ACLs let return traffic out.
 */
import { z } from "zod";
import { TrafficSet } from "../../../core/net";
import { AWS_NACL_ACL_TYPES, AWS_NACL_TYPES, orderedWorldExposure } from "../../../core/resources";
import { stackRule } from "../define";
import { aclName, aclsOf, aclUrn, entryName, exposureDetail, orderedEntries } from "./nacl-view";

/** Entries that together open these to the internet filter nothing that matters, SCTP allowed or not. */
const TCP_UDP_ICMP = TrafficSet.fromSpecs((["tcp", "udp", "icmp"] as const).map((protocol) => ({ protocol, from: 0, to: 65535 })));

export const naclNoAllowAllConfig = z.object({
  directions: z.array(z.enum(["ingress", "egress"])).default(["ingress"]).describe("Directions in which an allow-all entry is a violation."),
});

export const naclNoAllowAll = stackRule({
  name: "netseg-aws-nacl-no-allow-all",
  description: "No network ACL allows all protocols and ports from the whole internet, in one entry or in entries reached together (ingress unless configured).",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Replace the allow-all entries with entries for the protocols, ports and CIDR blocks the zone's flows need (and the ephemeral return range), followed by the NACL's implicit deny.",
  config: naclNoAllowAllConfig,
  covers: { rows: [8], ids: ["CKV_AWS_352", "Trivy AWS-0102"] },
  types: [...AWS_NACL_ACL_TYPES, AWS_NACL_TYPES.rule],
  check: (stack, cfg, report) => {
    for (const v of aclsOf(stack)) {
      // An unknown inline list may hold an entry in front of any other: nothing is proven.
      if (!v.complete) continue;
      for (const direction of cfg.directions) {
        const found = orderedWorldExposure(orderedEntries(v, direction, true)).filter((f) => f.rule.entry.direction === direction);
        const whole = found.filter((f) => (f.rule.entry.malformed ? (f.rule.entry.widest ?? TrafficSet.ALL) : f.rule.entry.traffic).covers(TrafficSet.ALL));
        for (const f of whole) {
          const d = exposureDetail(f, v);
          report(`network ACL ${aclName(v)} ${entryName(f.rule, v)} allows all traffic ${direction === "ingress" ? "from" : "to"} ${d.cidrs}${d.note}`, aclUrn(v));
        }
        // No single entry allows everything, but the entries the internet reaches do together
        // (tcp, udp and icmp apart, SCTP or not: leaving SCTP out closes nothing that matters).
        const together = found.reduce((acc, f) => acc.union(f.traffic), TrafficSet.EMPTY);
        if (whole.length === 0 && together.covers(TCP_UDP_ICMP)) {
          const what = together.covers(TrafficSet.ALL) ? "all traffic" : "all TCP, UDP and ICMP traffic";
          report(`network ACL ${aclName(v)} allows ${what} ${direction === "ingress" ? "from" : "to"} the whole internet through ${found.map((f) => entryName(f.rule, v)).join(", ")} together`, aclUrn(v));
        }
      }
    }
  },
});
