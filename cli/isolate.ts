/**
 * `netseg isolate <intent> <target>`: writes a quarantine entry into the intent file (in place,
 * comments and layout kept: core/intent/quarantine-edit.ts) or lifts it (`--lift`), and prints the
 * blast radius before anyone deploys it:
 *
 * - the intended flows the quarantine cuts (or gives back), with both ends and ports, and the
 *   egress allow-lists it suspends;
 * - per platform, the resources the change touches, from the planners (pure, no Pulumi): NACL
 *   entries added or removed (AWS), routes withdrawn, quarantine security groups; firewall rules
 *   (GCP); AdminNetworkPolicies, emptied NetworkPolicies, Istio DENY policies (Kubernetes);
 * - with `--program <dir>`: the program is run under mocks before and after the edit (as `netseg
 *   preview` runs it), and the reachability engine, reading the resources it registers, lists the
 *   flows the quarantine cuts and any path still open to or from the target; the resources are
 *   compared by URN: added, removed, updated (with the inputs that change), renamed (none may be).
 *
 * `--dry-run` prints all of it and leaves the file as it was (with `--program`, the file holds the
 * edit only while the program runs).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { IntentError, endpointKey, parseIntentText, type Flow, type Intent, type Quarantine } from "../core/intent";
import { addQuarantine, liftQuarantine } from "../core/intent/quarantine-edit";
import { planAwsRulesForIntent, type NaclEntry } from "../core/rules/aws";
import { planGcpNetwork } from "../core/rules/gcp";
import { k8sPlanObjects, planK8s } from "../core/rules/k8s";
import { formatPortSpec } from "../core/net";
import { analyseReachability, compareWithIntent, type NetResource } from "../core/reachability";
import { loadProject } from "./preview/project";
import { runProgram } from "./preview/program";

export interface IsolateOptions {
  readonly reason?: string;
  readonly since?: string;
  readonly dns?: "keep" | "cut";
  readonly lift?: boolean;
  readonly dryRun?: boolean;
  /** A Pulumi program that reads the intent file: run under mocks before and after the edit. */
  readonly program?: string;
  readonly stack?: string;
}

