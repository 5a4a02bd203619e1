/**
 * The fleet isolation pre-check (core/tenants/fleet-isolation) against the full engine on small
 * fleets written by hand as TenantFleet lays them out (a TGW table per attachment, the tenants'
 * tables blackholing the pool, filters letting all private traffic through, so the TGW tables
 * alone decide), with random extra TGW routes, propagations and missing associations: every
 * pair the pre-check clears is one the engine finds closed both ways, and the split analysis
 * (pre-check, then the engine on the open pairs) reports exactly the engine's paths.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { analyseReachability, type Matrix, type NetResource } from "../../../core/reachability";
import { analyseFleetIsolation, precheckFleetIsolation } from "../../../core/tenants/fleet-isolation";
import { previewFleetOffline } from "../../../cli/fleet/offline";
import { res, urnOf } from "../../core/reachability/build";

const T = {
  VPC: "aws:ec2/vpc:Vpc",
  SUBNET: "aws:ec2/subnet:Subnet",
  SG: "aws:ec2/securityGroup:SecurityGroup",
  RT: "aws:ec2/routeTable:RouteTable",
  RTA: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  ROUTE: "aws:ec2/route:Route",
  GATEWAY: "aws:ec2transitgateway/transitGateway:TransitGateway",
  ATTACHMENT: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  TABLE: "aws:ec2transitgateway/routeTable:RouteTable",
  ASSOCIATION: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  PROPAGATION: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  TGW_ROUTE: "aws:ec2transitgateway/route:Route",
} as const;

const POOL = "10.128.0.0/12";
const SHARED = "10.64.0.0/20";
const blockOf = (i: number) => `10.128.${16 * i}.0/20`;
/** Half of the tenant's zone subnet: a route to it opens part of the tenant. */
const subBlockOf = (i: number) => `10.128.${16 * i}.0/25`;

interface ExtraRoute { table: number; dest: string; to: number | "blackhole" }
interface Fleet {
  tenants: number;
  defaults: boolean;
  /** Tenants whose attachment has no association (index). */
  unassociated: number[];
  extra: ExtraRoute[];
  propagations: { table: number; from: number }[];
}

/** VPC index: tenants 0..n-1, shared services n. */
function fleetResources(f: Fleet): NetResource[] {
  const n = f.tenants;
  const name = (v: number) => (v === n ? "shared" : `t${v}`);
  const block = (v: number) => (v === n ? SHARED : blockOf(v));
  type Target = { type: string; name: string };
  const make = (type: string, nm: string, props: Record<string, unknown>, refs: Record<string, Target | Target[] | undefined>): NetResource => {
    const propertyDependencies: Record<string, string[]> = {};
    const all: Record<string, unknown> = { ...props };
    for (const [prop, t] of Object.entries(refs)) {
      if (!t) continue;
      const list = Array.isArray(t) ? t : [t];
      all[prop] = Array.isArray(t) ? list.map((x) => `${x.name}-id`) : `${list[0].name}-id`;
      propertyDependencies[prop] = list.map((x) => urnOf(x.type, x.name));
    }
    return res(type, nm, all, { dependencies: [...new Set(Object.values(propertyDependencies).flat())].sort(), propertyDependencies });
  };
  const out: NetResource[] = [];
  const flag = f.defaults ? "enable" : "disable";
  out.push(res(T.GATEWAY, "tgw", { defaultRouteTableAssociation: flag, defaultRouteTablePropagation: flag }));
  const tgw = { type: T.GATEWAY, name: "tgw" };
  for (let v = 0; v <= n; v++) {
    const id = name(v);
    const tags = v === n ? { "netseg:zone": "services" } : { "netseg:zone": "app", "netseg:tenant": id };
    const vpc = { type: T.VPC, name: `vpc-${id}` };
    out.push(res(T.VPC, `vpc-${id}`, { cidrBlock: block(v) }));
    out.push(make(T.SUBNET, `subnet-${id}`, { cidrBlock: block(v).replace(/\.0\/20$/, ".0/24"), tags }, { vpcId: vpc }));
    out.push(make(T.SUBNET, `transit-${id}`, { cidrBlock: block(v).replace(/\.0\.0\/20$/, ".15.0/28").replace(/\.(\d+)\.0\/20$/, (_, x) => `.${Number(x) + 15}.0/28`) }, { vpcId: vpc }));
    const any = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }];
    out.push(make(T.SG, `sg-${id}`, { ingress: any, egress: any, tags }, { vpcId: vpc }));
    out.push(make(T.RT, `rt-${id}`, {}, { vpcId: vpc }));
    out.push(make(T.RTA, `rta-${id}`, {}, { subnetId: { type: T.SUBNET, name: `subnet-${id}` }, routeTableId: { type: T.RT, name: `rt-${id}` } }));
    out.push(make(T.ROUTE, `route-${id}-to-tgw`, { destinationCidrBlock: "10.0.0.0/8" }, { routeTableId: { type: T.RT, name: `rt-${id}` }, transitGatewayId: tgw }));
    const defaults = { transitGatewayDefaultRouteTableAssociation: f.defaults, transitGatewayDefaultRouteTablePropagation: f.defaults };
    out.push(make(T.ATTACHMENT, `att-${id}`, defaults, { vpcId: vpc, transitGatewayId: tgw, subnetIds: [{ type: T.SUBNET, name: `transit-${id}` }] }));
    out.push(make(T.TABLE, `tgw-rt-${id}`, {}, { transitGatewayId: tgw }));
    if (!f.unassociated.includes(v)) out.push(make(T.ASSOCIATION, `assoc-${id}`, {}, { transitGatewayAttachmentId: { type: T.ATTACHMENT, name: `att-${id}` }, transitGatewayRouteTableId: { type: T.TABLE, name: `tgw-rt-${id}` } }));
  }
  const routes: ExtraRoute[] = [];
  for (let v = 0; v < n; v++) routes.push({ table: v, dest: SHARED, to: n }, { table: v, dest: POOL, to: "blackhole" }, { table: n, dest: blockOf(v), to: v });
  routes.push(...f.extra);
  routes.forEach((r, i) => {
    const target = r.to === "blackhole" ? undefined : { type: T.ATTACHMENT, name: `att-${name(r.to)}` };
    out.push(make(T.TGW_ROUTE, `tgw-route-${i}`, { destinationCidrBlock: r.dest, ...(r.to === "blackhole" ? { blackhole: true } : {}) }, { transitGatewayRouteTableId: { type: T.TABLE, name: `tgw-rt-${name(r.table)}` }, transitGatewayAttachmentId: target }));
  });
  for (const p of f.propagations) out.push(make(T.PROPAGATION, `prop-${name(p.from)}-into-${name(p.table)}`, {}, { transitGatewayAttachmentId: { type: T.ATTACHMENT, name: `att-${name(p.from)}` }, transitGatewayRouteTableId: { type: T.TABLE, name: `tgw-rt-${name(p.table)}` } }));
  return out;
}

