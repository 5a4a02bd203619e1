/**
 * Random small AWS stacks for the soundness test (../stack-soundness-aws.test.ts): the
 * generator's picks (`rawStackOf`) and the valid stack they stand for (`buildSpec`). Picks are
 * indices taken modulo what exists, so every pick is valid and shrinks towards the first.
 */
import fc from "fast-check";
import { vpcCidr, type AwsSpec, type NaclEntrySpec, type NaclSpec, type RouteTableSpec, type SgRuleSpec, type SgSpec, type SubnetSpec } from "./aws-stack";
import { PUBLIC_CIDRS } from "./internet";
import type { PortRule } from "./traffic";

const ZONES_BY_VPC = [["a", "b"], ["c"]];
const PORT_VALUES = [0, 22, 53, 80, 443, 1023, 1024, 5432, 8080, 32768, 60999, 65535];

const portRule: fc.Arbitrary<PortRule> = fc
  .record({ protocol: fc.constantFrom("tcp" as const, "udp" as const, "-1" as const, "icmp" as const), a: fc.nat(PORT_VALUES.length - 1), b: fc.nat(PORT_VALUES.length - 1) })
  .map(({ protocol, a, b }) =>
    protocol === "-1" ? { protocol, fromPort: 0, toPort: 0 } : protocol === "icmp" ? { protocol, fromPort: -1, toPort: -1 } : { protocol, fromPort: PORT_VALUES[Math.min(a, b)], toPort: PORT_VALUES[Math.max(a, b)] },
  );

/** A rule's peer: an index into the stack's CIDR list, a group (index into its groups), or `self`. */
const cidrPick = fc.record({ local: fc.boolean(), i: fc.nat() });
const peerPick = fc.oneof(cidrPick.map((cidr) => ({ cidr })), fc.nat().map((group) => ({ group })), fc.constant({ self: true as const }));
const rawSgRule = fc.record({ ports: portRule, peer: peerPick });
/** `open`: the usual broad rules on top (0 none, 1 all egress, 2 all egress and all ingress from 10.0.0.0/8). */
const rawSg = fc.record({ ingress: fc.array(rawSgRule, { maxLength: 3 }), egress: fc.array(rawSgRule, { maxLength: 3 }), open: fc.constantFrom(0, 0, 1, 2), second: fc.boolean() });
type RawSg = typeof rawSg extends fc.Arbitrary<infer T> ? T : never;
/** Groups whose rules name only address blocks, and few of them: what one subnet may do and another not. */
const narrowSg: fc.Arbitrary<RawSg> = fc.record({ ingress: fc.array(fc.record({ ports: portRule, peer: cidrPick.map((cidr) => ({ cidr })) }), { maxLength: 2 }), egress: fc.array(fc.record({ ports: portRule, peer: cidrPick.map((cidr) => ({ cidr })) }), { maxLength: 2 }), open: fc.constant(0 as const), second: fc.constant(false) });
const rawEntry = fc.record({ ruleNo: fc.integer({ min: 1, max: 20 }), action: fc.constantFrom("allow" as const, "deny" as const), ports: portRule, cidr: cidrPick });
/** Usual tails: none, allow everything, or allow replies from anywhere and everything private. */
const rawSide = fc.record({ entries: fc.array(rawEntry, { maxLength: 4 }), tail: fc.constantFrom(0, 1, 2) });
const rawNacl = fc.record({ ingress: rawSide, egress: rawSide });
const rawRt = fc.record({ default: fc.constantFrom("none", "igw", "nat"), peer: fc.boolean(), specific: fc.constantFrom("none", "pcx-subnet", "igw-subnet", "igw-public", "nat-public") });
interface RawInstance {
  readonly subnet: number;
  readonly host: number;
  readonly picks: readonly number[];
  readonly own: RawSg | undefined;
  readonly publicIp: boolean;
}
/** Instances: a subnet, a host number, groups of their VPC picked by index, a group of their own or not, a public IP or not. */
const rawInstance = (sg: fc.Arbitrary<RawSg>): fc.Arbitrary<RawInstance> => fc.record({ subnet: fc.nat(), host: fc.integer({ min: 4, max: 14 }), picks: fc.array(fc.nat(), { maxLength: 2 }), own: fc.option(sg, { nil: undefined }), publicIp: fc.boolean() });
/**
 * Instances alike but for their addresses: all in the first subnet with the same group, so the
 * engine judges them as one equivalence class unless some rule tells their addresses apart.
 */
