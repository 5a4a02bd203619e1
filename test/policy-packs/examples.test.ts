/**
 * netseg's own examples against netseg's own packs: each example program is run under the SDK's
 * mocks (cli/preview's recorder), every rule of the three packs judges what it registers, and
 * a copy broken in one place is rejected by the rule that owns that place.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { breakOne, evaluate, recordExample, type Finding, type Recorded } from "./examples-run";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Findings the examples still produce, each with the reason; the test fails when one goes away
 * (remove it here) or a new one appears.
 */
const KNOWN: Record<string, { policy: string; reason: string }[]> = {};

interface Breakage {
  readonly title: string;
  readonly apply: (rs: Recorded[]) => Recorded[];
  readonly rule: string;
}

const T = (suffix: string) => (r: Recorded) => r.type.endsWith(suffix);

const BREAKAGES: Record<string, Breakage[]> = {
  "aws-three-tier": [
    { title: "an internet ingress rule moved to port 22", rule: "netseg-aws-sg-no-internet-admin-ports", apply: (rs) => breakOne(rs, (r) => T(":SecurityGroupIngressRule")(r) && r.inputs.cidrIpv4 === "0.0.0.0/0", (p) => Object.assign(p, { fromPort: 22, toPort: 22 })) },
    { title: "an app subnet maps public IPs", rule: "netseg-aws-subnet-no-public-ip-on-launch", apply: (rs) => breakOne(rs, (r) => T(":Subnet")(r) && r.inputs.tags?.["netseg:internet"] === "none", (p) => (p.mapPublicIpOnLaunch = true)) },
    { title: "the default security group gets a rule", rule: "netseg-aws-default-sg-no-rules", apply: (rs) => breakOne(rs, T(":DefaultSecurityGroup"), (p) => (p.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }])) },
    { title: "a NACL allows everything from the internet first", rule: "netseg-aws-nacl-no-allow-all", apply: (rs) => breakOne(rs, T(":NetworkAcl"), (p) => (p.ingress = [{ ruleNo: 1, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }, ...(p.ingress ?? [])])) },
    { title: "the flow log is dropped", rule: "netseg-aws-vpc-flow-logs", apply: (rs) => rs.filter((r) => !T(":FlowLog")(r)) },
    {
      title: "a standalone ingress rule put on vpc.defaultSecurityGroupId",
      rule: "netseg-aws-default-sg-no-standalone-rules",
      apply: (rs) => {
        const copy = structuredClone(rs) as Recorded[];
        const vpc = copy.find(T(":Vpc"))!;
        const rule = copy.find(T(":SecurityGroupIngressRule"))!;
        rule.propertyDependencies = { ...rule.propertyDependencies, securityGroupId: [vpc.urn] };
        rule.inputs.securityGroupId = rule.outputs.securityGroupId = vpc.outputs.defaultSecurityGroupId;
        return copy;
      },
    },
  ],
  "app-on-platform": [
    { title: "the database cluster's instance made publicly accessible", rule: "netseg-aws-datastore-not-public", apply: (rs) => breakOne(rs, T(":ClusterInstance"), (p) => (p.publiclyAccessible = true)) },
    { title: "an API instance given a public IP in the app zone", rule: "netseg-aws-instance-no-public-ip", apply: (rs) => breakOne(rs, (r) => T(":Instance")(r) && r.name === "orders-api-1", (p) => (p.associatePublicIpAddress = true)) },
  ],
  "existing-vpc": [
    { title: "a db subnet maps public IPs", rule: "netseg-aws-subnet-no-public-ip-on-launch", apply: (rs) => breakOne(rs, (r) => T(":Subnet")(r) && r.inputs.tags?.["netseg:zone"] === "db", (p) => (p.mapPublicIpOnLaunch = true)) },
    { title: "an internet ingress rule moved to port 3389", rule: "netseg-aws-sg-no-internet-admin-ports", apply: (rs) => breakOne(rs, (r) => T(":SecurityGroupIngressRule")(r) && r.inputs.cidrIpv4 === "0.0.0.0/0", (p) => Object.assign(p, { fromPort: 3389, toPort: 3389 })) },
  ],
  "gcp-three-tier": [
    { title: "an ingress allow opened to the internet on 22", rule: "netseg-gcp-firewall-no-internet-admin-ports", apply: (rs) => breakOne(rs, (r) => T(":Firewall")(r) && r.inputs.direction !== "EGRESS" && Array.isArray(r.inputs.allows), (p) => Object.assign(p, { sourceRanges: ["0.0.0.0/0"], sourceTags: undefined, sourceServiceAccounts: undefined, allows: [{ protocol: "tcp", ports: ["22"] }] })) },
    { title: "a subnet without flow logs", rule: "netseg-gcp-subnet-flow-logs", apply: (rs) => breakOne(rs, T(":Subnetwork"), (p) => delete p.logConfig) },
    { title: "an auto-mode network", rule: "netseg-gcp-no-default-network", apply: (rs) => breakOne(rs, T(":Network"), (p) => (p.autoCreateSubnetworks = true)) },
  ],
  "k8s-microservices": [
    { title: "the default-deny removed", rule: "netseg-k8s-namespace-default-deny", apply: (rs) => rs.filter((r) => !r.name.endsWith("default-deny-all")) },
    { title: "mTLS relaxed to PERMISSIVE", rule: "netseg-istio-peer-authentication-strict", apply: (rs) => breakOne(rs, T(":PeerAuthentication"), (p) => (p.spec.mtls = { mode: "PERMISSIVE" })) },
    { title: "an ipBlock of the whole internet", rule: "netseg-k8s-no-allow-all", apply: (rs) => breakOne(rs, (r) => r.name.endsWith("frontend-policy"), (p) => (p.spec.egress = [...(p.spec.egress ?? []), { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }])) },
  ],
};

const count = (fs: readonly Finding[]) => fs.reduce<Record<string, number>>((acc, f) => ((acc[f.policy] = (acc[f.policy] ?? 0) + 1), acc), {});

for (const example of ["aws-three-tier", "gcp-three-tier", "k8s-microservices", "egress-allowlist", "saas-tenants", "existing-vpc", "app-on-platform"]) {
  describe(`example ${example} against the packs`, function () {
    this.timeout(120_000);
    let resources: Recorded[] = [];
    let base: Finding[] = [];
    before(async () => {
      resources = await recordExample(path.join(ROOT, "examples", example));
      base = await evaluate(resources);
    });

    it("passes every rule (known findings listed with their reason)", () => {
      assert.ok(resources.length > 0);
      const expected = count((KNOWN[example] ?? []).map((k) => ({ policy: k.policy, message: k.reason })));
      assert.deepEqual(count(base), expected, base.map((f) => `${f.policy}: ${f.message}`).join("\n"));
    });

    for (const b of BREAKAGES[example] ?? []) {
      it(`a copy with ${b.title} is rejected by ${b.rule}`, async () => {
        const after = count(await evaluate(b.apply(resources)));
        const before = count(base);
        assert.ok((after[b.rule] ?? 0) > (before[b.rule] ?? 0), `${b.rule} did not fire; findings: ${JSON.stringify(after)}`);
      });
    }
  });
}
