import assert from "node:assert/strict";
import path from "node:path";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType, resourceNamed, type RecordedResource } from "../../mocks";
setupMocks();
import { SegmentedNetwork } from "../../../components/gcp";
import { IntentError, loadIntentFile, parseIntent, type Intent } from "../../../core/intent";
import { CidrSet } from "../../../core/net/cidr";

const SHOP = path.resolve(__dirname, "../../../examples/intents/shop.yaml");
const REGIONS = ["europe-west1", "us-central1"];
const T = {
  component: "netseg:gcp:SegmentedNetwork",
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  firewall: "gcp:compute/firewall:Firewall",
  route: "gcp:compute/route:Route",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  account: "gcp:serviceaccount/account:Account",
};

const shop = (): Intent => loadIntentFile(SHOP);
const email = (zone: string) => `shop-${zone}@netseg-test.iam.gserviceaccount.com`;
const firewall = (name: string): RecordedResource => {
  const r = resourcesOfType(T.firewall).find((x) => x.inputs.name === name);
  assert.ok(r, `no firewall named ${name}; have ${resourcesOfType(T.firewall).map((x) => x.inputs.name).join(", ")}`);
  return r;
};

async function build(name: string, intent: Intent, extra: Partial<ConstructorParameters<typeof SegmentedNetwork>[1]> = {}): Promise<SegmentedNetwork> {
  const net = new SegmentedNetwork(name, { intent, regions: REGIONS, ...extra });
  await unwrap(net.networkId);
  await settle();
  return net;
}