function enginePaths(m: Matrix): string[] {
  const by = new Map(m.endpoints.map((e) => [e.id, e]));
  return m.pairs
    .filter((p) => {
      const a = by.get(p.from)?.tenant;
      const b = by.get(p.to)?.tenant;
      return a !== undefined && b !== undefined && a !== b && !p.possible.isEmpty();
    })
    .map((p) => `${p.from} -> ${p.to}`)
    .sort();
}

const base = (tenants: number): Fleet => ({ tenants, defaults: false, unassociated: [], extra: [], propagations: [] });

const fleetArb = fc.integer({ min: 3, max: 4 }).chain((n) => {
  const vpc = fc.integer({ min: 0, max: n });
  const tenant = fc.integer({ min: 0, max: n - 1 });
  const dest = fc.oneof(tenant.map(blockOf), tenant.map(subBlockOf), fc.constantFrom(POOL, "10.0.0.0/8", "0.0.0.0/0", "10.128.0.0/19", SHARED));
  const route = fc.record({ table: vpc, dest, to: fc.oneof(vpc, fc.constant("blackhole" as const)) });
  return fc.record({
    tenants: fc.constant(n),
    defaults: fc.constantFrom(false, false, false, false, true),
    unassociated: fc.uniqueArray(vpc, { maxLength: 1 }),
    // Random routes, and sometimes a pair of tenants routed to each other both ways (block or part of it).
    extra: fc.tuple(fc.array(route, { maxLength: 3 }), fc.option(fc.record({ a: tenant, b: tenant, sub: fc.boolean() }), { freq: 2 })).map(([routes, pair]) =>
      pair ? [...routes, { table: pair.a, dest: pair.sub ? subBlockOf(pair.b) : blockOf(pair.b), to: pair.b }, { table: pair.b, dest: blockOf(pair.a), to: pair.a }] : routes,
    ),
    propagations: fc.array(fc.record({ table: vpc, from: vpc }), { maxLength: 2 }),
  });
});

