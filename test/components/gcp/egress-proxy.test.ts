import assert from "node:assert/strict";
import path from "node:path";
import { setupMocks, resetRecorded, settle, resourcesOfType, unwrap, type RecordedResource } from "../../mocks";
setupMocks();
import { GcpEgressProxy, SegmentedNetwork } from "../../../components/gcp";
import { loadIntentFile, parseIntent, type Intent } from "../../../core/intent";
import { CidrSet } from "../../../core/net/cidr";

const SHOP = path.resolve(__dirname, "../../../examples/intents/shop.yaml");
const REGIONS = ["europe-west1", "us-central1"];
const FIREWALL = "gcp:compute/firewall:Firewall";

async function build(name: string, intent: Intent = loadIntentFile(SHOP), egressProxyPort?: number) {
  const network = new SegmentedNetwork(name, { intent, regions: REGIONS, egressProxyPort });
  const proxy = new GcpEgressProxy(`${name}-egress`, { intent, network });
  await settle();
  const proxyEmail = await unwrap(proxy.serviceAccount.email).then((e) => e || `${proxy.plan.serviceAccountId}@netseg-test.iam.gserviceaccount.com`);
  const appEmail = await unwrap(network.serviceAccountEmails.app);
  return { intent, network, proxy, proxyEmail, appEmail };
}

const firewallNamed = (name: string): RecordedResource => {
  const r = resourcesOfType(FIREWALL).find((x) => x.inputs.name === name);
  assert.ok(r, `no firewall ${name}; have ${resourcesOfType(FIREWALL).map((x) => x.inputs.name).join(", ")}`);
  return r;
};

