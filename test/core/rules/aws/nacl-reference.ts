/**
 * A reference NACL evaluator for the rule-planner tests, written from AWS's documented semantics
 * (the lowest-numbered matching entry decides; nothing matching is denied), not from the planner.
 */
import { CidrSet } from "../../../../core/net";
import type { AwsRulePlan, NaclEntry } from "../../../../core/rules/aws";

const PROTO: Record<string, string> = { tcp: "6", udp: "17", icmp: "1", sctp: "132" };

/** Ports count for TCP (6) and UDP (17) only: AWS matches any other protocol number on every port. */
export function naclAllows(entries: readonly NaclEntry[], address: string, protocol: "tcp" | "udp" | "sctp", port: number): boolean {
  for (const e of [...entries].sort((a, b) => a.ruleNumber - b.ruleNumber)) {
    if (!CidrSet.fromCidrs([e.cidr]).has(address)) continue;
    if (e.protocolNumber !== "-1" && e.protocolNumber !== PROTO[protocol]) continue;
    if ((e.protocolNumber === "6" || e.protocolNumber === "17") && (port < e.fromPort || port > e.toPort)) continue;
    return e.action === "allow";
  }
  return false;
}

export const zoneOf = (plan: AwsRulePlan, zone: string) => plan.zones.find((z) => z.zone === zone)!;
