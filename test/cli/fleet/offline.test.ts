import assert from "node:assert/strict";
import path from "node:path";
import { fleetStackNames, previewFleetOffline } from "../../../cli/fleet/offline";

const FIXTURE = path.resolve(__dirname, "fixture");

describe("cli/fleet previewFleetOffline (transit + two shards under the preview mocks)", function () {
  this.timeout(600_000);

  it("finds the shard stacks beside the transit stack", () => {
    assert.deepEqual(fleetStackNames(FIXTURE), ["shard-0", "shard-1"]);
  });

  it("runs transit first, hands its ids to every shard, and finds no path between tenants across shards", async () => {
    const seen: string[] = [];
    const r = await previewFleetOffline({ programDir: FIXTURE, parallelism: 2, onStack: (s) => seen.push(s) });
    assert.deepEqual(r.failures, []);
    assert.equal(seen[0], "transit");
    assert.deepEqual(r.stacks.map((s) => s.stack), ["transit", "shard-0", "shard-1"]);
    const tgw = r.stacks[0].resources.find((x) => x.type === "aws:ec2transitgateway/transitGateway:TransitGateway")!;
    for (const s of r.stacks.slice(1)) {
      const attachments = s.resources.filter((x) => x.type === "aws:ec2transitgateway/vpcAttachment:VpcAttachment");
      assert.equal(attachments.length, 2);
      for (const a of attachments) assert.equal(a.inputs.transitGatewayId, tgw.id, `${s.stack}: ${a.name} names the transit stack's gateway`);
    }
    assert.equal(r.notAnalysed, undefined);
    assert.equal(new Set(r.matrix!.endpoints.filter((e) => e.tenant).map((e) => e.tenant)).size, 4);
    assert.deepEqual(r.crossTenantPaths, []);
  });

  it("a fleet above the endpoint limit is reported as not analysed, not as isolated", async () => {
    const r = await previewFleetOffline({ programDir: FIXTURE, shardStacks: ["shard-0"], maxEndpoints: 2, precheck: false });
    assert.equal(r.crossTenantPaths, undefined);
    assert.match(r.notAnalysed!, /above the limit of 2/);
  });

  it("a shard that cannot run is a failure named by its stack, and nothing is judged", async () => {
    const r = await previewFleetOffline({ programDir: FIXTURE, shardStacks: ["shard-0", "no-such-stack"] });
    assert.deepEqual(r.failures.map((f) => f.stack), ["no-such-stack"]);
    assert.match(r.failures[0].error, /no config file Pulumi\.no-such-stack\.yaml/);
    assert.match(r.notAnalysed!, /1 stack\(s\) failed \(no-such-stack\)/);
  });
});
