import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import type { RecordedResource } from "../../../cli/preview/types";

const EXAMPLE = path.resolve(__dirname, "../../../examples/egress-allowlist");

describe("examples/egress-allowlist (run under the preview mocks)", () => {
  let resources: RecordedResource[];
  before(async () => {
    ({ resources } = await runProgram(loadProject(EXAMPLE, "dev")));
  });
  const ofType = (t: string) => resources.filter((r) => r.type === t);

  it("lets the payments zone out only through the firewall, which passes only the two listed destinations", () => {
    const tables = ofType("aws:ec2/routeTable:RouteTable").filter((r) => (r.inputs as any).tags?.["netseg:zone"] === "payments");
    assert.equal(tables.length, 2);
    for (const t of tables) {
      const routes = ofType("aws:ec2/route:Route").filter((r) => (r.inputs as any).routeTableId === t.id);
      assert.deepEqual(routes.map((r) => [(r.inputs as any).destinationCidrBlock, "natGatewayId" in (r.inputs as any) || "gatewayId" in (r.inputs as any)]), [["0.0.0.0/0", false]]);
    }
    const rules = (ofType("aws:networkfirewall/ruleGroup:RuleGroup")[0].inputs as any).ruleGroup.rulesSource.rulesString as string;
    const passed = rules.split("\n").filter((l) => l.startsWith("pass")).map((l) => /content:"([^"]+)"/.exec(l)![1] + ":" + l.split(" ")[6]);
    assert.deepEqual([...new Set(passed)].sort(), ["api.stripe.com:443", "registry.npmjs.org:443"]);
    assert.equal(ofType("aws:ec2/internetGateway:InternetGateway").length, 1, "the proxy reuses the VPC's internet gateway");
  });

  it("with the fleet stack (backend proxy-fleet), lets the payments zone reach only Squid on 3128, and Squid only the two destinations", async () => {
    const fleet = (await runProgram(loadProject(EXAMPLE, "fleet"))).resources;
    const of = (t: string) => fleet.filter((r) => r.type === t);
    const paymentsSg = of("aws:ec2/securityGroup:SecurityGroup").find((r) => (r.inputs as any).tags?.["netseg:zone"] === "payments")!;
    const out = of("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => (r.inputs as any).securityGroupId === paymentsSg.id);
    const dataSg = of("aws:ec2/securityGroup:SecurityGroup").find((r) => (r.inputs as any).tags?.["netseg:zone"] === "data")!;
    const [lb] = of("aws:lb/loadBalancer:LoadBalancer");
    const peer = (r: RecordedResource) => ((r.inputs as any).referencedSecurityGroupId === dataSg.id ? "data" : ((lb.inputs as any).securityGroups as string[]).includes((r.inputs as any).referencedSecurityGroupId) ? "proxy load balancer" : ((r.inputs as any).cidrIpv4 ?? "?"));
    assert.deepEqual(out.map((r) => [(r.inputs as any).fromPort, (r.inputs as any).toPort, peer(r)]).sort(), [[3128, 3128, "proxy load balancer"], [5432, 5432, "data"]]);
    const userData = Buffer.from((of("aws:ec2/launchTemplate:LaunchTemplate")[0].inputs as any).userData, "base64").toString();
    assert.match(userData, /dstdomain -n api\.stripe\.com registry\.npmjs\.org/);
    assert.match(userData, /http_access deny all/);
  });
});
