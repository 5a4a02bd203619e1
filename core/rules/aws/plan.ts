/**
 * The AWS rule plan of an intent (or of one tenant's VPC): security groups and NACLs per zone,
 * checked against AWS's limits. Every problem, from rule counts to a character AWS refuses in
 * a description, is collected and thrown once as an IntentError, so a bad intent fails at
 * `netseg plan` or at the component's construction, never halfway through a deployment.
 */
import { planAddresses } from "../../addressing/plan";
import { IntentError, type IntentIssue } from "../../intent/errors";
import type { Intent } from "../../intent/types";
import { zoneMarks } from "../../tags";
import { asSeenByZones, compileNeutralRules, INTERNET_PEER } from "../neutral";
import { buildContext, type AwsPlanOptions, type AwsRuleInput, type PlanContext } from "./context";
import { checkDescription, checkNaclNumbers, checkSecurityGroupName, checkTags, AWS_DESCRIPTION_CHARACTERS } from "./limits";
import { planZoneNacl } from "./nacl";
import { checkAwsSctp } from "./protocols";
import { planEgressProxyIngress, planZoneSecurityGroup } from "./security-groups";
import type { AwsRulePlan, AwsZoneRules, NaclEntry, SgRule } from "./types";

/** Flow descriptions go onto rules; returns the keys of flows whose description AWS refuses. */
function checkFlowDescriptions(ctx: PlanContext, issues: IntentIssue[]): Set<string> {
  const bad = new Set<string>();
  for (const f of ctx.input.flows) {
    const found = checkDescription(`${ctx.flowPath(f.key)}.description`, "the flow's description (used on its security-group rules)", f.description, `use only ${AWS_DESCRIPTION_CHARACTERS}`);
    if (found.length) bad.add(f.key);
    issues.push(...found);
  }
  return bad;
}

function checkLimits(ctx: PlanContext, z: AwsZoneRules, badFlows: ReadonlySet<string>, issues: IntentIssue[]): void {
  const path = ctx.zonePath(z.zone);
  for (const dir of ["ingress", "egress"] as const) {
    const entries = z.nacl[dir];
    if (entries.length > ctx.naclEntryLimit) {
      issues.push({
        path,
        value: entries.length,
        message: `zone "${z.zone}" needs ${entries.length} NACL ${dir} entries (final deny included), over the limit of ${ctx.naclEntryLimit} per direction`,
        fix: `merge port ranges or peers of the flows ${dir === "ingress" ? "into" : "out of"} "${z.zone}", or raise the account's NACL quota (at most 40) and pass the new limit (naclEntryLimit / --nacl-limit)${ownDenyNote(entries)}${quarantineNote(entries)}`,
      });
    }
    issues.push(...checkNaclNumbers(`${path} (NACL ${dir})`, entries));
    const rules = z.securityGroup[dir];
    if (rules.length > ctx.sgRuleLimit) {
      issues.push({
        path,
        value: rules.length,
        message: `zone "${z.zone}" needs ${rules.length} security-group ${dir} rules, over the limit of ${ctx.sgRuleLimit} per direction`,
        fix: `merge port ranges or peer CIDRs of the flows ${dir === "ingress" ? "into" : "out of"} "${z.zone}", or raise the account's security-group rule quota and pass it (sgRuleLimit)${dir === "egress" && ctx.proxy.internetBound && z.securityGroup.egress.some((r) => r.flowKeys.some((k) => k.endsWith("->egress-proxy"))) ? `; its egress towards the transparent egress firewall is written as the ${ctx.proxy.sgCidrs.length} blocks of ${ctx.proxy.cidrs.join(", ")} outside the deployment's own ranges (${ctx.ownRanges}), one rule per block and port range, so fewer distinct ports in the zone's allow-list also help` : ""}${dir === "egress" ? internetNote(ctx, rules) : ""}`,
      });
    }
    for (const r of rules) {
      // A refused flow description is reported once, at the flow; this catches the rest.
      if (r.flowKeys.some((k) => badFlows.has(k))) continue;
      issues.push(...checkDescription(`${path} (security-group rule ${r.key})`, "the rule's description", r.description, "shorten or simplify the descriptions of the flows it merges"));
    }
  }
  issues.push(...checkSecurityGroupName(path, z.securityGroup.name));
  issues.push(...checkDescription(path, "the security group's description", z.securityGroup.description, "rename the zone or the intent"));
}

