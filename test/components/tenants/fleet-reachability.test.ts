/**
 * Tenant isolation checked across the stacks of a fleet: the transit stack and two shard stacks
 * are registered separately under the mocks (each shard given the transit stack's ids, as its
 * StackReference would read them), their URNs put under their own stack names, joined with
 * joinFleetStacks and analysed as one. No tenant reaches a tenant of another shard; every tenant
 * reaches shared services; and a TGW route added in one shard's tenant table towards a tenant of
 * the other shard (with the return route) opens exactly that path.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, type RecordedResource } from "../../mocks";
setupMocks();
import { TenantFleetShard, TenantFleetTransit } from "../../../components/aws/tenants";
import { parseIntent } from "../../../core/intent";
import { analyseReachability, type Matrix, type NetResource } from "../../../core/reachability";
import { joinFleetStacks } from "../../../core/tenants";
import { fleetInput } from "../../core/tenants/fixtures";

const AZS = ["us-east-1a", "us-east-1b"];
const TGW_ROUTE = "aws:ec2transitgateway/route:Route";
const TGW_RT = "aws:ec2transitgateway/routeTable:RouteTable";
const ATTACH = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";

/** Recorded resources as if from stack `stack` (the recorder's URNs name the test stack). */
function asStack(stack: string, rs: readonly RecordedResource[]): NetResource[] {
  const fix = (u: string | undefined) => u?.replace(/^urn:pulumi:test::/, `urn:pulumi:${stack}::`);
  return rs.map((r) => ({ type: r.type, name: r.name, urn: fix(r.urn)!, parent: fix(r.parent), inputs: r.inputs, id: r.id }));
}

async function record(build: () => void): Promise<RecordedResource[]> {
  await settle();
  resetRecorded();
  build();
  await settle();
  return [...recorded()];
}

/** Cross-tenant pairs with any possible traffic. */
function crossing(m: Matrix): string[] {
  const by = new Map(m.endpoints.map((e) => [e.id, e]));
  return m.pairs.filter((p) => by.get(p.from)!.tenant && by.get(p.to)!.tenant && by.get(p.from)!.tenant !== by.get(p.to)!.tenant && !p.possible.isEmpty()).map((p) => `${p.from} -> ${p.to}`);
}