describe("fleet isolation pre-check vs the full engine", function () {
  this.timeout(600_000);

  it("clears every pair of a well-formed fleet, and the engine agrees (nothing is open)", () => {
    const rs = fleetResources(base(4));
    const pre = precheckFleetIsolation(rs);
    assert.equal(pre.fallback, undefined);
    assert.equal(pre.cleared.length, 6);
    assert.deepEqual(enginePaths(analyseReachability(rs)), []);
    const split = analyseFleetIsolation(rs, { crossCheck: 6 });
    assert.deepEqual(split.crossTenantPaths, []);
    assert.equal(split.engineRuns, 6);
    assert.deepEqual(split.disagreements, []);
  });

  it("a route that opens a pair leaves it to the engine, which finds the path; the other pairs stay cleared", () => {
    const f = { ...base(3), extra: [{ table: 0, dest: subBlockOf(1), to: 1 }, { table: 1, dest: blockOf(0), to: 0 }] };
    const rs = fleetResources(f);
    const pre = precheckFleetIsolation(rs);
    assert.deepEqual(pre.open.map((o) => o.pair), [["t0", "t1"]]);
    assert.match(pre.open[0].why, /routes 10\.128\.16\.0\/25 onwards/);
    const expected = enginePaths(analyseReachability(rs));
    assert.ok(expected.length > 0);
    assert.deepEqual(analyseFleetIsolation(rs).crossTenantPaths, expected);
  });

  it("a blackhole shorter than the opening route does not clear it (longest prefix wins)", () => {
    const f = { ...base(3), extra: [{ table: 2, dest: "10.128.0.0/19", to: 0 }] };
    const pre = precheckFleetIsolation(fleetResources(f));
    assert.ok(pre.open.some((o) => o.pair.join() === "t0,t2"), JSON.stringify(pre.open));
  });

  it("a route the pre-check does not follow (a peering) clears none of that tenant's pairs; the engine judges them", () => {
    const rs = fleetResources(base(3));
    const rt = rs.find((r) => r.name === "rt-t0")!;
    const withPeering = rs.map((r) => (r === rt ? { ...r, props: { ...r.props, routes: [{ cidrBlock: "192.168.0.0/16", vpcPeeringConnectionId: "pcx-0123456789abcdef0" }] } } : r));
    const pre = precheckFleetIsolation(withPeering);
    assert.deepEqual(pre.open.map((o) => o.pair.join()), ["t0,t1", "t0,t2"]);
    assert.match(pre.open[0].why, /goes to a peering target, which the pre-check does not follow/);
    assert.deepEqual(pre.cleared, [["t1", "t2"]]);
    assert.deepEqual(analyseFleetIsolation(withPeering).crossTenantPaths, enginePaths(analyseReachability(withPeering)));
  });

  it("a subnet whose VPC cannot be told clears nothing, and a fleet too large for the engine is then not analysed", () => {
    const rs = fleetResources(base(3)).map((r) => (r.name === "transit-t2" ? { ...r, props: { ...r.props, vpcId: "vpc-outside" }, propertyDependencies: {}, dependencies: [] } : r));
    const pre = precheckFleetIsolation(rs);
    assert.match(pre.fallback!, /the VPC of subnet transit-t2 cannot be told/);
    assert.deepEqual(pre.cleared, []);
    const r = analyseFleetIsolation(rs, { maxEndpoints: 2 });
    assert.equal(r.crossTenantPaths, undefined);
    assert.match(r.notAnalysed!, /the pre-check cannot clear any pair \(the VPC of subnet transit-t2 cannot be told.*above the limit of 2/);
  });

  it("on random fleets: a cleared pair is closed both ways for the engine, and the split analysis gives the engine's paths", () => {
    let cleared = 0;
    let opened = 0;
    fc.assert(
      fc.property(fleetArb, (f) => {
        const rs = fleetResources(f);
        const expected = enginePaths(analyseReachability(rs));
        const pre = precheckFleetIsolation(rs);
        for (const [a, b] of pre.cleared) {
          const between = expected.filter((p) => (p.includes(`aws:${a}/`) && p.includes(`aws:${b}/`)));
          assert.deepEqual(between, [], `pair ${a}/${b} cleared but the engine finds ${between.join(", ")}`);
        }
        cleared += pre.cleared.length;
        opened += expected.length ? 1 : 0;
        assert.deepEqual(analyseFleetIsolation(rs, { crossCheck: pre.cleared.length }).crossTenantPaths, expected);
      }),
      { numRuns: 60, seed: 17 },
    );
    // Not vacuous: both outcomes occurred.
    assert.ok(cleared > 0 && opened > 0, `cleared ${cleared}, fleets with a path ${opened}`);
  });

  it("netseg fleet preview above --max-endpoints: the fixture fleet's pairs are cleared, cross-checked by the engine, and agree with one whole run", async () => {
    const dir = path.resolve(__dirname, "fixture");
    const whole = await previewFleetOffline({ programDir: dir, packs: false });
    const split = await previewFleetOffline({ programDir: dir, packs: false, maxEndpoints: 8, crossCheck: 6 });
    assert.equal(whole.precheck, undefined);
    assert.deepEqual(split.precheck, { tenants: 4, clearedPairs: 6, openPairs: 0, engineRuns: 6, crossChecked: 6, disagreements: 0 });
    assert.equal(split.notAnalysed, undefined);
    assert.deepEqual(split.crossTenantPaths, whole.crossTenantPaths);
  });
});
