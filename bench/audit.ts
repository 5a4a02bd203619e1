/**
 * Benchmark: `netseg audit`'s AWS reading and analysis at the scale of issue 14 (target: an
 * inventory of 20,000 records — security-group rules, network interfaces, NACL entries — read and
 * analysed in under 10 s on 2 cores). `generateAwsInventory` writes the AWS CLI outputs a real
 * account of that size gives (`describe-vpcs`, `-subnets`, `-route-tables`, `-network-acls`,
 * `-security-groups` in pages of 100 groups joined by NextToken, `-network-interfaces`): one
 * VPC, 50 subnets in 10 tiers, one NACL per subnet with 80 entries (40 each way, AWS's raised
 * limit: allows from other subnets on port ranges, a deny of an admin port, the return range), 400 security groups whose rules admit the tier before
 * them by reference, an office range, a prefix list or the world, and interfaces each in one of two
 * roles of its tier (one to three of the tier's groups), one in ten with a public address. Timed from the files on disk (read,
 * parse, convert, join) through `analyseReachability`, in a child process per run so its peak
 * memory is its own; median of three runs.
 * Run: `npx tsx bench/audit.ts` (writes bench/RESULTS-audit.md).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readInventory } from "../core/audit/readers";
import { analyseReachability } from "../core/reachability";
import { rng } from "./reachability-gen";

const RUNS = 3;
const VPC = "vpc-0be0c0000000000001";
const OWNER = "111122223333";

const hex = (prefix: string, n: number) => `${prefix}-0${n.toString(16).padStart(16, "0")}`;

export interface GeneratedInventory {
  /** File name -> the text the AWS CLI would write. */
  readonly files: Record<string, string>;
  readonly records: { sgRules: number; enis: number; naclEntries: number; other: number };
}

