/**
 * The change a quarantine makes to a deployment, measured on the resources the components
 * register under mocks (the offline preview's record), before and after one intent entry: every
 * resource keeps its URN and type (none renamed, none replaced), and only the expected ones are
 * created, deleted or updated. Lifting is the same comparison the other way round.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, type RecordedResource } from "../mocks";
setupMocks();
import { SegmentedVpc } from "../../components/aws";
import { SegmentedNetwork } from "../../components/gcp";
import { NamespaceIsolation } from "../../components/k8s";
import { parseIntent, type IntentInput } from "../../core/intent";
import { compareRecorded } from "../../cli/isolate";

const INPUT: IntentInput = {
  name: "shop",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 3,
  zones: [
    { name: "edge", slot: 0, internet: "inbound", egress: "nat" },
    { name: "app", slot: 1, egress: "proxy", workloads: [{ name: "api" }] },
    { name: "data", slot: 2, sensitive: true },
    { name: "batch", slot: 3, egress: "nat" },
  ],
  peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
    { from: "batch", to: "internet", ports: ["tcp/443"] },
  ],
  egress: [{ from: "app", allow: ["api.stripe.com:443"] }],
};
const quarantined = (target: string) => parseIntent({ ...INPUT, quarantine: [{ target, reason: "INC-1", since: "2026-12-06" }] });

async function record(build: () => void): Promise<RecordedResource[]> {
  await settle();
  resetRecorded();
  build();
  await settle();
  return [...recorded()];
}

const ROUTE = "aws:ec2/route:Route";
const NACL = "aws:ec2/networkAcl:NetworkAcl";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const FIREWALL = "gcp:compute/firewall:Firewall";
const name = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typed = (rs: readonly RecordedResource[]) => new Map(rs.map((r) => [r.urn, r]));

/** The diff, with the guarantee checked: a URN kept keeps its type, and none is both deleted and created under another name of the same type and parent. */
function diff(before: readonly RecordedResource[], after: readonly RecordedResource[]) {
  const d = compareRecorded(before.map((r) => ({ ...r, dependencies: [], propertyDependencies: {} })), after.map((r) => ({ ...r, dependencies: [], propertyDependencies: {} })));
  const [a, b] = [typed(before), typed(after)];
  for (const u of d.updated) assert.equal(a.get(u.urn)!.type, b.get(u.urn)!.type);
  return { ...d, added: d.added.map((u) => [b.get(u)!.type, name(u)]), removed: d.removed.map((u) => [a.get(u)!.type, name(u)]), updated: d.updated.map((u) => [a.get(u.urn)!.type, name(u.urn), u.inputs]) };
}

