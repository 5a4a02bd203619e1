/**
 * The address plan and the AWS rule plan as text, for `netseg plan`: aligned tables a
 * reviewer reads top to bottom (addresses, then each zone's security group and NACL), in the
 * plan's own deterministic order, so the same intent always prints the same bytes.
 */
import type { AddressPlan } from "../../addressing/plan";
import type { AwsRulePlan, NaclEntry, SgPeer, SgRule } from "./types";

function table(rows: readonly (readonly string[])[], indent: string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => (indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ")).trimEnd());
}

function peerText(p: SgPeer): string {
  switch (p.kind) {
    case "zone":
      return `sg:${p.zone}`;
    case "egress-proxy":
      return "sg:egress-proxy";
    case "cidr":
      return `${p.cidr} (${p.name})`;
  }
}

function portsText(protocol: string, from?: number, to?: number): string {
  if (protocol === "-1") return "all";
  if (protocol === "icmp") return "icmp";
  if (protocol === "132") return "sctp";
  if (from === undefined) return protocol;
  return from === to ? `${protocol}/${from}` : `${protocol}/${from}-${to}`;
}

function sgRows(rules: readonly SgRule[]): string[][] {
  return rules.map((r) => [r.key, r.direction === "ingress" ? "from" : "to", peerText(r.peer), portsText(r.protocol, r.fromPort, r.toPort), r.description]);
}

function naclRows(entries: readonly NaclEntry[]): string[][] {
  return entries.map((e) => [String(e.ruleNumber), e.action, e.direction === "ingress" ? "from" : "to", e.cidr, portsText(e.protocol, e.protocol === "tcp" || e.protocol === "udp" ? e.fromPort : undefined, e.toPort), e.reasons.join("; ")]);
}

export function renderAddressPlanText(a: AddressPlan): string[] {
  const lines = [`Address plan: ${a.addressSpace}, zone blocks /${a.zoneBlockPrefix}, subnets /${a.subnetPrefix}`];
  const rows = [["zone", "block", "subnets"], ...a.zones.map((z) => [z.zone, z.cidr, z.subnets.map((s) => `${s.key} ${s.cidr}`).join(", ")])];
  lines.push(...table(rows, "  "));
  lines.push(`  infrastructure ${a.infrastructureBlock}: ${a.infrastructure.length ? a.infrastructure.map((s) => `${s.key} ${s.cidr}`).join(", ") : "(no room for infrastructure subnets)"}`);
  return lines;
}

export function renderAwsPlanText(addresses: AddressPlan, plan: AwsRulePlan): string {
  const lines = [`netseg plan for intent "${plan.intent}"`, "", ...renderAddressPlanText(addresses), ""];
  lines.push(`AWS (limits: ${plan.naclEntryLimit} NACL entries and ${plan.sgRuleLimit} security-group rules per direction)`);
  if (plan.natZone) lines.push(`  NAT gateways in zone ${plan.natZone}`);
  for (const z of plan.zones) {
    const sg = z.securityGroup;
    lines.push("", `  zone ${z.zone}`);
    lines.push(`    security group ${sg.name}: ${sg.ingress.length} ingress, ${sg.egress.length} egress rules`);
    lines.push(...table(sgRows([...sg.ingress, ...sg.egress]), "      "));
    lines.push(`    NACL: ${z.nacl.ingress.length}/${plan.naclEntryLimit} ingress, ${z.nacl.egress.length}/${plan.naclEntryLimit} egress entries`);
    lines.push("      ingress", ...table(naclRows(z.nacl.ingress), "        "));
    lines.push("      egress", ...table(naclRows(z.nacl.egress), "        "));
  }
  if (plan.egressProxy) {
    const p = plan.egressProxy;
    lines.push("", `  egress proxy (${p.mode === "security-group" ? "its own security group" : "addressed by CIDR"}; ${p.listenPort === undefined ? "transparent, destination ports" : `explicit, listening on tcp/${p.listenPort}`}; subnets ${p.cidrs.join(", ")})`);
    if (p.excludedRanges?.length) lines.push(`    internet-bound: ${p.excludedRanges.join(", ")} left out of the zones' security-group blocks and denied in their NACLs (traffic there never meets the proxy)`);
    if (p.ingress.length) lines.push(...table(sgRows(p.ingress), "      "));
  }
  return lines.join("\n") + "\n";
}
