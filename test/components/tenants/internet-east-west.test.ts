/**
 * A tenant VPC's internet rules leave out the whole fleet: its own block, the other tenants'
 * (the pool) and shared services, which the transit gateway carries. Without that, "app may
 * reach the internet on 443" named the pool and shared services too, and only the TGW's
 * blackholes and the far side's groups stood between a tenant and what the intent never allows.
 */
import assert from "node:assert/strict";
import { setupMocks, resetRecorded, settle, resourcesOfType } from "../../mocks";
setupMocks();
import { TenantVpcs } from "../../../components/aws/tenants";
import { parseIntent } from "../../../core/intent";
import { CidrSet } from "../../../core/net";
import { fleetInput } from "../../core/tenants/fixtures";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const NACL = "aws:ec2/networkAcl:NetworkAcl";
const PROTO: Record<string, string> = { tcp: "6", udp: "17" };

/** AWS's NACL evaluation over the entries a NetworkAcl resource carries: the lowest rule number that matches decides. */
function naclAllows(entries: readonly any[], address: string, port: number): boolean {
  for (const e of [...entries].sort((a, b) => a.ruleNo - b.ruleNo)) {
    if (!CidrSet.fromCidrs([e.cidrBlock]).has(address)) continue;
    if (e.protocol !== "-1" && e.protocol !== PROTO.tcp && e.protocol !== "tcp") continue;
    if (e.protocol !== "-1" && (port < e.fromPort || port > e.toPort)) continue;
    return e.action === "allow";
  }
  return false;
}

describe("components/aws/tenants: a tenant's internet rules leave the fleet's ranges out", () => {
  const input = fleetInput(2, { pin: true });
  const t = input.tenants!;
  const intent = parseIntent({
    ...input,
    tenants: {
      ...t,
      zones: [{ name: "web", internet: "inbound" }, { name: "app", egress: "nat" }, { name: "data", sensitive: true }],
      flows: [...(t.flows ?? []), { from: "internet", to: "web", ports: ["tcp/443"] }, { from: "app", to: "internet", ports: ["tcp/443"] }],
      sharedServices: { ...t.sharedServices, ports: ["tcp/443"] },
    },
  });
  const POOL = "10.128.0.0/12";
  const SHARED = "10.64.0.0/20";
  let blocks: Record<string, string>;
  before(async function () {
    this.timeout(20000);
    await settle();
    resetRecorded();
    const fleet = new TenantVpcs("ew", { intent, availabilityZoneNames: ["us-east-1a", "us-east-1b"] });
    await settle();
    blocks = fleet.blocks;
  });

  it("app's security group reaches the internet and shared services on 443, never a tenant block", () => {
    for (const tenant of Object.keys(blocks)) {
      const sg = resourcesOfType(SG).find((r) => r.name === `ew-${tenant}-app`)!;
      const out = resourcesOfType(SG_OUT).filter((r) => r.inputs.securityGroupId === sg.id && r.inputs.fromPort === 443 && r.inputs.cidrIpv4);
      const set = CidrSet.fromCidrs(out.map((r) => r.inputs.cidrIpv4));
      assert.ok(!set.overlaps(CidrSet.fromCidrs([POOL])), `${tenant}: ${set}`);
      assert.ok(set.covers(CidrSet.fromCidrs([SHARED, "198.51.100.0/24"])), `${tenant}: shared services and the internet on 443 (${set})`);
    }
  });

  it("app's NACL lets 443 out to the internet and shared services, and denies its own block and the other tenants'", () => {
    const [a, b] = Object.keys(blocks).sort();
    const egress = resourcesOfType(NACL).find((r) => r.name === `ew-${a}-app`)!.inputs.egress;
    const host = (block: string) => block.replace(/\.0\/\d+$/, ".9");
    assert.ok(naclAllows(egress, "198.51.100.7", 443), "the internet");
    assert.ok(naclAllows(egress, "10.64.0.9", 443), "shared services (a flow)");
    assert.ok(!naclAllows(egress, host(blocks[b]), 443), `the other tenant ${blocks[b]}`);
    assert.ok(!naclAllows(egress, host(blocks[a]), 443), `its own block outside its flows ${blocks[a]}`);
    assert.ok(egress.some((e: any) => e.action === "deny" && e.cidrBlock === POOL));
  });
});