const alikeInstances: fc.Arbitrary<RawInstance[]> = fc.array(fc.record({ subnet: fc.constant(0), host: fc.integer({ min: 4, max: 14 }), picks: fc.constant([0]), own: fc.constant(undefined), publicIp: fc.boolean() }), { minLength: 2, maxLength: 4 });
/**
 * The stack's picks. `spread`: one VPC whose zones span several subnets, rules naming blocks of
 * those subnets (where NACLs shared between subnets of one zone matter); `alike`: that, with
 * instances alike but for their addresses; otherwise anything.
 */
export const rawStackOf = (mode: "any" | "spread" | "alike") => {
  const spread = mode !== "any";
  return fc.record({
    vpcs: spread ? fc.constant(1) : fc.integer({ min: 1, max: 2 }),
    subnets: fc.array(fc.record({ vpc: fc.nat(1), zone: spread ? fc.integer({ min: 1, max: 2 }) : fc.nat(2), nacl: fc.nat(2), rt: fc.nat(2) }), { minLength: spread ? 2 : 1, maxLength: 4 }),
    sgs: fc.array(mode === "spread" ? narrowSg : rawSg, { minLength: 8, maxLength: 8 }),
    nacls: fc.array(rawNacl, { minLength: 4, maxLength: 4 }),
    rts: fc.array(rawRt, { minLength: 4, maxLength: 4 }),
    ephemeral: fc.constantFrom<[number, number]>([1024, 65535], [32768, 60999], [1024, 65535], [5000, 6000]),
    localBias: fc.constant(spread),
    instances: mode === "alike" ? alikeInstances : fc.array(rawInstance(spread ? narrowSg : rawSg), { maxLength: 3 }),
  });
};
export const rawStack = rawStackOf("any");
export type RawStack = typeof rawStack extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];