describe("components/gcp/egress GcpEgressProxy", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("runs Squid with no external IP, Shielded VM, OS Login, project SSH keys blocked, and its own service account", async () => {
    const { proxyEmail } = await build("gp1");
    const templates = resourcesOfType("gcp:compute/instanceTemplate:InstanceTemplate");
    assert.equal(templates.length, REGIONS.length);
    for (const t of templates) {
      assert.deepEqual(t.inputs.networkInterfaces.map((n: any) => n.accessConfigs ?? []), [[]], "no external address");
      assert.deepEqual(t.inputs.shieldedInstanceConfig, { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true });
      assert.equal(t.inputs.metadata["enable-oslogin"], "TRUE");
      assert.equal(t.inputs.metadata["block-project-ssh-keys"], "TRUE");
      assert.equal(t.inputs.canIpForward, false);
      assert.equal(t.inputs.serviceAccount.email, proxyEmail);
      const script: string = t.inputs.metadata["startup-script"];
      assert.match(script, /apt-get install -y squid/);
      assert.match(script, /acl hosts_app_443 dstdomain -n api\.stripe\.com/);
      assert.match(script, /http_access deny all\n/);
      assert.match(script, /squid -k parse/);
    }
  });

  it("admits tcp/3128 only from the proxied zones' service accounts and Google's health checks; no SSH anywhere", async () => {
    const { proxy, proxyEmail, appEmail } = await build("gp2");
    const clients = firewallNamed("shop-egress-proxy-clients");
    assert.deepEqual([clients.inputs.direction, clients.inputs.allows, clients.inputs.targetServiceAccounts, clients.inputs.sourceServiceAccounts, clients.inputs.sourceRanges], ["INGRESS", [{ protocol: "tcp", ports: ["3128"] }], [proxyEmail], [appEmail], undefined]);
    const health = firewallNamed("shop-egress-proxy-health");
    assert.deepEqual([health.inputs.allows, health.inputs.sourceRanges, health.inputs.targetServiceAccounts], [[{ protocol: "tcp", ports: ["3128"] }], ["35.191.0.0/16", "130.211.0.0/22"], [proxyEmail]]);
    const mine = Object.keys(proxy.firewalls).map((k) => firewallNamed(`shop-egress-proxy-${k}`));
    assert.equal(mine.length, 4);
    for (const f of mine) {
      assert.ok(f.inputs.description && f.inputs.logConfig, `${f.inputs.name} is described and logged`);
      for (const a of f.inputs.allows) assert.ok(!(a.ports as string[]).some((p) => p === "22" || p === "3389"), `${f.inputs.name} opens no admin port`);
    }
  });

  it("lets the proxied zone reach the proxy on 3128, and the proxy out only on the allow-listed ports", async () => {
    const { proxy, proxyEmail, appEmail } = await build("gp3");
    const zonesOut = firewallNamed("shop-egress-proxy-zones-out");
    assert.deepEqual([zonesOut.inputs.direction, zonesOut.inputs.allows, zonesOut.inputs.targetServiceAccounts], ["EGRESS", [{ protocol: "tcp", ports: ["3128"] }], [appEmail]]);
    assert.deepEqual(zonesOut.inputs.destinationRanges, proxy.plan.regions.map((r) => r.subnet.cidr));
    const out = firewallNamed("shop-egress-proxy-out");
    assert.deepEqual([out.inputs.direction, out.inputs.allows, out.inputs.destinationRanges, out.inputs.targetServiceAccounts], ["EGRESS", [{ protocol: "tcp", ports: ["443"] }], ["0.0.0.0/0"], [proxyEmail]]);
  });

  it("with a network built for the proxy's port, the zone's own rules reach it on 3128 and nothing else does", async () => {
    const { network, proxy, appEmail } = await build("gp5", loadIntentFile(SHOP), 3128);
    assert.equal(proxy.firewalls["zones-out"], undefined);
    const toProxy = resourcesOfType(FIREWALL).filter((f) => f.inputs.direction === "EGRESS" && (f.inputs.targetServiceAccounts ?? []).includes(appEmail) && /egress-proxy/.test(String(f.inputs.name)));
    assert.ok(toProxy.length > 0, "the network carries the zone's rule towards the proxy");
    for (const f of toProxy) assert.deepEqual(f.inputs.allows, [{ protocol: "tcp", ports: ["3128"] }], `${f.inputs.name} opens only the listen port`);
    const ranges = CidrSet.fromCidrs(toProxy.flatMap((f) => f.inputs.destinationRanges));
    assert.equal(ranges.toString(), CidrSet.fromCidrs(proxy.plan.regions.map((r) => r.subnet.cidr)).toString());
    assert.equal(network.plan.egressProxyPort, 3128);
  });

  it("puts each region's fleet behind an internal passthrough TCP load balancer on 3128 in the reserved proxy subnet, with its own NAT and route", async () => {
    const { network, proxy } = await build("gp4");
    const subnets = resourcesOfType("gcp:compute/subnetwork:Subnetwork").filter((s) => String(s.inputs.name).startsWith("shop-proxy-"));
    assert.deepEqual(subnets.map((s) => [s.inputs.region, s.inputs.ipCidrRange]), REGIONS.map((r, i) => [r, proxy.plan.regions[i].subnet.cidr]));
    const zoneCidrs = CidrSet.fromCidrs(network.plan.subnets.map((s) => s.cidr));
    assert.ok(subnets.every((s) => !zoneCidrs.overlaps(CidrSet.fromCidrs([s.inputs.ipCidrRange]))), "proxy subnets are outside every zone");
    const rules = resourcesOfType("gcp:compute/forwardingRule:ForwardingRule");
    assert.deepEqual(rules.map((r) => [r.inputs.loadBalancingScheme, r.inputs.ipProtocol, r.inputs.ports, r.inputs.subnetwork]), subnets.map((s) => ["INTERNAL", "TCP", ["3128"], s.id]));
    const backends = resourcesOfType("gcp:compute/regionBackendService:RegionBackendService");
    assert.ok(backends.every((b) => b.inputs.loadBalancingScheme === "INTERNAL" && b.inputs.protocol === "TCP"));
    const groups = resourcesOfType("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager");
    assert.deepEqual(groups.map((g) => [g.inputs.region, g.inputs.targetSize]), REGIONS.map((r) => [r, 2]));
    const nats = resourcesOfType("gcp:compute/routerNat:RouterNat").filter((n) => String(n.inputs.name).startsWith("shop-egress-proxy"));
    assert.deepEqual(nats.map((n) => n.inputs.subnetworks.map((x: any) => x.name)), subnets.map((s) => [s.id]), "NAT serves the proxy subnet only");
    const [route] = resourcesOfType("gcp:compute/route:Route").filter((r) => r.inputs.name === "shop-egress-proxy-internet");
    assert.deepEqual(route.inputs.tags, [proxy.plan.networkTag]);
    assert.ok(!Object.values(network.networkTags).includes(proxy.plan.networkTag), "no zone carries the proxy's tag");
    assert.match(await unwrap(proxy.proxyUrls["europe-west1"]), /^http:\/\/.*:3128$/);
  });

  it("refuses an intent without a proxied zone, naming the fix", () => {
    const intent = parseIntent({ name: "plain", addressSpace: "10.9.0.0/16", zones: [{ name: "app" }], flows: [] });
    const network = new SegmentedNetwork("gp5", { intent, regions: REGIONS });
    assert.throws(() => new GcpEgressProxy("gp5-egress", { intent, network }), /GcpEgressProxy gp5-egress: intent "plain" has no zone with egress: proxy/);
  });
});
