/**
 * SegmentedVpc and EgressProxy together, per backend: the zone rules the VPC plans must fit the
 * backend (explicit proxy on 3128, or transparent firewall on the destination ports), or the
 * proxied zone has no way out at all.
 */
import assert from "node:assert/strict";
import { setupMocks, resetRecorded, settle, resourcesOfType, resourceNamed, unwrap, type RecordedResource } from "../../mocks";
setupMocks();
import { EgressProxy, egressNetworkOf } from "../../../components/aws/egress";
import { SegmentedVpc } from "../../../components/aws/vpc";
import { planAddresses } from "../../../core/addressing";
import { CidrSet } from "../../../core/net";
import { egressIntent } from "./fixtures";

const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const AZS = ["us-east-1a", "us-east-1b"];

function egressOf(group: Pick<RecordedResource, "id">): RecordedResource[] {
  return resourcesOfType(EGRESS_RULE).filter((r) => r.inputs.securityGroupId === group.id);
}

describe("components/aws/egress with SegmentedVpc", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("proxy-fleet: a proxied zone's security group sends tcp/3128 to the proxy's group and nothing else", async () => {
    const intent = egressIntent();
    const vpc = new SegmentedVpc("pf", { intent, availabilityZoneNames: AZS, egressProxy: { backend: "proxy-fleet" } });
    new EgressProxy("pf-egress", { intent, network: egressNetworkOf(vpc), backend: "proxy-fleet" });
    await settle();
    const proxySg = resourceNamed("aws:ec2/securityGroup:SecurityGroup", "pf-egress-proxy");
    assert.equal(proxySg.id, await unwrap(vpc.egressProxySecurityGroupId!), "the VPC's proxy group");
    for (const zone of ["app", "batch"]) {
      const out = egressOf(resourceNamed("aws:ec2/securityGroup:SecurityGroup", `pf-${zone}`));
      assert.deepEqual(
        out.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4]),
        [["tcp", 3128, 3128, proxySg.id, undefined]],
        `${zone}'s only way out is the proxy on 3128`,
      );
    }
    // The VPC's proxy group admits the zones on 3128 and is attached to the load balancer.
    const admitted = resourcesOfType(INGRESS_RULE).filter((r) => r.inputs.securityGroupId === proxySg.id);
    assert.deepEqual(admitted.map((r) => [r.inputs.fromPort, r.inputs.toPort]), [[3128, 3128], [3128, 3128]]);
    const [lb] = resourcesOfType("aws:lb/loadBalancer:LoadBalancer");
    assert.ok(lb.inputs.securityGroups.includes(proxySg.id), "the zones' rules name a group the load balancer carries");
    const [listener] = resourcesOfType("aws:lb/listener:Listener");
    assert.equal(listener.inputs.port, 3128);
  });

  it("proxy-fleet: the proxied zone's NACL reaches the proxy subnets on 3128 and takes replies on ephemeral ports only", async () => {
    const intent = egressIntent();
    new SegmentedVpc("pf2", { intent, availabilityZoneNames: AZS, egressProxy: { backend: "proxy-fleet" } });
    await settle();
    const proxySubnets = planAddresses(intent).infrastructure.filter((s) => s.purpose === "proxy").map((s) => s.cidr);
    const acl = resourceNamed("aws:ec2/networkAcl:NetworkAcl", "pf2-app");
    const block = (zone: string) => planAddresses(intent).zones.find((z) => z.zone === zone)!.cidr;
    const inProxy = (cidr: string) => CidrSet.fromCidrs(proxySubnets).covers(CidrSet.fromCidrs([cidr]));
    const towardsProxy = acl.inputs.egress.filter((e: any) => e.action === "allow" && inProxy(e.cidrBlock));
    assert.deepEqual(towardsProxy.map((e: any) => [e.protocol, e.fromPort, e.toPort]), [["6", 3128, 3128]]);
    assert.ok(CidrSet.fromCidrs(towardsProxy.map((e: any) => e.cidrBlock)).covers(CidrSet.fromCidrs(proxySubnets)), "every proxy subnet");
    // Everything else the zone may send: inside itself, and replies to edge's requests.
    const rest = acl.inputs.egress.filter((e: any) => e.action === "allow" && !inProxy(e.cidrBlock));
    assert.deepEqual(rest.map((e: any) => [e.cidrBlock, e.protocol, e.fromPort, e.toPort]).sort(), [[block("app"), "-1", 0, 0], [block("edge"), "6", 1024, 65535]].sort());
    const back = acl.inputs.ingress.filter((e: any) => e.action === "allow" && inProxy(e.cidrBlock));
    assert.deepEqual(back.map((e: any) => [e.protocol, e.fromPort, e.toPort]), [["6", 1024, 65535]]);
    assert.ok(!acl.inputs.egress.some((e: any) => e.action === "allow" && e.cidrBlock === "0.0.0.0/0"), "nothing to the internet");
  });

  it("network-firewall: the zone's rules stay on the destination ports towards the internet, the VPC's own addresses left out", async () => {
    const intent = egressIntent();
    const vpc = new SegmentedVpc("fw", { intent, availabilityZoneNames: AZS, egressProxy: { backend: "network-firewall" } });
    new EgressProxy("fw-egress", { intent, network: egressNetworkOf(vpc), backend: "network-firewall" });
    await settle();
    const out = egressOf(resourceNamed("aws:ec2/securityGroup:SecurityGroup", "fw-batch"));
    const internet = CidrSet.fromCidrs(["0.0.0.0/0"]).subtract(CidrSet.fromCidrs([intent.addressSpace]));
    for (const port of [80, 443]) {
      const blocks = CidrSet.fromCidrs(out.filter((r) => r.inputs.fromPort === port && r.inputs.toPort === port).map((r) => r.inputs.cidrIpv4));
      assert.ok(blocks.equals(internet), `tcp/${port} to the internet outside ${intent.addressSpace}`);
    }
    assert.ok(out.every((r) => [80, 443].includes(r.inputs.fromPort)), "nothing else");
    const acl = resourceNamed("aws:ec2/networkAcl:NetworkAcl", "fw-batch");
    const deny = acl.inputs.egress.find((e: any) => e.action === "deny" && e.cidrBlock === intent.addressSpace);
    const world = acl.inputs.egress.find((e: any) => e.action === "allow" && e.cidrBlock === "0.0.0.0/0");
    assert.ok(deny && world && deny.ruleNo < world.ruleNo, "the NACL denies the VPC before the internet allow");
    assert.equal(resourcesOfType("aws:ec2/securityGroup:SecurityGroup").filter((g) => g.name === "fw-egress-proxy").length, 0, "no proxy group to name");
  });

  it("refuses a proxy fleet in a VPC whose zone rules were planned for the destination ports", async () => {
    const intent = egressIntent();
    const vpc = new SegmentedVpc("mm", { intent, availabilityZoneNames: AZS });
    assert.throws(() => new EgressProxy("mm-egress", { intent, network: egressNetworkOf(vpc), backend: "proxy-fleet" }), /proxy-fleet\): the zones' rules open the allow-listed destination ports towards the proxy, but the proxy fleet listens on tcp\/3128; build the VPC with egressProxy: \{ backend: "proxy-fleet" \}/);
    const fw = new SegmentedVpc("mm2", { intent, availabilityZoneNames: AZS, egressProxy: { backend: "network-firewall" } });
    assert.throws(() => new EgressProxy("mm2-egress", { intent, network: egressNetworkOf(fw), backend: "proxy-fleet" }), /build the VPC with egressProxy: \{ backend: "proxy-fleet" \}/);
    await settle();
  });
});
