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
});
