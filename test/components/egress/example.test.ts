import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import type { RecordedResource } from "../../../cli/preview/types";
import { loadIntentFile } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked } from "../../../core/reachability";

const EXAMPLE = path.resolve(__dirname, "../../../examples/egress-allowlist");

describe("examples/egress-allowlist (run under the preview mocks)", () => {
  let resources: RecordedResource[];
  before(async function () {
    this.timeout(20000);
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

  it("leaves payments -> edge tcp/443 closed on the request path (only edge -> payments is in the intent), as the reachability engine reads the stack", () => {
    const intent = loadIntentFile(path.join(EXAMPLE, "intent.yaml"));
    const matrix = analyseReachability(resources, { intent });
    const pair = matrix.pairs.find((p) => p.from === "aws:payments" && p.to === "aws:edge")!;
    const https = TrafficSet.fromSpecs([{ protocol: "tcp", from: 443, to: 443 }]);
    assert.ok(pair.paths.length > 0, "the engine found the subnets of both zones");
    for (const p of pair.paths) {
      // The request alone (replies aside: how much of the ephemeral range a reply needs is the engine's business).
      const request = p.stages.filter((s) => !s.reply).reduce((t, s) => t.intersect(s.upper), TrafficSet.ALL);
      assert.ok(request.intersect(https).isEmpty(), `${p.label}: the request on tcp/443 is stopped (${p.stages.map((s) => `${s.label}: ${s.upper}`).join("; ")})`);
    }
    assert.ok(pair.possible.intersect(https).isEmpty());
    const why = explainBlocked(pair, https).map((b) => b.reason).join("\n");
    assert.match(why, /no egress rule in payments-payments to edge on tcp\/443/, "the zone's group names no VPC address");
    const rule = /payments-payments outbound rule (\d+) denies tcp\/443/.exec(why);
    assert.ok(rule, `the NACL stops it too:\n${why}`);
    const acl = ofType("aws:ec2/networkAcl:NetworkAcl").find((r) => r.name === "payments-payments")!;
    const entry = (acl.inputs as any).egress.find((e: any) => e.ruleNo === Number(rule[1]));
    assert.deepEqual([entry.action, entry.protocol, entry.cidrBlock], ["deny", "-1", "10.40.0.0/16"], "by the deny of the VPC's own range");
    // The intended flows still pass.
    const allowed = (from: string, to: string) => String(matrix.pairs.find((p) => p.from === from && p.to === to)!.allowed);
    assert.equal(allowed("aws:edge", "aws:payments"), "tcp/8443");
    assert.equal(allowed("aws:payments", "aws:data"), "tcp/5432");
  });

  it("with the fleet stack (backend proxy-fleet), lets the payments zone reach only Squid on 3128, and Squid only the two destinations", async function () {
    this.timeout(20000);
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
