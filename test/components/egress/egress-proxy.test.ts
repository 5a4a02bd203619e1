import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, resourcesOfType, resourceNamed, unwrap } from "../../mocks";
setupMocks();
import { EgressProxy } from "../../../components/aws/egress";
import { planAddresses } from "../../../core/addressing";
import { egressInput, egressIntent, fakeNetwork } from "./fixtures";
import { parseIntent } from "../../../core/intent";

const ROUTE = "aws:ec2/route:Route";
const TARGETS = ["gatewayId", "natGatewayId", "vpcEndpointId", "transitGatewayId", "networkInterfaceId", "vpcPeeringConnectionId", "egressOnlyGatewayId", "carrierGatewayId", "localGatewayId", "coreNetworkArn"];
const targetsOf = (inputs: Record<string, any>) => TARGETS.filter((t) => t in inputs);

async function build(name: string, backend: "network-firewall" | "proxy-fleet") {
  const intent = egressIntent();
  const proxy = new EgressProxy(name, { intent, network: fakeNetwork(intent), backend });
  await settle();
  return { intent, proxy, plan: planAddresses(intent) };
}

describe("components/aws/egress EgressProxy", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  describe("network-firewall backend", () => {
    it("sends each proxied zone's default route to the firewall endpoint of its AZ, and nothing else out", async () => {
      const { plan, proxy } = await build("nfw", "network-firewall");
      const proxied = plan.subnets.filter((s) => s.zone === "app" || s.zone === "batch");
      const routes = resourcesOfType(ROUTE);
      for (const s of proxied) {
        const mine = routes.filter((r) => r.inputs.routeTableId === `rtb-${s.key}`);
        assert.equal(mine.length, 1, `${s.key} gets exactly one route`);
        assert.equal(mine[0].inputs.destinationCidrBlock, "0.0.0.0/0");
        assert.deepEqual(targetsOf(mine[0].inputs).filter((t) => t !== "vpcEndpointId"), [], `${s.key} routes out through nothing but the firewall`);
        assert.equal(mine[0].name, `nfw-${s.key}-to-internet`);
      }
      for (const s of plan.subnets.filter((x) => x.zone === "edge" || x.zone === "data")) {
        assert.equal(routes.filter((r) => r.inputs.routeTableId === `rtb-${s.key}`).length, 0, `${s.key} is not touched`);
      }
      assert.deepEqual(Object.keys(proxy.firewall!.endpointIds), ["az1", "az2"]);
    });

    it("names, in each proxied default route, the firewall endpoint of the route table's own AZ", async () => {
      const { plan, proxy } = await build("nfw6", "network-firewall");
      const statuses = await unwrap(proxy.firewall!.firewall.firewallStatuses);
      const endpointOfSubnet = new Map(statuses.flatMap((st) => st.syncStates.flatMap((s) => s.attachments.map((a) => [a.subnetId, a.endpointId] as const))));
      const byAz = ["az1", "az2"].map((az) => endpointOfSubnet.get(resourceNamed("aws:ec2/subnet:Subnet", `nfw6-firewall-${az}`).id!));
      assert.ok(byAz.every((e) => e && /^vpce-[0-9a-f]+$/.test(e)) && byAz[0] !== byAz[1], `one endpoint per AZ: ${byAz.join(", ")}`);
      const routes = resourcesOfType(ROUTE);
      for (const s of plan.subnets.filter((x) => x.zone === "app" || x.zone === "batch")) {
        const [route] = routes.filter((r) => r.inputs.routeTableId === `rtb-${s.key}`);
        assert.equal(route.inputs.vpcEndpointId, byAz[s.azIndex], `${s.key} goes through the endpoint in AZ ${s.azIndex + 1}`);
      }
      for (const az of [0, 1]) {
        const natRt = resourceNamed("aws:ec2/routeTable:RouteTable", `nfw6-nat-az${az + 1}`);
        const back = routes.filter((r) => r.inputs.routeTableId === natRt.id && r.inputs.destinationCidrBlock !== "0.0.0.0/0");
        assert.ok(back.length > 0 && back.every((r) => r.inputs.vpcEndpointId === byAz[az]), "returns come back through the same AZ's endpoint");
      }
    });

    it("places one endpoint per AZ in the firewall subnets and sends them to their AZ's NAT gateway", async () => {
      const { plan } = await build("nfw2", "network-firewall");
      const fw = resourcesOfType("aws:networkfirewall/firewall:Firewall");
      assert.equal(fw.length, 1);
      const subnets = resourcesOfType("aws:ec2/subnet:Subnet");
      const fwSubnets = ["nfw2-firewall-az1", "nfw2-firewall-az2"].map((n) => resourceNamed("aws:ec2/subnet:Subnet", n));
      assert.deepEqual(fwSubnets.map((s) => s.inputs.cidrBlock), plan.infrastructure.filter((i) => i.purpose === "firewall").map((i) => i.cidr));
      assert.deepEqual(fw[0].inputs.subnetMappings.map((m: any) => m.subnetId), fwSubnets.map((s) => s.id));
      assert.deepEqual(fwSubnets.map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1b"]);
      assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false));
      const nats = ["nfw2-nat-az1", "nfw2-nat-az2"].map((n) => resourceNamed("aws:ec2/natGateway:NatGateway", n));
      for (const [i, az] of ["az1", "az2"].entries()) {
        const fwRt = resourceNamed("aws:ec2/routeTable:RouteTable", `nfw2-firewall-${az}`);
        const r = resourcesOfType(ROUTE).filter((x) => x.inputs.routeTableId === fwRt.id);
        assert.deepEqual(r.map((x) => [x.inputs.destinationCidrBlock, x.inputs.natGatewayId]), [["0.0.0.0/0", nats[i].id]]);
      }
    });

    it("routes the return traffic of each proxied subnet back through the firewall (symmetric)", async () => {
      const { plan } = await build("nfw3", "network-firewall");
      for (const az of [0, 1]) {
        const natRt = resourceNamed("aws:ec2/routeTable:RouteTable", `nfw3-nat-az${az + 1}`);
        const r = resourcesOfType(ROUTE).filter((x) => x.inputs.routeTableId === natRt.id);
        const back = plan.subnets.filter((s) => (s.zone === "app" || s.zone === "batch") && s.azIndex === az).map((s) => s.cidr).sort();
        assert.deepEqual(r.filter((x) => x.inputs.destinationCidrBlock !== "0.0.0.0/0").map((x) => x.inputs.destinationCidrBlock).sort(), back);
        assert.equal(r.find((x) => x.inputs.destinationCidrBlock === "0.0.0.0/0")!.inputs.gatewayId, "igw-0fake");
      }
    });

    it("holds the allow-list in a strict-order policy with default drop, and logs alerts and flows to CloudWatch", async () => {
      await build("nfw4", "network-firewall");
      const [group] = resourcesOfType("aws:networkfirewall/ruleGroup:RuleGroup");
      assert.equal(group.inputs.type, "STATEFUL");
      const rules: string = group.inputs.ruleGroup.rulesSource.rulesString;
      assert.match(rules, /pass tls \$NETSEG_APP any -> any 443 .*content:"api\.stripe\.com"/);
      assert.match(rules, /pass http \$NETSEG_BATCH any -> any 80 .*content:"mirror\.example\.org"/);
      const [policy] = resourcesOfType("aws:networkfirewall/firewallPolicy:FirewallPolicy");
      assert.deepEqual(policy.inputs.firewallPolicy.statefulDefaultActions, ["aws:drop_established", "aws:alert_established"]);
      assert.equal(policy.inputs.firewallPolicy.statefulEngineOptions.ruleOrder, "STRICT_ORDER");
      const refs = policy.inputs.firewallPolicy.statefulRuleGroupReferences;
      assert.equal(refs.length, 1);
      assert.equal(refs[0].priority, 100);
      assert.ok(String(refs[0].resourceArn).endsWith(`/${group.id}`), "the policy references the rule group");
      const [logging] = resourcesOfType("aws:networkfirewall/loggingConfiguration:LoggingConfiguration");
      assert.deepEqual(logging.inputs.loggingConfiguration.logDestinationConfigs.map((c: any) => [c.logType, c.logDestinationType, c.logDestination.logGroup]), [
        ["ALERT", "CloudWatchLogs", "/netseg/pay/network-firewall/alert"],
        ["FLOW", "CloudWatchLogs", "/netseg/pay/network-firewall/flow"],
      ]);
      assert.equal(resourcesOfType("aws:autoscaling/group:Group").length, 0);
    });

    it("without TLS inspection, reports that the SNI is the client's claim, and creates no inspection configuration", async () => {
      const { proxy } = await build("nfw7", "network-firewall");
      assert.ok(proxy.notes.some((n) => n.startsWith("zone app: TLS destinations are matched on the SNI, which the client chooses")));
      assert.equal(resourcesOfType("aws:networkfirewall/tlsInspectionConfiguration:TlsInspectionConfiguration").length, 0);
      const [policy] = resourcesOfType("aws:networkfirewall/firewallPolicy:FirewallPolicy");
      assert.equal(policy.inputs.firewallPolicy.tlsInspectionConfigurationArn, undefined);
    });

    it("with tlsInspection, decrypts the proxied zones' TLS ports with the given CA, and the policy references the configuration", async () => {
      const intent = egressIntent();
      const ca = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";
      const proxy = new EgressProxy("nfw8", { intent, network: fakeNetwork(intent), backend: "network-firewall", tlsInspection: { certificateAuthorityArn: ca } });
      await settle();
      const [tls] = resourcesOfType("aws:networkfirewall/tlsInspectionConfiguration:TlsInspectionConfiguration");
      const conf = tls.inputs.tlsInspectionConfiguration.serverCertificateConfiguration;
      assert.equal(conf.certificateAuthorityArn, ca);
      assert.deepEqual(conf.checkCertificateRevocationStatus, { revokedStatusAction: "REJECT", unknownStatusAction: "PASS" });
      const proxied = planAddresses(intent).subnets.filter((s) => s.zone === "app" || s.zone === "batch").map((s) => s.cidr);
      assert.deepEqual(conf.scopes.map((sc: any) => [sc.protocols, sc.sources.map((x: any) => x.addressDefinition).sort(), sc.destinationPorts]), [[[6], proxied.sort(), [{ fromPort: 443, toPort: 443 }]]]);
      const [policy] = resourcesOfType("aws:networkfirewall/firewallPolicy:FirewallPolicy");
      assert.ok(String(policy.inputs.firewallPolicy.tlsInspectionConfigurationArn).endsWith(`/${tls.id}`), "the policy references the inspection configuration");
      const rules: string = resourcesOfType("aws:networkfirewall/ruleGroup:RuleGroup")[0].inputs.ruleGroup.rulesSource.rulesString;
      assert.match(rules, /pass http \$NETSEG_APP any -> any 443 .*http\.host; content:"api\.stripe\.com"/, "the decrypted request must name the host too");
      assert.ok(!proxy.notes.some((n) => n.includes("SNI")));
    });

    it("refuses a tlsInspection it cannot use, naming the field, the value and the fix", async () => {
      const intent = egressIntent();
      const make = (name: string, tlsInspection: any, backend: "network-firewall" | "proxy-fleet" = "network-firewall") => () => new EgressProxy(name, { intent, network: fakeNetwork(intent), backend, tlsInspection });
      assert.throws(make("bad1", { certificateAuthorityArn: "my-ca" }), /tlsInspection\.certificateAuthorityArn "my-ca" is not an ACM certificate ARN: expected arn:aws:acm:<region>:<account>:certificate\/<id>/);
      assert.throws(make("bad2", {}), /tlsInspection\.certificateAuthorityArn is missing/);
      assert.throws(make("bad3", { certificateAuthorityArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", unknownStatusAction: "ALLOW" }), /tlsInspection\.unknownStatusAction "ALLOW" is not an action: use one of PASS, DROP, REJECT/);
      assert.throws(make("bad4", { certificateAuthorityArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" }, "proxy-fleet"), /the proxy-fleet backend does not decrypt TLS/);
      const plain = parseIntent({ ...egressInput(), egress: [{ from: "app", allow: ["mirror.example.org:80"] }] });
      assert.throws(() => new EgressProxy("bad5", { intent: plain, network: fakeNetwork(plain), backend: "network-firewall", tlsInspection: { certificateAuthorityArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" } }), /no allow-listed destination is on a TLS port/);
      await settle();
    });

    it("gives the path subnets their own NACL: VPC inside, listed ports out, ephemeral back but RDP denied, no allow-all", async () => {
      await build("nfw5", "network-firewall");
      const acl = resourceNamed("aws:ec2/networkAcl:NetworkAcl", "nfw5-egress-path");
      const subnets = ["firewall-az1", "firewall-az2", "nat-az1", "nat-az2"].map((k) => resourceNamed("aws:ec2/subnet:Subnet", `nfw5-${k}`).id);
      assert.deepEqual([...acl.inputs.subnetIds].sort(), subnets.sort());
      assert.deepEqual(acl.inputs.egress.map((e: any) => [e.protocol, e.cidrBlock, e.fromPort, e.toPort]), [["-1", "10.30.0.0/16", 0, 0], ["tcp", "0.0.0.0/0", 80, 80], ["tcp", "0.0.0.0/0", 443, 443]]);
      assert.deepEqual(acl.inputs.ingress.map((e: any) => [e.ruleNo, e.action, e.protocol, e.cidrBlock, e.fromPort, e.toPort]), [
        [100, "allow", "-1", "10.30.0.0/16", 0, 0],
        [150, "deny", "tcp", "0.0.0.0/0", 3389, 3389],
        [200, "allow", "tcp", "0.0.0.0/0", 1024, 65535],
      ]);
    });
  });

  describe("proxy-fleet backend", () => {
    it("leaves proxied zones without any route out; only the proxy subnets reach the NAT", async () => {
      const { plan } = await build("fleet", "proxy-fleet");
      const routes = resourcesOfType(ROUTE);
      for (const s of plan.subnets) assert.equal(routes.filter((r) => r.inputs.routeTableId === `rtb-${s.key}`).length, 0, `${s.key} gets no route`);
      for (const az of ["az1", "az2"]) {
        const rt = resourceNamed("aws:ec2/routeTable:RouteTable", `fleet-proxy-${az}`);
        assert.deepEqual(routes.filter((r) => r.inputs.routeTableId === rt.id).map((r) => [r.inputs.destinationCidrBlock, targetsOf(r.inputs)]), [["0.0.0.0/0", ["natGatewayId"]]]);
      }
      assert.equal(resourcesOfType("aws:networkfirewall/firewall:Firewall").length, 0);
    });

    it("runs Squid with IMDSv2 required, no public IP, no key pair and no SSH", async () => {
      await build("fleet2", "proxy-fleet");
      const [lt] = resourcesOfType("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(lt.inputs.metadataOptions.httpTokens, "required");
      assert.equal(lt.inputs.metadataOptions.httpPutResponseHopLimit, 1);
      assert.deepEqual(lt.inputs.networkInterfaces.map((n: any) => n.associatePublicIpAddress), ["false"]);
      assert.equal(lt.inputs.keyName, undefined);
      const userData = Buffer.from(lt.inputs.userData, "base64").toString();
      assert.match(userData, /dnf install -y squid amazon-cloudwatch-agent/);
      assert.match(userData, /acl hosts_app_443 dstdomain -n api\.stripe\.com/);
      assert.match(userData, /"log_group_name": "\/netseg\/pay\/egress-proxy"/);
      const ingress = resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      assert.ok(ingress.length > 0);
      for (const r of ingress) {
        assert.ok(!(r.inputs.fromPort <= 22 && 22 <= r.inputs.toPort), `${r.name} opens no SSH`);
        assert.equal(r.inputs.cidrIpv4, undefined, `${r.name} admits by security group, not by address`);
        assert.ok(r.inputs.description);
      }
    });

    it("admits 3128 only from the proxied zones' groups, and lets the proxy out only on the listed ports", async () => {
      await build("fleet3", "proxy-fleet");
      const lbSg = resourceNamed("aws:ec2/securityGroup:SecurityGroup", "fleet3-proxy-lb");
      const instSg = resourceNamed("aws:ec2/securityGroup:SecurityGroup", "fleet3-proxy-instances");
      const ingress = resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      assert.deepEqual(
        ingress.filter((r) => r.inputs.securityGroupId === lbSg.id).map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]).sort(),
        [["sg-app", 3128, 3128], ["sg-batch", 3128, 3128]],
      );
      assert.deepEqual(ingress.filter((r) => r.inputs.securityGroupId === instSg.id).map((r) => r.inputs.referencedSecurityGroupId), [lbSg.id]);
      const egress = resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === instSg.id);
      assert.deepEqual(egress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]), [["tcp", 80, 80], ["tcp", 443, 443]]);
      const [lb] = resourcesOfType("aws:lb/loadBalancer:LoadBalancer");
      assert.equal(lb.inputs.internal, true);
      assert.equal(lb.inputs.loadBalancerType, "network");
      const [listener] = resourcesOfType("aws:lb/listener:Listener");
      assert.equal(listener.inputs.port, 3128);
      const [asg] = resourcesOfType("aws:autoscaling/group:Group");
      const proxySubnets = ["fleet3-proxy-az1", "fleet3-proxy-az2"].map((n) => resourceNamed("aws:ec2/subnet:Subnet", n).id);
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, proxySubnets);
      assert.deepEqual(lb.inputs.subnets, proxySubnets);
    });

    it("refuses a network without the proxied zones' security groups, naming them", async () => {
      const intent = egressIntent();
      const network = { ...fakeNetwork(intent), securityGroupIds: { app: "sg-app" } };
      assert.throws(() => new EgressProxy("fleet4", { intent, network, backend: "proxy-fleet" }), /securityGroupIds has no security group for the proxied zones batch/);
    });
  });

  it("names every child from stable keys: appending a proxied zone and a destination renames nothing", async () => {
    await build("stable", "network-firewall");
    const first = recorded().map((r) => `${r.type}::${r.name}`);
    resetRecorded();
    const grown = parseIntent({
      ...egressInput(),
      zones: [...egressInput().zones, { name: "aaa", egress: "proxy" }],
      egress: [...egressInput().egress!, { from: "aaa", allow: ["example.com:443"] }],
    });
    new EgressProxy("stable", { intent: grown, network: fakeNetwork(grown), backend: "network-firewall" });
    await settle();
    const second = new Set(recorded().map((r) => `${r.type}::${r.name}`));
    for (const n of first) assert.ok(second.has(n), `kept ${n}`);
    assert.ok(second.has("aws:ec2/route:Route::stable-aaa-az1-to-internet"));
  });
});
