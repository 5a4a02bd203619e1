import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import type { RecordedResource } from "../../../cli/preview/types";

const EXAMPLE = path.resolve(__dirname, "../../../examples/egress-allowlist-gcp");

describe("examples/egress-allowlist-gcp (run under the preview mocks)", () => {
  let resources: RecordedResource[];
  before(async () => {
    ({ resources } = await runProgram(loadProject(EXAMPLE, "dev")));
  });
  const ofType = (t: string) => resources.filter((r) => r.type === t);

  it("gives the payments zone no route out, and Squid passes only the two listed destinations", () => {
    const routes = ofType("gcp:compute/route:Route");
    assert.deepEqual(routes.map((r) => (r.inputs as any).tags), [["payments-edge"], ["payments-egress-proxy"]], "the internet routes are the internet-facing edge's (for replies) and the proxy's; none is the payments zone's");
    const script: string = (ofType("gcp:compute/instanceTemplate:InstanceTemplate")[0].inputs as any).metadata["startup-script"];
    const allowed = script.split("\n").filter((l) => l.startsWith("acl hosts_"));
    assert.deepEqual(allowed, ["acl hosts_payments_443 dstdomain -n api.stripe.com registry.npmjs.org"]);
    assert.match(script, /http_access deny all/);
  });
});
