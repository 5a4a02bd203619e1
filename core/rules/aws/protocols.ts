/**
 * What AWS can carry of an intent's SCTP flows, checked at plan time.
 *
 * - Security-group rules and NACL entries take SCTP only by its number, 132, and AWS matches
 *   such a rule on every SCTP port, whatever ports it names (AWS documents this for every
 *   protocol other than tcp, udp and icmp). A flow on `sctp/3868` would silently open every
 *   SCTP port, so it is refused: the intent must say `sctp` (every port) for AWS.
 * - NAT gateways carry TCP, UDP and ICMP only, so a zone that reaches the internet through
 *   them cannot have an SCTP flow `to: internet`.
 *
 * `all` is left alone: it asks for every protocol, and what a NAT gateway drops of it is no
 * narrower than what the intent meant.
 */
import type { IntentIssue } from "../../intent/errors";
import { formatPortSpec, MAX_PORT, MIN_PORT } from "../../net/ports";
import { zonesNeedingNat, type PlanContext } from "./context";

export function checkAwsSctp(ctx: PlanContext, issues: IntentIssue[]): void {
  const natZones = new Set(zonesNeedingNat(ctx.input.zones).map((z) => z.name));
  for (const f of ctx.input.flows) {
    const sctp = f.ports.filter((p) => p.protocol === "sctp");
    if (!sctp.length) continue;
    const path = `${ctx.flowPath(f.key)}.ports`;
    const narrow = sctp.filter((p) => p.from !== MIN_PORT || p.to !== MAX_PORT);
    if (narrow.length) {
      issues.push({
        path,
        value: narrow.map(formatPortSpec).join(", "),
        message: `flow ${f.key}: AWS security groups and network ACLs match SCTP (protocol 132) on every port whatever ports a rule names, so ${narrow.map(formatPortSpec).join(", ")} cannot be held to ${narrow.length > 1 ? "those ports" : "that port"} and would open every SCTP port`,
        fix: "write sctp (every SCTP port) in this flow for AWS, and hold the ports on the hosts, or keep port-limited SCTP flows in an intent deployed to GCP or Kubernetes",
      });
    }
    if (f.from.kind === "zone" && f.to.kind === "internet" && natZones.has(f.from.zone)) {
      issues.push({
        path,
        value: sctp.map(formatPortSpec).join(", "),
        message: `flow ${f.key}: zone "${f.from.zone}" reaches the internet through NAT gateways, and an AWS NAT gateway carries TCP, UDP and ICMP only, so SCTP to the internet cannot pass`,
        fix: `remove sctp from this flow, or reach the SCTP peer by its address block (a peer) over a VPN or Direct Connect, or place the SCTP endpoint in an internet-facing zone (internet: inbound)`,
      });
    }
  }
}