/** AWS CLI outputs of one VPC with `subnets` subnets, `groups` groups of `rulesPerGroup` rules, `enis` interfaces and 40 NACL entries per subnet. */
export function generateAwsInventory(opts: { subnets?: number; groups?: number; rulesPerGroup?: number; enis?: number; seed?: number } = {}): GeneratedInventory {
  const { subnets = 50, groups = 400, rulesPerGroup = 20, enis = 8_000, seed = 14 } = opts;
  const rnd = rng(seed); // the same mulberry32 sequence as the other benches, so every run reads the same inventory
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const tiers = 10;
  const tierOf = (i: number) => i % tiers;
  const subnetIds = Array.from({ length: subnets }, (_, i) => hex("subnet", i + 1));
  const cidr = (i: number) => `10.${Math.floor(i / 250)}.${i % 250}.0/24`;
  const groupIds = Array.from({ length: groups }, (_, i) => hex("sg", i + 1));
  const groupsOfTier = (t: number) => groupIds.filter((_, i) => tierOf(i) === t);
  const tag = (k: string, v: string) => [{ Key: k, Value: v }];

  const vpcs = { Vpcs: [{ CidrBlock: "10.0.0.0/8", VpcId: VPC, OwnerId: OWNER, State: "available", IsDefault: false, InstanceTenancy: "default", CidrBlockAssociationSet: [{ AssociationId: "vpc-cidr-assoc-01", CidrBlock: "10.0.0.0/8", CidrBlockState: { State: "associated" } }], Tags: tag("Name", "bench") }] };
  const subnetDoc = { Subnets: subnetIds.map((id, i) => ({ SubnetId: id, VpcId: VPC, CidrBlock: cidr(i), AvailabilityZone: ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3], MapPublicIpOnLaunch: tierOf(i) === 0, State: "available", OwnerId: OWNER, Ipv6CidrBlockAssociationSet: [], Tags: tag("Name", `tier-${tierOf(i)}-${i}`) })) };
  const routeTables = {
    RouteTables: [
      { RouteTableId: "rtb-0b000000000000001", VpcId: VPC, OwnerId: OWNER, Routes: [{ DestinationCidrBlock: "10.0.0.0/8", GatewayId: "local", State: "active", Origin: "CreateRouteTable" }], Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-0b000000000000001", RouteTableId: "rtb-0b000000000000001", AssociationState: { State: "associated" } }] },
      {
        RouteTableId: "rtb-0b000000000000002", VpcId: VPC, OwnerId: OWNER,
        Routes: [{ DestinationCidrBlock: "10.0.0.0/8", GatewayId: "local", State: "active", Origin: "CreateRouteTable" }, { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0b000000000000001", State: "active", Origin: "CreateRoute" }],
        Associations: subnetIds.filter((_, i) => tierOf(i) === 0).map((s, j) => ({ Main: false, RouteTableAssociationId: hex("rtbassoc", 100 + j), RouteTableId: "rtb-0b000000000000002", SubnetId: s, AssociationState: { State: "associated" } })),
      },
    ],
  };
  let naclEntries = 0;
  const entry = (n: number, egress: boolean, action: string, protocol: string, block: string, from?: number, to?: number) => {
    naclEntries++;
    return { RuleNumber: n, Egress: egress, RuleAction: action, Protocol: protocol, CidrBlock: block, ...(from !== undefined ? { PortRange: { From: from, To: to } } : {}) };
  };
  const nacls = {
    NetworkAcls: subnetIds.map((s, i) => {
      const entries: object[] = [entry(10, false, "deny", "6", "0.0.0.0/0", 3389, 3389)];
      // 40 entries each way (AWS's raised limit): 38 inbound allows from other subnets, each a port range, and the return range; 39 outbound allows and one for the rest.
      for (let k = 1; k <= 38; k++) entries.push(entry(100 + k, false, "allow", "6", cidr((i + subnets - k) % subnets), 1024 + k * 50, 1024 + k * 50 + 49));
      entries.push(entry(200, false, "allow", "6", "0.0.0.0/0", 1024, 65535));
      for (let k = 1; k <= 39; k++) entries.push(entry(100 + k, true, "allow", "6", cidr((i + k) % subnets), 0, 65535));
      entries.push(entry(200, true, "allow", "-1", "0.0.0.0/0"));
      entries.push({ RuleNumber: 32767, Egress: false, RuleAction: "deny", Protocol: "-1", CidrBlock: "0.0.0.0/0" }, { RuleNumber: 32767, Egress: true, RuleAction: "deny", Protocol: "-1", CidrBlock: "0.0.0.0/0" });
      return { NetworkAclId: hex("acl", i + 1), VpcId: VPC, OwnerId: OWNER, IsDefault: false, Entries: entries, Associations: [{ NetworkAclAssociationId: hex("aclassoc", i + 1), NetworkAclId: hex("acl", i + 1), SubnetId: s }], Tags: [] };
    }),
  };
  let sgRules = 0;
  const perm = (from: number, to: number, source: object) => {
    sgRules++;
    return { IpProtocol: "tcp", FromPort: from, ToPort: to, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [], ...source };
  };
  const sgs = groupIds.map((id, i) => {
    const t = tierOf(i);
    const before = groupsOfTier((t + tiers - 1) % tiers);
    const ingress: object[] = [];
    for (let k = 0; k < rulesPerGroup - 1; k++) {
      const port = 1024 + Math.floor(rnd() * 2000);
      const r = rnd();
      ingress.push(
        r < 0.6 ? perm(port, port, { UserIdGroupPairs: [{ GroupId: pick(before), UserId: OWNER }] })
          : r < 0.85 ? perm(port, port + 10, { IpRanges: [{ CidrIp: `192.168.${Math.floor(rnd() * 256)}.${16 * Math.floor(rnd() * 16)}/28`, Description: "office" }] })
            : r < 0.95 ? perm(443, 443, { PrefixListIds: [{ PrefixListId: "pl-0b000000000000001" }] })
              : perm(t === 0 ? 443 : 22, t === 0 ? 443 : 22, { IpRanges: [{ CidrIp: "0.0.0.0/0" }] }),
      );
    }
    sgRules++;
    return { GroupId: id, GroupName: `tier-${t}-${i}`, Description: "bench", VpcId: VPC, OwnerId: OWNER, IpPermissions: ingress, IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }], Tags: [] };
  });
  // Pages of 100 groups, each but the last with a NextToken, one after the other in one file.
  const pages: string[] = [];
  for (let p = 0; p < sgs.length; p += 100) pages.push(JSON.stringify({ SecurityGroups: sgs.slice(p, p + 100), ...(p + 100 < sgs.length ? { NextToken: `token-${p + 100}` } : {}) }, null, 4));
  // Two roles per tier, each a set of one to three of the tier's groups (what a team's launch templates give its instances).
  const roles = Array.from({ length: tiers }, (_, t) => Array.from({ length: 2 }, () => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(groupsOfTier(t))))]));
  const interfaces = Array.from({ length: enis }, (_, i) => {
    const s = Math.floor(rnd() * subnets);
    const ip = `${cidr(s).slice(0, -5)}.${10 + (i % 240)}`;
    const groupsOn = pick(roles[tierOf(s)]).map((g) => ({ GroupId: g, GroupName: g }));
    return {
      NetworkInterfaceId: hex("eni", i + 1), SubnetId: subnetIds[s], VpcId: VPC, OwnerId: OWNER, InterfaceType: "interface", Status: "in-use", Description: "", SourceDestCheck: true,
      PrivateIpAddress: ip, PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }], Ipv6Addresses: [], Groups: groupsOn, TagSet: [],
      ...(tierOf(s) === 0 && i % 10 === 0 ? { Association: { IpOwnerId: "amazon", PublicIp: `198.51.${Math.floor(i / 250) % 250}.${i % 250}` } } : {}),
    };
  });
  const files: Record<string, string> = {
    "describe-vpcs.json": JSON.stringify(vpcs, null, 4),
    "describe-subnets.json": JSON.stringify(subnetDoc, null, 4),
    "describe-route-tables.json": JSON.stringify(routeTables, null, 4),
    "describe-network-acls.json": JSON.stringify(nacls, null, 4),
    "describe-security-groups.json": pages.join("\n"),
    "describe-network-interfaces.json": JSON.stringify({ NetworkInterfaces: interfaces }, null, 4),
    "describe-internet-gateways.json": JSON.stringify({ InternetGateways: [{ InternetGatewayId: "igw-0b000000000000001", OwnerId: OWNER, Attachments: [{ State: "available", VpcId: VPC }], Tags: [] }] }, null, 4),
  };
  return { files, records: { sgRules, enis, naclEntries, other: 1 + subnets + 2 + subnets + groups + 1 } };
}

