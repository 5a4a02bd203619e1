/**
 * Passing condition: no firewall policy lets a sensitive zone out on the TLS SNI alone; where an
 * AWS Network Firewall allow-list passes a sensitive zone's subnets on `tls.sni` (or a TLS_SNI
 * domain list), the policy has a TLS inspection configuration. The client writes the SNI, so
 * without inspection a workload can name an allowed host and reach any address that answers TLS.
 * Zones are sensitive by netseg's `netseg:sensitive` tag on their subnets, or by name in
 * `sensitiveZones` (with `zoneTag` for hand-written subnets).
 */
import { z } from "zod";
import { domainListSniPass, sniPassRules, type IpSets, type SniPass } from "../../../core/egress/sni-reliance";
import { CidrSet, parseCidr } from "../../../core/net/cidr";
import { field, isUnknown, items, str, stringMap, strings, type PlainObject, type StackIndex, type StackResource } from "../../../core/resources";
import { readZoneMarks } from "../../../core/tags";
import { zoneOptions } from "../config";
import { stackRule } from "../define";

const RULE_GROUP = "aws:networkfirewall/ruleGroup:RuleGroup";
const POLICY = "aws:networkfirewall/firewallPolicy:FirewallPolicy";
const SUBNET = "aws:ec2/subnet:Subnet";

export const sensitiveEgressTlsInspectedConfig = z.object({
  zoneTag: zoneOptions.zoneTag,
  sensitiveZones: z.array(z.string()).default([]).describe("Zone names treated as sensitive besides those netseg marks so (sensitive: true)."),
});

/** Sensitive zones and their known subnet addresses. */
function sensitiveZones(stack: StackIndex, cfg: z.output<typeof sensitiveEgressTlsInspectedConfig>): Map<string, CidrSet> {
  const out = new Map<string, CidrSet>();
  for (const s of stack.ofType(SUBNET)) {
    const marks = readZoneMarks("aws", stringMap(s.props.tags).known, cfg.zoneTag);
    if (!marks.zone || !(marks.sensitive === true || cfg.sensitiveZones.includes(marks.zone))) continue;
    const block = str(s.props.cidrBlock);
    const c = typeof block === "string" ? parseCidr(block) : undefined;
    if (!c || "error" in c) continue;
    out.set(marks.zone, (out.get(marks.zone) ?? CidrSet.EMPTY).union(CidrSet.fromCidrs([c])));
  }
  return out;
}

/** The group's SNI passes (IP set variables resolved); undefined when its rules are unknown. */
function sniPasses(group: StackResource): SniPass[] | undefined {
  const rg = group.props.ruleGroup;
  const ipSets: Record<string, string[] | "unknown"> = {};
  const sets = items(field(field(rg, "ruleVariables"), "ipSets"));
  if (sets.unknown) return undefined;
  for (const v of sets.known) {
    const key = str(field(v, "key"));
    const defs = strings(field(field(v, "ipSet"), "definitions"));
    if (typeof key === "string") ipSets[key] = defs.unknown ? "unknown" : [...defs.known];
  }
  const source = field(rg, "rulesSource");
  // Suricata rules come in ruleGroup.rulesSource.rulesString or in the group's top-level `rules`.
  const texts = [str(field(source, "rulesString")), str(group.props.rules)];
  if (texts.some(isUnknown) || isUnknown(source)) return undefined;
  const passes = texts.filter((t): t is string => typeof t === "string").flatMap((t) => sniPassRules(t, ipSets as IpSets));
  const list = field(source, "rulesSourceList");
  if (list === undefined) return passes;
  const types = strings(field(list, "targetTypes"));
  return types.unknown ? undefined : [...passes, ...domainListSniPass(types.known, ipSets)];
}

/** The rule groups a policy references: by URN through its dependencies, or by known ARN. */
function referencedGroups(stack: StackIndex, policy: StackResource, groups: readonly StackResource[]): StackResource[] {
  const found = new Set(stack.referenced(policy, "firewallPolicy", [RULE_GROUP]));
  if (!policy.propertyDependencies.firewallPolicy?.length) {
    for (const urn of policy.dependencies) for (const g of groups) if (g.urn === urn) found.add(g);
  }
  for (const ref of items(field(policy.props.firewallPolicy, "statefulRuleGroupReferences")).known) {
    const arn = str(field(ref, "resourceArn"));
    if (typeof arn === "string") for (const g of groups) if (str(g.props.arn) === arn) found.add(g);
  }
  return [...found];
}

/** true: inspected (an ARN, known or not yet); false: certainly not; undefined: the policy is unknown. */
function inspects(policy: PlainObject): boolean | undefined {
  const fp = policy.firewallPolicy;
  if (isUnknown(fp)) return undefined;
  const arn = field(fp, "tlsInspectionConfigurationArn");
  return isUnknown(arn) || (typeof arn === "string" && arn !== "");
}

export const sensitiveEgressTlsInspected = stackRule({
  name: "netseg-aws-sensitive-egress-tls-inspected",
  description: "Sensitive zones whose egress an AWS Network Firewall passes on the TLS SNI have that TLS inspected, since the SNI alone is the client's claim.",
  enforcementLevel: "advisory",
  severity: "high",
  config: sensitiveEgressTlsInspectedConfig,
  covers: { rows: [4], ids: ["netseg (domain fronting / SNI spoofing)"] },
  remediationSteps: "Give the EgressProxy tlsInspection: { certificateAuthorityArn } (a CA in ACM the workloads trust), or set tlsInspectionConfigurationArn on the firewall policy.",
  types: [RULE_GROUP],
  check: (stack, cfg, report) => {
    const zones = sensitiveZones(stack, cfg);
    if (zones.size === 0) return;
    const groups = stack.ofType(RULE_GROUP);
    for (const policy of stack.ofType(POLICY)) {
      if (inspects(policy.props) !== false) continue;
      const passes = referencedGroups(stack, policy, groups).flatMap((g) => (sniPasses(g) ?? []).map((p) => ({ ...p, group: g.name })));
      for (const [zone, cidrs] of zones) {
        // A pass whose sources are not known yet is judged once they are (after the preview).
        const mine = passes.filter((p) => p.sources === "any" || (p.sources !== "unknown" && p.sources.overlaps(cidrs)));
        if (mine.length === 0) continue;
        const named = mine.slice(0, 3).map((p) => `${p.group}: ${p.rule}`).join("; ") + (mine.length > 3 ? `; and ${mine.length - 3} more` : "");
        report(
          `firewall policy ${policy.name} lets sensitive zone ${zone} (${cidrs}) out on the TLS SNI alone (${named}) with no TLS inspection: the client chooses the SNI, so a workload can name an allowed host and reach any address that answers TLS; give the EgressProxy tlsInspection, or set tlsInspectionConfigurationArn on the policy`,
          policy.urn,
        );
      }
    }
  },
});