/** Turns the generator's picks into a valid stack: groups, NACLs and tables of a subnet's own VPC. */
export function buildSpec(raw: RawStack): AwsSpec {
  const subnets: SubnetSpec[] = raw.subnets.map((s, i) => {
    const vpc = s.vpc % raw.vpcs;
    const zone = s.zone === 0 ? undefined : pick(ZONES_BY_VPC[vpc], s.zone - 1);
    return { name: zone ? `${zone}${i}` : `u${i}`, vpc, cidr: `10.${vpc}.${i}.0/28`, ...(zone ? { zone } : {}), ...(s.nacl ? { nacl: `acl${vpc}${s.nacl}` } : {}), ...(s.rt ? { rt: `rt${vpc}${s.rt}` } : {}) };
  });
  const wide = [...PUBLIC_CIDRS, "10.0.0.0/8", ...Array.from({ length: raw.vpcs }, (_, v) => vpcCidr(v))];
  // Blocks of the subnets: whole, halves, a pair and a single address (usable ones: AWS reserves .0-.3 and .15).
  const local = subnets.flatMap((s) => {
    const base = s.cidr.slice(0, s.cidr.lastIndexOf(".") + 1);
    return [s.cidr, `${base}0/29`, `${base}8/29`, `${base}6/31`, `${base}9/32`];
  });
  const cidrOf = (c: { local: boolean; i: number }) => (c.local || raw.localBias ? pick(local, c.i) : pick(wide, c.i));
  // Owners of groups: each zone, and each VPC's untagged subnets; each takes one or two groups of the pool.
  const owners = [...new Set(subnets.map((s) => (s.zone ? `zone:${s.zone}:${s.vpc}` : `vpc:${s.vpc}`)))].sort();
  const shells: { name: string; vpc: number; zone?: string; raw: (typeof raw.sgs)[number] }[] = [];
  owners.forEach((o, k) => {
    const [kind, x, v] = o.split(":");
    const vpc = Number(kind === "zone" ? v : x);
    const zone = kind === "zone" ? x : undefined;
    const label = zone ?? `u${vpc}`;
    shells.push({ name: `sg-${label}`, vpc, ...(zone ? { zone } : {}), raw: raw.sgs[2 * k] });
    if (raw.sgs[2 * k].second) shells.push({ name: `sg-${label}-2`, vpc, ...(zone ? { zone } : {}), raw: raw.sgs[2 * k + 1] });
  });
  // Instances at distinct addresses, each with groups of its VPC and perhaps one of its own (a zone-less group).
  const taken = new Set<string>();
  const placedInstances = raw.instances.flatMap((r, i) => {
    const subnet = pick(subnets, r.subnet);
    const ip = `${subnet.cidr.slice(0, subnet.cidr.lastIndexOf(".") + 1)}${r.host}`;
    if (taken.has(ip)) return [];
    taken.add(ip);
    const name = `vm${i}`;
    const mine = shells.filter((g) => g.vpc === subnet.vpc);
    const picked = mine.length ? [...new Set(r.picks.map((k) => pick(mine, k).name))] : [];
    if (r.own) shells.push({ name: `sg-${name}`, vpc: subnet.vpc, raw: r.own });
    return [{ name, subnet: subnet.name, ip, sgs: [...picked, ...(r.own ? [`sg-${name}`] : [])], publicIp: r.publicIp }];
  });
  const sgRule = (r: (typeof raw.sgs)[number]["ingress"][number]): SgRuleSpec => ({
    ...r.ports,
    cidrs: "cidr" in r.peer ? [cidrOf(r.peer.cidr)] : [],
    groups: "group" in r.peer ? [pick(shells, r.peer.group).name] : [],
    self: "self" in r.peer,
  });
  const all = (cidr: string): SgRuleSpec => ({ protocol: "-1", fromPort: 0, toPort: 0, cidrs: [cidr], groups: [], self: false });
  const sgs: SgSpec[] = shells.map((s) => ({
    name: s.name,
    vpc: s.vpc,
    ...(s.zone ? { zone: s.zone } : {}),
    ingress: [...s.raw.ingress.map(sgRule), ...(s.raw.open === 2 ? [all("10.0.0.0/8")] : [])],
    egress: [...s.raw.egress.map(sgRule), ...(s.raw.open > 0 ? [all("0.0.0.0/0")] : [])],
  }));
  const side = (s: RawStack["nacls"][number]["ingress"]): NaclEntrySpec[] => {
    const seen = new Set<number>();
    const out: NaclEntrySpec[] = s.entries
      .filter((e) => !seen.has(e.ruleNo) && seen.add(e.ruleNo))
      .map((e) => ({ ...e.ports, ruleNo: e.ruleNo * 10, action: e.action, cidr: cidrOf(e.cidr) }));
    if (s.tail === 1) out.push({ protocol: "-1", fromPort: 0, toPort: 0, ruleNo: 300, action: "allow", cidr: "0.0.0.0/0" });
    if (s.tail === 2) out.push({ protocol: "tcp", fromPort: 1024, toPort: 65535, ruleNo: 300, action: "allow", cidr: "0.0.0.0/0" }, { protocol: "-1", fromPort: 0, toPort: 0, ruleNo: 310, action: "allow", cidr: "10.0.0.0/8" });
    return out;
  };
  const used = [...new Set(subnets.flatMap((s) => (s.nacl ? [s.nacl] : [])))].sort();
  const nacls: NaclSpec[] = used.map((name) => {
    const vpc = Number(name[3]);
    const r = raw.nacls[2 * vpc + Number(name[4]) - 1];
    return { name, vpc, ingress: side(r.ingress), egress: side(r.egress) };
  });
  const usedRts = [...new Set(subnets.flatMap((s) => (s.rt ? [s.rt] : [])))].sort();
  const rts: RouteTableSpec[] = usedRts.map((name) => {
    const vpc = Number(name[2]);
    const r = raw.rts[2 * vpc + Number(name[3]) - 1];
    const other = 1 - vpc;
    const routes: RouteTableSpec["routes"][number][] = [];
    if (r.default !== "none") routes.push({ cidr: "0.0.0.0/0", target: r.default as "igw" | "nat" });
    if (r.peer && raw.vpcs > 1) routes.push({ cidr: vpcCidr(other), target: "pcx" });
    const otherSubnet = subnets.find((s) => s.vpc === other);
    if (r.specific === "pcx-subnet" && raw.vpcs > 1 && otherSubnet) routes.push({ cidr: otherSubnet.cidr, target: "pcx" });
    // A more specific route sending one subnet of the other VPC elsewhere than the peering (dropped there).
    if (r.specific === "igw-subnet" && raw.vpcs > 1 && otherSubnet) routes.push({ cidr: otherSubnet.cidr, target: "igw" });
    if (r.specific === "igw-public") routes.push({ cidr: "203.0.113.0/25", target: "igw" });
    if (r.specific === "nat-public") routes.push({ cidr: "203.0.113.0/25", target: "nat" });
    return { name, vpc, routes };
  });
  return { vpcs: raw.vpcs, subnets, sgs, nacls, rts, instances: placedInstances };
}