interface Run {
  readMs: number;
  analyseMs: number;
  totalMs: number;
  cpuMs: number;
  maxRssMb: number;
  resources: number;
  skipped: number;
  endpoints: number;
  judged: number;
  pairs: number;
  pairsWithPath: number;
  mb: number;
}

/** One run, in this process (the child's job): files on disk to matrix. */
async function measure(): Promise<Run> {
  const inv = generateAwsInventory();
  const dir = mkdtempSync(path.join(os.tmpdir(), "netseg-bench-audit-"));
  let mb = 0;
  for (const [name, text] of Object.entries(inv.files)) {
    writeFileSync(path.join(dir, name), text);
    mb += Buffer.byteLength(text) / 1e6;
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { results } = await readInventory([dir]);
  const t1 = performance.now();
  const resources = results.flatMap((r) => r.resources);
  const m = analyseReachability(resources);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  rmSync(dir, { recursive: true, force: true });
  return {
    readMs: Math.round(t1 - t0),
    analyseMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    resources: resources.length,
    skipped: results.reduce((n, r) => n + r.skipped.length, 0),
    endpoints: m.endpoints.length,
    judged: m.endpoints.filter((e) => !e.sameAs).length,
    pairs: m.pairs.length,
    pairsWithPath: m.pairs.filter((p) => !p.allowed.isEmpty()).length,
    mb: Math.round(mb * 10) / 10,
  };
}

export async function benchAudit(runs = RUNS): Promise<object> {
  const all: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["-r", "tsx/cjs", __filename, "--child"], { encoding: "utf8", maxBuffer: 1 << 20 });
    all.push(JSON.parse(out.trim().split("\n").pop()!) as Run);
  }
  const median = (f: (r: Run) => number) => [...all].map(f).sort((a, b) => a - b)[Math.floor(all.length / 2)];
  const { records } = generateAwsInventory();
  return {
    records,
    totalRecords: records.sgRules + records.enis + records.naclEntries,
    medianTotalMs: median((r) => r.totalMs),
    medianReadMs: median((r) => r.readMs),
    medianAnalyseMs: median((r) => r.analyseMs),
    runs: all,
    cpus: os.cpus().length,
    loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
    node: process.version,
  };
}