export interface IsolateOutput {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: IsolateOutput = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Now, to the second, as the `since` of a new quarantine. */
export function isoNow(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const under = (q: Pick<Quarantine, "zone" | "workload">, e: Flow["from"]) => e.kind === "zone" && e.zone === q.zone && (q.workload === undefined || e.workload === q.workload || e.workload === undefined);

/**
 * The intent flows a quarantine touches: those with an end in the target. A flow naming the whole
 * zone of a quarantined workload is touched too (the workload's share of it is cut).
 */
export function flowsTouched(intent: Intent, q: Pick<Quarantine, "zone" | "workload">): Flow[] {
  return intent.flows.filter((f) => under(q, f.from) || under(q, f.to));
}

function flowLine(f: Flow): string {
  return `${endpointKey(f.from)} -> ${endpointKey(f.to)} on ${f.ports.map(formatPortSpec).join(", ")}`;
}

const entryText = (e: NaclEntry) => `${e.direction} rule ${e.ruleNumber} ${e.action} ${e.protocol === "-1" ? "all" : e.protocol}${e.protocol === "tcp" || e.protocol === "udp" ? ` ${e.fromPort}-${e.toPort}` : ""} ${e.cidr}`;

/** Per platform, what the planners change between the two intents (lines to print). */
export function resourceChanges(before: Intent, after: Intent, q: Quarantine): Record<"aws" | "gcp" | "k8s", string[]> {
  const out = { aws: [] as string[], gcp: [] as string[], k8s: [] as string[] };
  const sign = (added: boolean) => (added ? "+" : "-");
  try {
    const [a, b] = [planAwsRulesForIntent(before), planAwsRulesForIntent(after)];
    for (const zb of b.zones) {
      const za = a.zones.find((z) => z.zone === zb.zone);
      if (!za) continue;
      for (const dir of ["ingress", "egress"] as const) {
        const key = (e: NaclEntry) => JSON.stringify({ ...e, reasons: [] });
        const was = new Set(za.nacl[dir].map(key));
        const now = new Set(zb.nacl[dir].map(key));
        for (const e of zb.nacl[dir]) if (!was.has(key(e))) out.aws.push(`+ NACL of zone ${zb.zone}: ${entryText(e)} (an update of the NetworkAcl, in place; no entry renumbered)`);
        for (const e of za.nacl[dir]) if (!now.has(key(e))) out.aws.push(`- NACL of zone ${za.zone}: ${entryText(e)} (an update of the NetworkAcl, in place)`);
      }
    }
    const zone = before.zones.find((z) => z.name === q.zone)!;
    const adding = (after.quarantine ?? []).some((x) => x.target === q.target);
    if (q.workload === undefined) {
      if (zone.egress === "nat" && zone.internet !== "inbound") out.aws.push(`${sign(!adding)} default route of zone ${q.zone} to its NAT gateway, in each AZ's route table (aws.ec2.Route ${adding ? "deleted" : "created again, same name"})`);
      if (zone.egress === "proxy") out.aws.push(`${sign(!adding)} with EgressProxy backend network-firewall: zone ${q.zone}'s default route to the firewall endpoint, per AZ (aws.ec2.Route ${adding ? "deleted" : "created again, same name"}); with proxy-fleet, nothing routes: the NACL denies its traffic to the proxy`);
      if (zone.internet === "inbound") out.aws.push(`  zone ${q.zone} keeps its internet-gateway route (its NACL denies the traffic); if it holds the NAT gateways, every zone with egress nat loses the internet while it is quarantined: ${before.zones.filter((z) => z.egress === "nat" && z.internet !== "inbound").map((z) => z.name).join(", ") || "none here"}`);
    } else out.aws.push(`${sign(adding)} security group quarantine-${q.zone}-${q.workload} (no rules; exported as quarantineSecurityGroupIds["${q.target}"]): replace the workload's security groups with it alone (security groups add up: attached next to others it cuts nothing)`);
    if (q.dns === "cut") out.aws.push("  dns: cut is not enforced on AWS: NACLs and security groups never filter the Route 53 Resolver (VPC+2); use Route 53 Resolver DNS Firewall");
  } catch (e) {
    out.aws.push(`not planned: ${firstLine(e)}`);
  }
  try {
    const opts = { regions: ["us-central1"] };
    const [a, b] = [planGcpNetwork(before, opts), planGcpNetwork(after, opts)];
    const names = (p: typeof a) => new Set(p.firewallRules.map((r) => r.name));
    const [na, nb] = [names(a), names(b)];
    for (const r of b.firewallRules) if (!na.has(r.name)) out.gcp.push(`+ firewall rule ${r.name}: ${r.direction} ${r.action} all, priority ${r.priority}${r.targetTags ? `, target tag ${r.targetTags.join(", ")} (add it to the workload's instances)` : ""}`);
    for (const r of a.firewallRules) if (!nb.has(r.name)) out.gcp.push(`- firewall rule ${r.name}`);
    if (q.dns === "cut") out.gcp.push("  dns: cut is not enforced on GCP: traffic to the metadata server (169.254.169.254, which answers DNS) is never subject to VPC firewall rules");
  } catch (e) {
    out.gcp.push(`not planned: ${firstLine(e)}`);
  }
  for (const [mode, options] of [["NetworkPolicy", {}], ["clusterGuardrails", { clusterGuardrails: true }]] as const) {
    try {
      const where = (m: { name: string; namespace?: string }) => `${m.namespace ? `${m.namespace}/` : ""}${m.name}`;
      const objects = (i: Intent) => new Map(k8sPlanObjects(planK8s(i, options)).map((o) => [`${o.kind} ${where(o.metadata)}`, JSON.stringify(o)]));
      const [a, b] = [objects(before), objects(after)];
      for (const [k, v] of b) if (!a.has(k)) out.k8s.push(`[${mode}] + ${k}`);
        else if (a.get(k) !== v) out.k8s.push(`[${mode}] ~ ${k} (updated in place: ${adds(after, q) ? "its rules emptied while quarantined" : "its rules restored"})`);
      for (const k of a.keys()) if (!b.has(k)) out.k8s.push(`[${mode}] - ${k}`);
    } catch (e) {
      out.k8s.push(`[${mode}] not planned: ${firstLine(e)}`);
    }
  }
  return out;
}

const adds = (after: Intent, q: Quarantine) => (after.quarantine ?? []).some((x) => x.target === q.target);

function firstLine(e: unknown): string {
  const text = e instanceof IntentError ? (e.issues[0] ? `${e.issues[0].path}: ${e.issues[0].message}` : e.message) : e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

/** The blast radius as text: flows cut or given back, allow-lists, resources per platform. */
export function blastRadius(before: Intent, after: Intent, q: Quarantine): string {
  const adding = adds(after, q);
  const flows = flowsTouched(before, q);
  const lines: string[] = [];
  lines.push(`${adding ? "Quarantine of" : "Lifting the quarantine of"} ${q.target}${adding ? ` (since ${q.since}: ${q.reason}; dns ${q.dns})` : ""}`);
  lines.push(`Intended flows ${adding ? "cut" : "given back"} (${flows.length}):`);
  for (const f of flows) lines.push(`  ${flowLine(f)}${f.description && !f.description.startsWith("netseg flow ") ? `  (${f.description})` : ""}`);
  const egress = before.egress.filter((e) => e.zone === q.zone && (q.workload === undefined || e.workload === undefined || e.workload === q.workload));
  for (const e of egress) lines.push(`  ${e.workload ? `${e.zone}/${e.workload}` : e.zone} -> egress allow-list ${e.destinations.map((d) => `${d.host}:${d.port}`).join(", ")} ${adding ? "suspended" : "restored"}`);
  if (!flows.length && !egress.length) lines.push("  none: the intent gives the target no flow");
  const changes = resourceChanges(before, after, q);
  lines.push("Resources that change (planned; deploy with pulumi up):");
  for (const [platform, list] of Object.entries(changes)) {
    lines.push(`  ${platform}:`);
    for (const l of list.length ? list : ["nothing"]) lines.push(`    ${l}`);
  }
  return lines.join("\n") + "\n";
}

interface Recorded {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly id?: string;
  readonly parent?: string;
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
}

/** Resources compared by URN: what a deployment of the edit adds, removes and updates. */
export function compareRecorded(before: readonly Recorded[], after: readonly Recorded[]): { added: string[]; removed: string[]; updated: { urn: string; inputs: string[] }[]; unchanged: number } {
  const custom = (rs: readonly Recorded[]) => new Map(rs.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => [r.urn, r]));
  const [a, b] = [custom(before), custom(after)];
  const added = [...b.keys()].filter((u) => !a.has(u)).sort();
  const removed = [...a.keys()].filter((u) => !b.has(u)).sort();
  const updated: { urn: string; inputs: string[] }[] = [];
  let unchanged = 0;
  for (const [urn, r] of b) {
    const prior = a.get(urn);
    if (!prior) continue;
    const keys = [...new Set([...Object.keys(prior.inputs), ...Object.keys(r.inputs)])].filter((k) => JSON.stringify(prior.inputs[k]) !== JSON.stringify(r.inputs[k])).sort();
    if (keys.length) updated.push({ urn, inputs: keys });
    else unchanged++;
  }
  return { added, removed, updated: updated.sort((x, y) => (x.urn < y.urn ? -1 : 1)), unchanged };
}

async function recordOnce(programDir: string, stack: string | undefined): Promise<Recorded[]> {
  const result = await runProgram(loadProject(programDir, stack));
  return result.resources as Recorded[];
}

const shortUrn = (u: string) => u.slice(u.lastIndexOf("::") + 2);

/** Runs the command; returns the exit code (0 done, 1 bad input, 2 the quarantine does not hold in the program). */
export async function runIsolateCommand(intentPath: string, target: string, options: IsolateOptions = {}, io: IsolateOutput = STDIO): Promise<number> {
  let text: string;
  try {
    text = readFileSync(intentPath, "utf8");
  } catch (e) {
    io.err(`netseg isolate: cannot read ${intentPath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (options.dns !== undefined && options.dns !== "keep" && options.dns !== "cut") {
    io.err(`netseg isolate: --dns must be keep or cut (got ${JSON.stringify(options.dns)})\n`);
    return 1;
  }
  let next: string;
  let before: Intent;
  let after: Intent;
  let q: Quarantine;
  try {
    before = parseIntentText(text, intentPath);
    if (options.lift) {
      next = liftQuarantine(text, target, intentPath);
    } else {
      if (!options.reason?.trim()) {
        io.err("netseg isolate: --reason is required: the quarantine records why (an incident id, a ticket), for whoever reads the rules and lifts it\n");
        return 1;
      }
      next = addQuarantine(text, { target, reason: options.reason, since: options.since ?? isoNow(), ...(options.dns ? { dns: options.dns } : {}) }, intentPath);
    }
    after = parseIntentText(next, intentPath);
    // The entry as it stands where it exists: before a lift, after a quarantine.
    q = (options.lift ? before : after).quarantine!.find((x) => x.target === target)!;
  } catch (e) {
    if (e instanceof IntentError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  io.out(blastRadius(before, after, q));

  let code = 0;
  if (options.program) {
    const recordedBefore = await recordOnce(options.program, options.stack);
    writeFileSync(intentPath, next);
    let recordedAfter: Recorded[];
    try {
      recordedAfter = await recordOnce(options.program, options.stack);
    } finally {
      if (options.dryRun) writeFileSync(intentPath, text);
    }
    const diff = compareRecorded(recordedBefore, recordedAfter);
    const kept = recordedBefore.filter((r) => r.custom && !r.type.startsWith("pulumi:")).length - diff.removed.length;
    io.out(`Program ${options.program} under mocks, before and after: ${diff.added.length} created, ${diff.removed.length} deleted, ${diff.updated.length} updated (same URN, inputs below), ${diff.unchanged} unchanged; ${kept} resources keep their URN${diff.removed.length ? "" : " (all of them)"}\n`);
    for (const u of diff.added) io.out(`  + ${shortUrn(u)}\n`);
    for (const u of diff.removed) io.out(`  - ${shortUrn(u)}\n`);
    for (const u of diff.updated) io.out(`  ~ ${shortUrn(u.urn)} (${u.inputs.join(", ")})\n`);
    const net: NetResource[] = recordedAfter.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => ({ type: r.type, urn: r.urn, name: r.name, inputs: r.inputs, id: r.id, parent: r.parent, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies }));
    const matrix = analyseReachability(net, { intents: [{ intent: after }] });
    const report = compareWithIntent(matrix, after);
    io.out(`Reachability engine, after the edit: ${report.cutByQuarantine.length} pair${report.cutByQuarantine.length === 1 ? "" : "s"} cut by a quarantine, ${report.quarantineBreaches.length} path${report.quarantineBreaches.length === 1 ? "" : "s"} through one\n`);
    for (const f of report.cutByQuarantine) io.out(`  cut: ${f.from} -> ${f.to} on ${f.traffic} (${f.flows.join(", ")})\n`);
    for (const f of report.quarantineBreaches) io.out(`  OPEN: ${f.message}\n`);
    for (const n of report.quarantineNotJudged) io.out(`  ${n}\n`);
    if (report.quarantineBreaches.length) code = 2;
  } else if (!options.dryRun) writeFileSync(intentPath, next);
  io.err(options.dryRun ? `dry run: ${intentPath} left as it was\n` : `${options.lift ? "lifted the quarantine of" : "quarantined"} ${target} in ${intentPath}; deploy it (pulumi up) to apply\n`);
  return code;
}

export function registerIsolateCommand(program: Command): void {
  program
    .command("isolate")
    .description("quarantine a zone or zone/workload in the intent file (or lift it) and print the blast radius")
    .argument("<intent>", "the intent file (YAML or JSON); edited in place, comments and layout kept")
    .argument("<target>", "a managed zone, or zone/workload")
    .option("--reason <text>", "why (an incident id, a ticket); required to quarantine")
    .option("--since <iso-date>", "when the quarantine began (default: now, UTC)")
    .addOption(new Option("--dns <mode>", "keep the target's DNS or cut it too (default keep)").choices(["keep", "cut"]))
    .option("--lift", "remove the target's quarantine entry instead")
    .option("--dry-run", "print the blast radius, leave the file as it was")
    .option("--program <dir>", "a Pulumi program reading this intent: run under mocks before and after, compare its resources and hold it to the quarantine")
    .option("-s, --stack <name>", "the program's stack config to use")
    .action(async (intentPath: string, target: string, opts: IsolateOptions) => {
      process.exitCode = await runIsolateCommand(intentPath, target, opts);
    });
}