describe("components/gcp SegmentedNetwork (under mocks)", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("creates a custom-mode VPC without default routes, and subnets with Private Google Access and flow logs", async () => {
    const net = await build("gcp-shop", shop());
    const vpc = resourceNamed(T.network, "gcp-shop-vpc");
    assert.deepEqual([vpc.inputs.name, vpc.inputs.autoCreateSubnetworks, vpc.inputs.routingMode, vpc.inputs.deleteDefaultRoutesOnCreate], ["shop", false, "REGIONAL", true]);
    assert.equal(vpc.parent, resourcesOfType(T.component)[0].urn);
    const subnets = resourcesOfType(T.subnet);
    assert.deepEqual(subnets.map((s) => s.name).sort(), ["app", "data", "edge"].flatMap((z) => REGIONS.map((r) => `gcp-shop-${z}-${r}`)));
    for (const s of subnets) {
      assert.equal(s.parent, vpc.urn);
      assert.equal(s.inputs.privateIpGoogleAccess, true);
      assert.deepEqual(s.inputs.logConfig, { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" });
      assert.match(s.inputs.description, /netseg-zone=/);
    }
    const edgeUs = resourceNamed(T.subnet, "gcp-shop-edge-us-central1");
    assert.deepEqual([edgeUs.inputs.name, edgeUs.inputs.region, edgeUs.inputs.ipCidrRange], ["shop-edge-us-central1", "us-central1", "10.20.4.0/22"]);
    assert.equal(await unwrap(net.subnetIds.edge["us-central1"]), edgeUs.id);
    assert.equal(await unwrap(net.networkId), vpc.id);
  });

  it("gives each zone a service account and targets firewall rules by it", async () => {
    const net = await build("gcp-shop-sa", shop());
    assert.deepEqual(resourcesOfType(T.account).map((a) => a.inputs.accountId).sort(), ["shop-app", "shop-data", "shop-edge"]);
    assert.equal(await unwrap(net.serviceAccountEmails.data), email("data"));
    const appToData = firewall("shop-in-app-to-data");
    assert.deepEqual([appToData.inputs.direction, appToData.inputs.targetServiceAccounts, appToData.inputs.sourceServiceAccounts], ["INGRESS", [email("data")], [email("app")]]);
    assert.deepEqual(appToData.inputs.allows, [{ protocol: "tcp", ports: ["5432", "6379"] }]);
    const egress = firewall("shop-eg-app-to-data");
    assert.deepEqual([egress.inputs.direction, egress.inputs.targetServiceAccounts, egress.inputs.sourceServiceAccounts], ["EGRESS", [email("app")], undefined]);
    assert.ok(CidrSet.fromCidrs(egress.inputs.destinationRanges).equals(CidrSet.fromCidrs(["10.20.32.0/22", "10.20.36.0/22"])));
    for (const f of resourcesOfType(T.firewall)) assert.equal(f.inputs.targetTags, undefined, "never mixes tags with service accounts");
  });

  it("registers allow rules at 1000 and a logged deny-all for ingress and egress at 65534; every rule has a description", async () => {
    const net = await build("gcp-shop-fw", shop());
    const fws = resourcesOfType(T.firewall);
    assert.equal(fws.length, net.plan.firewallRules.length);
    const vpc = resourceNamed(T.network, "gcp-shop-fw-vpc");
    for (const f of fws) {
      assert.ok(typeof f.inputs.description === "string" && f.inputs.description.length > 10, `${f.name} has a description`);
      assert.deepEqual(f.inputs.logConfig, { metadata: "INCLUDE_ALL_METADATA" });
      assert.equal(f.inputs.network, vpc.id);
      assert.equal(f.parent, vpc.urn);
      assert.equal(f.inputs.priority, f.inputs.denies ? 65534 : 1000, f.name);
    }
    const denies = fws.filter((f) => f.inputs.denies);
    assert.deepEqual(denies.map((d) => [d.inputs.name, d.inputs.direction, d.inputs.denies, d.inputs.sourceRanges ?? d.inputs.destinationRanges, d.inputs.targetServiceAccounts]).sort(), [
      ["shop-deny-all-egress", "EGRESS", [{ protocol: "all" }], ["0.0.0.0/0"], undefined],
      ["shop-deny-all-ingress", "INGRESS", [{ protocol: "all" }], ["0.0.0.0/0"], undefined],
    ]);
    assert.deepEqual(fws.map((f) => f.inputs.name).sort(), [
      "shop-deny-all-egress", "shop-deny-all-ingress",
      "shop-eg-app-to-data", "shop-eg-app-to-egress-proxy", "shop-eg-edge-to-app",
      "shop-in-app-to-data", "shop-in-edge-to-app", "shop-in-internet-to-edge", "shop-in-office-to-app",
    ]);
  });

  it("creates Cloud NAT and the internet route only for the nat zones", async () => {
    await build("gcp-shop-nat", shop());
    const routes = resourcesOfType(T.route);
    assert.deepEqual(routes.map((r) => [r.inputs.name, r.inputs.destRange, r.inputs.nextHopGateway, r.inputs.tags]), [["shop-internet", "0.0.0.0/0", "default-internet-gateway", ["shop-edge"]]]);
    assert.deepEqual(resourcesOfType(T.router).map((r) => [r.name, r.inputs.region]), REGIONS.map((r) => [`gcp-shop-nat-router-${r}`, r]));
    const nats = resourcesOfType(T.nat);
    assert.equal(nats.length, REGIONS.length);
    for (const n of nats) {
      assert.equal(n.inputs.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
      const edge = resourceNamed(T.subnet, `gcp-shop-nat-edge-${n.inputs.region}`);
      assert.deepEqual(n.inputs.subnetworks, [{ name: edge.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }], "only the nat zone's subnet in that region");
      assert.equal(n.parent, resourceNamed(T.router, `gcp-shop-nat-router-${n.inputs.region}`).urn);
    }
  });

  it("gives zones with egress none no route to the internet", async () => {
    await build("gcp-shop-route", shop());
    const tagged = resourcesOfType(T.route).flatMap((r) => r.inputs.tags as string[]);
    for (const zone of ["data", "app"]) assert.ok(!tagged.includes(`shop-${zone}`), zone);
    assert.ok(resourcesOfType(T.route).every((r) => Array.isArray(r.inputs.tags) && r.inputs.tags.length > 0), "no untagged route reaches every zone");

    resetRecorded();
    const closed = parseIntent({ name: "closed", addressSpace: "10.30.0.0/16", zones: [{ name: "web", internet: "inbound" }, { name: "db", egress: "none" }], flows: [{ from: "internet", to: "web", ports: ["tcp/443"] }, { from: "web", to: "db", ports: ["tcp/5432"] }] });
    await build("gcp-closed", closed);
    assert.deepEqual(resourcesOfType(T.route).map((r) => r.inputs.tags), [["closed-web"]], "only the internet-facing zone is routed, for its replies");
    assert.deepEqual([resourcesOfType(T.router).length, resourcesOfType(T.nat).length], [0, 0], "and nothing is NATed");
    assert.equal(resourceNamed(T.network, "gcp-closed-vpc").inputs.deleteDefaultRoutesOnCreate, true);
  });

  it("targets by network tag when asked, creating no service accounts", async () => {
    const net = await build("gcp-shop-tag", shop(), { targeting: "tag" });
    assert.equal(resourcesOfType(T.account).length, 0);
    assert.deepEqual(net.serviceAccountEmails, {});
    assert.deepEqual(net.networkTags, { app: "shop-app", data: "shop-data", edge: "shop-edge" });
    const r = firewall("shop-in-app-to-data");
    assert.deepEqual([r.inputs.targetTags, r.inputs.sourceTags, r.inputs.targetServiceAccounts, r.inputs.sourceServiceAccounts], [["shop-data"], ["shop-app"], undefined, undefined]);
  });

  describe("bad input creates nothing", () => {
    async function refused(intent: Intent, extra: Partial<ConstructorParameters<typeof SegmentedNetwork>[1]>, pattern: RegExp): Promise<void> {
      assert.throws(() => new SegmentedNetwork("gcp-bad", { intent, regions: REGIONS, ...extra }), (e: unknown) => e instanceof IntentError && pattern.test(e.message));
      await settle();
      assert.deepEqual(recorded(), []);
    }

    it("a workload endpoint", async () => {
      const intent = parseIntent({ name: "w", addressSpace: "10.0.0.0/16", zones: [{ name: "web", workloads: [{ name: "api" }] }, { name: "db" }], flows: [{ from: "web/api", to: "db", ports: ["tcp/5432"] }] });
      await refused(intent, {}, /flows\[0\]\.from: names a workload, and GCP has no workloads/);
    });

    it("a malformed region", async () => {
      await refused(shop(), { regions: ["europe-west1-b"] }, /args\.regions\[0\]: is a GCP zone, not a region.*Fix: use the region "europe-west1"/);
    });

    it("a name GCP would refuse", async () => {
      await refused(shop(), { namePrefix: "a-very-long-name-prefix-that-goes-past-forty" }, /args\.namePrefix: the name prefix is 44 characters long; at most 40 are allowed/);
    });
  });
});