export function auditResultsMarkdown(r: Awaited<ReturnType<typeof benchAudit>> & Record<string, any>): string {
  const runs = r.runs as Run[];
  return [
    "# Benchmark: audit (AWS CLI inventory)",
    "",
    "`npx tsx bench/audit.ts`: `generateAwsInventory()` (bench/audit.ts) writes the AWS CLI outputs of one VPC: 50 subnets in",
    "10 tiers, one NACL per subnet with 80 entries (40 each way; `*` entries besides), 400 security groups of 20 rules (pages",
    "of 100 joined by NextToken in one file) admitting the tier before them by reference, an office /28, a prefix list or the",
    "world, and network interfaces (each with its own private address) in one of two roles of their tier (one to three of the",
    "tier's groups), one in ten of the first tier with a public address. Each run, in a child process of its own,",
    "times `readInventory([folder])` (read, parse, convert, join) and `analyseReachability` on the result.",
    "Target (issue 14): 20,000 records audited in under 10 s on 2 cores.",
    "",
    `Records: ${r.records.sgRules} security-group rules, ${r.records.enis} network interfaces, ${r.records.naclEntries} NACL entries (${r.totalRecords} in all), plus ${r.records.other} VPC, subnet, route-table, NACL, group and gateway records.`,
    "",
    "| run | files MB | resources | not read | endpoints | judged | pairs | pairs with a path | read ms | analyse ms | total ms | CPU ms | max RSS MB |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...runs.map((x, i) => `| ${i + 1} | ${x.mb} | ${x.resources} | ${x.skipped} | ${x.endpoints} | ${x.judged} | ${x.pairs} | ${x.pairsWithPath} | ${x.readMs} | ${x.analyseMs} | ${x.totalMs} | ${x.cpuMs} | ${x.maxRssMb} |`),
    "",
    `Median: read ${r.medianReadMs} ms, analyse ${r.medianAnalyseMs} ms, total ${r.medianTotalMs} ms; CPU ${[...runs].map((x) => x.cpuMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]} ms.`,
    "",
    "Wall time is what the target is about, on a machine that gives the process its cores; where other work shares them (see the",
    "load average), CPU time (user + system of the process, GC threads included) is the closer measure of what an idle",
    "2-core machine would take. Reading (parse, convert, join) is about a tenth of it; the rest is `analyseReachability`",
    "(per pair of judged endpoints, the security-group stage and garbage collection lead a CPU profile).",
    "",
    `Machine: ${r.cpus} CPUs, load average ${r.loadAverage1m} when the run ended (other work shares the cores), node ${r.node}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
  ].join("\n");
}

if (require.main === module) {
  if (process.argv[2] === "--child") {
    measure().then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
  } else {
    benchAudit().then((r) => {
      writeFileSync(path.join(__dirname, "RESULTS-audit.md"), auditResultsMarkdown(r as never));
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    });
  }
}