describe("quarantine: change size of a deployment (resources before and after, under mocks)", () => {
  let open: RecordedResource[];
  before(async function () {
    this.timeout(30000);
    open = await record(() => new SegmentedVpc("q", { intent: parseIntent(INPUT), egressProxy: { backend: "proxy-fleet" } }));
  });

  it("AWS, a zone behind the egress proxy: the zone's NACL updated in place (ingress, egress), nothing created, deleted or renamed", async () => {
    const after = await record(() => new SegmentedVpc("q", { intent: quarantined("app"), egressProxy: { backend: "proxy-fleet" } }));
    const d = diff(open, after);
    assert.deepEqual(d.added, []);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.updated, [[NACL, "q-app", ["egress", "ingress"]]]);
    const nacl = after.find((r) => r.type === NACL && r.name === "q-app")!;
    assert.deepEqual(nacl.inputs.ingress[0], { ruleNo: 1, action: "deny", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" });
    assert.deepEqual(nacl.inputs.egress.slice(1), open.find((r) => r.type === NACL && r.name === "q-app")!.inputs.egress, "the other entries keep their numbers");
  });

  it("AWS, a zone with egress nat: its NACL updated and its three default routes to the NAT gateway deleted", async () => {
    const after = await record(() => new SegmentedVpc("q", { intent: quarantined("batch"), egressProxy: { backend: "proxy-fleet" } }));
    const d = diff(open, after);
    assert.deepEqual(d.added, []);
    assert.deepEqual(d.removed, [[ROUTE, "q-batch-az1-default"], [ROUTE, "q-batch-az2-default"], [ROUTE, "q-batch-az3-default"]]);
    assert.deepEqual(d.updated, [[NACL, "q-batch", ["egress", "ingress"]]]);
  });

  it("AWS, the internet-facing zone: NACL updated, its internet-gateway route kept", async () => {
    const d = diff(open, await record(() => new SegmentedVpc("q", { intent: quarantined("edge"), egressProxy: { backend: "proxy-fleet" } })));
    assert.deepEqual([d.added, d.removed, d.updated], [[], [], [[NACL, "q-edge", ["egress", "ingress"]]]]);
  });

  it("AWS, a workload: one empty quarantine security group created, nothing else touched", async () => {
    const after = await record(() => new SegmentedVpc("q", { intent: quarantined("app/api"), egressProxy: { backend: "proxy-fleet" } }));
    const d = diff(open, after);
    assert.deepEqual(d.added, [[SG, "q-quarantine-app-api"]]);
    assert.deepEqual([d.removed, d.updated], [[], []]);
    const sg = after.find((r) => r.name === "q-quarantine-app-api")!;
    assert.deepEqual([sg.inputs.ingress, sg.inputs.egress], [[], []]);
  });

  it("lifting is the same change backwards", async () => {
    const q = await record(() => new SegmentedVpc("q", { intent: quarantined("batch"), egressProxy: { backend: "proxy-fleet" } }));
    const d = diff(q, open);
    assert.deepEqual(d.added, [[ROUTE, "q-batch-az1-default"], [ROUTE, "q-batch-az2-default"], [ROUTE, "q-batch-az3-default"]]);
    assert.deepEqual(d.removed, []);
  });

  it("GCP: two firewall rules created; a workload's name its quarantine tag and no service account", async () => {
    const gcpInput = (q?: IntentInput["quarantine"]) => parseIntent({ ...INPUT, zones: INPUT.zones.map((z) => ({ ...z, workloads: [] })), quarantine: q });
    const base = await record(() => new SegmentedNetwork("g", { intent: gcpInput(), regions: ["europe-west1"] }));
    const zone = diff(base, await record(() => new SegmentedNetwork("g", { intent: gcpInput([{ target: "batch", reason: "r", since: "2026-12-06" }]), regions: ["europe-west1"] })));
    assert.deepEqual(zone.added, [[FIREWALL, "g-fw-quarantine/batch/egress"], [FIREWALL, "g-fw-quarantine/batch/ingress"]]);
    assert.deepEqual([zone.removed, zone.updated], [[], []]);
    const withWorkload = parseIntent({ ...INPUT, zones: INPUT.zones.map((z) => ({ ...z })), flows: INPUT.flows, quarantine: [{ target: "app/api", reason: "r", since: "2026-12-06" }] });
    const after = await record(() => new SegmentedNetwork("g", { intent: withWorkload, regions: ["europe-west1"] }));
    const rules = after.filter((r) => r.type === FIREWALL && r.name.includes("quarantine"));
    assert.equal(rules.length, 2);
    for (const r of rules) {
      assert.deepEqual(r.inputs.targetTags, ["shop-quarantine-app-api"]);
      assert.equal(r.inputs.targetServiceAccounts, undefined, "never every instance of the network, never the zone's account");
      assert.equal(r.inputs.priority, 0);
    }
  });

  it("Kubernetes with cluster guardrails: one AdminNetworkPolicy created, the zone's own policy updated in place", async () => {
    const k8sInput = (q?: IntentInput["quarantine"]) => parseIntent({ ...INPUT, quarantine: q });
    const base = await record(() => new NamespaceIsolation("k", { intent: k8sInput(), clusterGuardrails: true }));
    const d = diff(base, await record(() => new NamespaceIsolation("k", { intent: k8sInput([{ target: "batch", reason: "r", since: "2026-12-06" }]), clusterGuardrails: true })));
    assert.deepEqual(d.added.map(([t, n]) => [t.split(":").slice(-1)[0], n]), [["AdminNetworkPolicy", "k-adminnetworkpolicy-netseg-shop-quarantine-batch"]]);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.updated.map(([, n]) => n), ["k-batch-zone-batch-policy"]);
  });
});