/** Why a NACL holds entries the intent does not list one by one: the own-range denies (and what they keep open). */
function ownDenyNote(entries: readonly NaclEntry[]): string {
  const denies = entries.filter((e) => e.purposes.includes("own-range-deny")).length;
  const kept = entries.filter((e) => e.reasons.some((r) => r.endsWith("(kept open ahead of the own-range deny)"))).length;
  if (!denies) return "";
  return `; ${denies} of the entries deny the deployment's own ranges in front of the internet-wide allows${kept ? ` and ${kept} keep the zone's own flows open ahead of them` : ""} (they keep the internet rules from opening the zone east-west)`;
}

/** A quarantine's denies count against the quota too: said, so that the one fix an incident cannot wait for is named. */
function quarantineNote(entries: readonly NaclEntry[]): string {
  const n = entries.filter((e) => e.purposes.includes("quarantine")).length;
  return n ? `; ${n} of them are the zone's quarantine denies: while the quota is raised, isolate the zone's workloads with the quarantine security group instead (quarantine its workloads, zone/workload)` : "";
}

/** Why a zone's egress to the internet takes many rules: the internet minus the deployment's own ranges. */
function internetNote(ctx: PlanContext, rules: readonly SgRule[]): string {
  if (!rules.some((r) => r.peer.kind === "cidr" && r.peer.name.split("+").includes(INTERNET_PEER))) return "";
  return `; its egress to the internet is written as the ${ctx.internetCidrs.length} blocks of 0.0.0.0/0 outside the deployment's own ranges (${ctx.ownRanges}), one rule per block and port range, so fewer distinct internet ports (a port range instead of single ports) also help`;
}

/** Plans the security groups and NACLs; throws IntentError listing every problem. */
export function planAwsRules(input: AwsRuleInput, options: AwsPlanOptions = {}): AwsRulePlan {
  const issues: IntentIssue[] = [];
  const ctx = buildContext(input, options, issues);
  const neutral = asSeenByZones(compileNeutralRules(input), ctx.proxy.listenPort);
  const badFlows = checkFlowDescriptions(ctx, issues);
  checkAwsSctp(ctx, issues);
  const zones: AwsZoneRules[] = [...ctx.managed.keys()].sort().map((zone) => ({
    zone,
    securityGroup: planZoneSecurityGroup(ctx, zone, neutral),
    nacl: planZoneNacl(ctx, zone, neutral),
  }));
  for (const z of zones) checkLimits(ctx, z, badFlows, issues);
  for (const z of input.zones) {
    issues.push(...checkTags(`${ctx.zonePath(z.name)} (tags)`, zoneMarks("aws", { intent: input.name, zone: z.name, internet: z.internet, egress: z.egress, sensitive: z.sensitive })));
  }
  const hasProxy = neutral.some((r) => r.peer.kind === "proxy");
  const plan: AwsRulePlan = {
    intent: input.name,
    naclEntryLimit: ctx.naclEntryLimit,
    sgRuleLimit: ctx.sgRuleLimit,
    ...(ctx.natZone ? { natZone: ctx.natZone } : {}),
    zones,
    ...(hasProxy ? { egressProxy: { cidrs: [...ctx.proxy.cidrs], mode: ctx.proxy.mode, ...(ctx.proxy.listenPort === undefined ? {} : { listenPort: ctx.proxy.listenPort }), ...(ctx.proxy.internetBound ? { excludedRanges: ctx.ownRanges.toCidrs().map((c) => c.text) } : {}), ingress: planEgressProxyIngress(ctx, neutral) } } : {}),
  };
  if (plan.egressProxy && plan.egressProxy.ingress.length > ctx.sgRuleLimit) {
    issues.push({ path: "egress", value: plan.egressProxy.ingress.length, message: `the egress proxy's security group needs ${plan.egressProxy.ingress.length} ingress rules, over the limit of ${ctx.sgRuleLimit}`, fix: "use fewer distinct ports in the egress allow-lists" });
  }
  if (issues.length) throw new IntentError(dedupe(issues), options.source ?? input.name);
  return plan;
}

function dedupe(issues: IntentIssue[]): IntentIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The AWS rule plan of a whole intent (its own VPC; tenants are planned by their component). */
export function planAwsRulesForIntent(intent: Intent, options: AwsPlanOptions = {}): AwsRulePlan {
  // The caller's blocks first, so that an error's path (ownRanges[i]) is the caller's index.
  // A value that is not a list goes through as it is, for the context to refuse by name.
  const given: unknown = options.ownRanges ?? [];
  const fleet = intent.tenants ? [intent.tenants.pool, intent.tenants.sharedServices.addressSpace] : [];
  const ownRanges = (Array.isArray(given) ? [...(given as string[]), ...fleet] : given) as readonly string[];
  return planAwsRules({ name: intent.name, zones: intent.zones, flows: intent.flows, egress: intent.egress, addresses: planAddresses(intent), ownRanges, ...(intent.quarantine?.length ? { quarantine: intent.quarantine } : {}) }, options);
}
