/** policyCoverage on GCP (zones targeted or not) and summariseMatrix's plain rows. */
import assert from "node:assert/strict";
import { analyseReachability, policyCoverage, summariseMatrix } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl } from "./aws-fixture";
import { res } from "./build";

describe("reachability / policyCoverage and summariseMatrix", () => {
  it("counts GCP zones targeted by some ingress rule, all-instances rules included", () => {
    const zone = (z: string) => [
      res("gcp:compute/subnetwork:Subnetwork", `sub-${z}`, { ipCidrRange: z === "a" ? "10.0.0.0/24" : "10.0.1.0/24", description: `netseg-zone=${z}` }),
      res("gcp:serviceaccount/account:Account", `sa-${z}`, { accountId: `sa-${z}`, description: `netseg-zone=${z}` }),
    ];
    const targeted = res("gcp:compute/firewall:Firewall", "to-a", { direction: "INGRESS", allows: [{ protocol: "tcp" }], sourceRanges: ["10.0.0.0/8"], targetServiceAccounts: ["sa-a@p.iam.gserviceaccount.com"] });
    const c = policyCoverage([...zone("a"), ...zone("b"), targeted]);
    assert.deepEqual(c.gcpZones, { covered: 1, total: 2, uncovered: ["b"] });
    assert.equal(c.share, 0.5);
    const everyone = res("gcp:compute/firewall:Firewall", "all", { direction: "INGRESS", denies: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"], priority: 65534 });
    assert.equal(policyCoverage([...zone("a"), ...zone("b"), targeted, everyone]).share, 1);
  });

  it("summarises the matrix as sorted JSON-safe rows naming the rules", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    const s = summariseMatrix(analyseReachability(awsResources(f)));
    assert.deepEqual(s.rows.map((r) => `${r.from} -> ${r.to}: ${r.allowed}`), ["aws:app -> aws:data: tcp/5432", "aws:edge -> aws:app: tcp/8080", "internet -> aws:edge: tcp/443"]);
    assert.deepEqual(s.rows[2].rules.map((r) => r.rule), ["acl-edge inbound rule 100", "acl-edge outbound rule 110", "rt-edge routes[0] 0.0.0.0/0", "sg-edge ingress[0]"]);
    assert.equal(JSON.parse(JSON.stringify(s)).rows.length, 3);
  });
});