describe("tenant fleet reachability across stacks (transit + two shards, joined by ids)", function () {
  this.timeout(300_000);
  const intent = parseIntent(fleetInput(4, { pin: true }));
  let stacks: { stack: string; resources: NetResource[] }[];

  before(async () => {
    const transitRs = await record(() => new TenantFleetTransit("fleet", { intent, availabilityZoneNames: AZS }));
    const id = (type: string, name: string) => transitRs.find((r) => r.type === type && r.name === name)!.id!;
    const transit = { transitGatewayId: id("aws:ec2transitgateway/transitGateway:TransitGateway", "fleet-tgw"), sharedRouteTableId: id(TGW_RT, "fleet-shared-services"), sharedAttachmentId: id(ATTACH, "fleet-shared-services") };
    stacks = [{ stack: "transit", resources: asStack("transit", transitRs) }];
    for (const shard of [0, 1]) {
      const rs = await record(() => new TenantFleetShard("fleet", { intent, shardSize: 2, shard, transit, availabilityZoneNames: AZS, layout: "lean" }));
      stacks.push({ stack: `shard-${shard}`, resources: asStack(`shard-${shard}`, rs) });
    }
  });

  it("joins the stacks: shard-level ids both shards define are made unique per stack; cross-stack ids kept", () => {
    const joined = joinFleetStacks(stacks);
    assert.ok(joined.renamedIds.length > 0 && joined.renamedIds.every((r) => r.stacks.join() === "shard-0,shard-1"), JSON.stringify(joined.renamedIds));
    assert.deepEqual(joined.ambiguousReferences, []);
    const tgwId = stacks[0].resources.find((r) => r.name === "fleet-tgw")!.id;
    assert.ok(joined.resources.filter((r) => r.type === ATTACH && r.inputs!.transitGatewayId === tgwId).length === 5, "every attachment names the transit stack's gateway");
  });

  it("no tenant reaches a tenant in another shard (or its own shard); every tenant zone reaches shared services", () => {
    const m = analyseReachability(joinFleetStacks(stacks).resources);
    assert.equal(new Set(m.endpoints.filter((e) => e.tenant).map((e) => e.tenant)).size, 4);
    assert.deepEqual(crossing(m), []);
    const shared = m.endpoints.filter((e) => !e.tenant && e.zone === "services").map((e) => e.id);
    assert.ok(shared.length === 1, JSON.stringify(m.endpoints.map((e) => e.id)));
    for (const e of m.endpoints.filter((x) => x.tenant)) assert.ok(!m.pairs.find((p) => p.from === e.id && p.to === shared[0])!.possible.isEmpty(), `${e.id} reaches shared services`);
  });

  /**
   * t001 (shard-0) and t003 (shard-1) with their app zones' filters opened to each other and VPC
   * routes to the gateway both ways, so only the TGW tables stand between them; with `tgw`, each
   * tenant's TGW table also routes the other's block to the other's attachment (across stacks).
   */
  function opened(tgw: { from001: boolean; from003: boolean }) {
    const tgwId = stacks[0].resources.find((r) => r.name === "fleet-tgw")!.id!;
    const [s0, s1] = [[...stacks[1].resources], [...stacks[2].resources]];
    const find = (rs: NetResource[], type: string, name: string) => rs.find((r) => r.type === type && r.name === name)!;
    const block = (t: string) => `10.128.${intent.tenants!.members.find((m) => m.name === t)!.slot * 16}.0/20`;
    const added = (stack: string, type: string, name: string, inputs: Record<string, unknown>): NetResource => ({ type, name, urn: `urn:pulumi:${stack}::netseg-test::${type}::${name}`, inputs, id: `by-hand-${name}` });
    const open = (stack: string, rs: NetResource[], me: string, other: string, otherRs: NetResource[], viaTgw: boolean) => {
      const peer = block(other);
      const sg = find(rs, "aws:ec2/securityGroup:SecurityGroup", `fleet-${me}-app`);
      rs.push(added(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", `${me}-out`, { securityGroupId: sg.id, cidrIpv4: peer, ipProtocol: "-1" }));
      rs.push(added(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${me}-in`, { securityGroupId: sg.id, cidrIpv4: peer, ipProtocol: "-1" }));
      const acl = find(rs, "aws:ec2/networkAcl:NetworkAcl", `fleet-${me}-app`);
      const entry = { ruleNo: 1, action: "allow", protocol: "-1", cidrBlock: peer, fromPort: 0, toPort: 0 };
      const inputs = acl.inputs as { ingress: unknown[]; egress: unknown[] };
      rs[rs.indexOf(acl)] = { ...acl, inputs: { ...inputs, ingress: [entry, ...inputs.ingress], egress: [entry, ...inputs.egress] } };
      rs.push(added(stack, "aws:ec2/route:Route", `${me}-app-to-${other}`, { routeTableId: find(rs, "aws:ec2/routeTable:RouteTable", `fleet-${me}-app`).id, destinationCidrBlock: peer, transitGatewayId: tgwId }));
      if (viaTgw) {
        rs.push(added(stack, TGW_ROUTE, `${me}-tgw-to-${other}`, { transitGatewayRouteTableId: find(rs, TGW_RT, `fleet-${me}`).id, destinationCidrBlock: peer, transitGatewayAttachmentId: find(otherRs, ATTACH, `fleet-${other}`).id }));
      }
    };
    open("shard-0", s0, "t001", "t003", stacks[2].resources, tgw.from001);
    open("shard-1", s1, "t003", "t001", stacks[1].resources, tgw.from003);
    return analyseReachability(joinFleetStacks([stacks[0], { stack: "shard-0", resources: s0 }, { stack: "shard-1", resources: s1 }]).resources);
  }

  it("with filters and VPC routes opened across shards, the tenant tables' pool blackholes still keep t001 and t003 apart", () => {
    assert.deepEqual(crossing(opened({ from001: false, from003: false })), []);
    // One direction routed is not a path either: the return leg meets the other table's blackhole.
    assert.deepEqual(crossing(opened({ from001: true, from003: false })), []);
  });

  it("a TGW route in each shard's tenant table to the other shard's attachment opens t001 <-> t003 app, and nothing else", () => {
    assert.deepEqual(crossing(opened({ from001: true, from003: true })), ["aws:t001/app -> aws:t003/app", "aws:t003/app -> aws:t001/app"]);
  });
});
