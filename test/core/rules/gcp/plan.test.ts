import assert from "node:assert/strict";
import path from "node:path";
import { CidrSet } from "../../../../core/net/cidr";
import { IntentError, loadIntentFile, parseIntent, type Intent, type IntentInput } from "../../../../core/intent";
import { planAddresses } from "../../../../core/addressing";
import { intentFlowTuples } from "../../../../core/rules/neutral";
import { GCP_NAME_PATTERN, GCP_PRIORITY, gcpFlowTuples, planGcpNetwork, type GcpNetworkPlan } from "../../../../core/rules/gcp";

const SHOP = path.resolve(__dirname, "../../../../examples/intents/shop.yaml");
const REGIONS = ["europe-west1", "us-central1"];

function shopInput(): IntentInput {
  return {
    name: "shop",
    addressSpace: "10.20.0.0/16",
    zones: [
      { name: "edge", internet: "inbound", egress: "nat" },
      { name: "app", egress: "proxy" },
      { name: "data", egress: "none", sensitive: true },
    ],
    peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
    flows: [
      { from: "internet", to: "edge", ports: ["tcp/443", "tcp/80"] },
      { from: "edge", to: "app", ports: ["tcp/8080"] },
      { from: "app", to: "data", ports: ["tcp/5432", "tcp/6379"] },
      { from: "office", to: "app", ports: ["tcp/8443"] },
    ],
    egress: [{ from: "app", allow: ["api.stripe.com:443"] }],
  };
}

const shop = (): Intent => loadIntentFile(SHOP);
const rule = (plan: GcpNetworkPlan, key: string) => {
  const r = plan.firewallRules.find((x) => x.key === key);
  assert.ok(r, `no rule ${key}; have ${plan.firewallRules.map((x) => x.key).join(", ")}`);
  return r;
};

describe("core/rules/gcp planGcpNetwork", () => {
  describe("subnets", () => {
    it("plans one subnet per zone and region, the region's index being its AZ slot", () => {
      const intent = shop();
      const plan = planGcpNetwork(intent, { regions: REGIONS });
      assert.equal(plan.subnets.length, 3 * REGIONS.length);
      const aws = planAddresses(intent);
      for (const s of plan.subnets) {
        const same = aws.subnets.find((a) => a.zone === s.zone && a.azIndex === s.regionIndex);
        assert.equal(s.cidr, same?.cidr, `${s.key} takes AZ slot ${s.regionIndex}`);
        assert.equal(s.region, REGIONS[s.regionIndex]);
      }
      assert.deepEqual(plan.subnets.find((s) => s.key === "edge-us-central1"), { key: "edge-us-central1", zone: "edge", region: "us-central1", regionIndex: 1, name: "shop-edge-us-central1", cidr: "10.20.4.0/22" });
    });

    it("adding a region never moves or renames an existing subnet", () => {
      const one = planGcpNetwork(shop(), { regions: ["europe-west1"] });
      const three = planGcpNetwork(shop(), { regions: ["europe-west1", "us-east1", "asia-south1"] });
      for (const s of one.subnets) assert.deepEqual(three.subnets.find((x) => x.key === s.key), s);
    });
  });

  describe("firewall rules", () => {
    it("puts every allow rule at the allow priority and closes both directions with a logged deny-all at 65534", () => {
      const plan = planGcpNetwork(shop(), { regions: REGIONS });
      for (const r of plan.firewallRules.filter((x) => x.action === "allow")) {
        assert.equal(r.priority, GCP_PRIORITY.allow, r.key);
        assert.ok(r.priority >= GCP_PRIORITY.allowBandFrom && r.priority <= GCP_PRIORITY.allowBandTo);
        assert.ok(r.priority < GCP_PRIORITY.denyAll);
      }
      const denies = plan.firewallRules.filter((x) => x.action === "deny");
      assert.deepEqual(denies.map((d) => [d.key, d.direction, d.priority]), [["deny-all/egress", "EGRESS", 65534], ["deny-all/ingress", "INGRESS", 65534]]);
      for (const d of denies) {
        assert.deepEqual(d.protocols, [{ protocol: "all" }]);
        assert.deepEqual(d.targetZones, [], "applies to every instance");
        assert.ok(CidrSet.fromCidrs([...d.sourceRanges, ...d.destinationRanges]).isWorld());
        assert.equal(d.logging, true);
      }
      assert.ok(GCP_PRIORITY.denyAll < 65535, "wins over GCP's implied allow-egress at 65535");
    });

    it("gives every rule a description and logging", () => {
      const plan = planGcpNetwork(shop(), { regions: REGIONS });
      for (const r of plan.firewallRules) {
        assert.ok(r.description.length > 10, r.key);
        assert.equal(r.logging, true);
      }
      assert.match(rule(plan, "edge->app/ingress").description, /netseg flow edge to app.*ingress to zone app from edge/);
    });

    it("names zone sources by identity on ingress and zone destinations by their subnets on egress", () => {
      const plan = planGcpNetwork(shop(), { regions: REGIONS });
      const inn = rule(plan, "app->data/ingress");
      assert.deepEqual([inn.direction, inn.targetZones, inn.sourceZones, inn.sourceRanges], ["INGRESS", ["data"], ["app"], []]);
      assert.deepEqual(inn.protocols, [{ protocol: "tcp", ports: ["5432", "6379"] }]);
      const out = rule(plan, "app->data/egress");
      assert.deepEqual([out.direction, out.targetZones, out.sourceZones], ["EGRESS", ["app"], []]);
      const dataSubnets = plan.subnets.filter((s) => s.zone === "data").map((s) => s.cidr);
      assert.ok(CidrSet.fromCidrs(out.destinationRanges).equals(CidrSet.fromCidrs(dataSubnets)));
      for (const r of plan.firewallRules.filter((x) => x.direction === "EGRESS")) assert.deepEqual(r.sourceZones, [], "egress rules cannot name identities as peers");
    });

    it("takes the internet and peers as source ranges", () => {
      const plan = planGcpNetwork(shop(), { regions: REGIONS });
      // The internet minus the network's own 10.20.0.0/16: a VM of the network is never "the internet".
      assert.ok(CidrSet.fromCidrs(rule(plan, "internet->edge/ingress").sourceRanges).equals(CidrSet.WORLD_V4.subtract(CidrSet.fromCidrs(["10.20.0.0/16"]))));
      assert.deepEqual(rule(plan, "internet->edge/ingress").sourceRanges, plan.internetRanges);
      assert.deepEqual(rule(plan, "internet->edge/ingress").protocols, [{ protocol: "tcp", ports: ["80", "443"] }]);
      assert.deepEqual(rule(plan, "office->app/ingress").sourceRanges, ["203.0.113.0/24"]);
      assert.equal(plan.firewallRules.some((r) => r.key.startsWith("internet->") && r.direction === "EGRESS"), false);
    });

    it("opens egress to the internet only from zones with egress nat, and only on their flows", () => {
      const input = shopInput();
      input.flows!.push({ from: "edge", to: "internet", ports: ["tcp/443"] });
      const plan = planGcpNetwork(parseIntent(input), { regions: REGIONS });
      const worldEgress = plan.firewallRules.filter((r) => r.action === "allow" && r.direction === "EGRESS" && CidrSet.fromCidrs(r.destinationRanges).reachesPublic());
      assert.deepEqual(worldEgress.map((r) => [r.key, r.targetZones]), [["edge->internet/egress", ["edge"]]]);
      assert.deepEqual(worldEgress[0].protocols, [{ protocol: "tcp", ports: ["443"] }]);
    });

    it("sends egress allow-lists to the proxy ranges: netseg's reserved proxy subnets by default, or the given ones", () => {
      const intent = shop();
      const byDefault = rule(planGcpNetwork(intent, { regions: REGIONS }), "egress-proxy:app");
      const reserved = planAddresses(intent).infrastructure.filter((s) => s.purpose === "proxy" && s.azIndex < REGIONS.length).map((s) => s.cidr);
      assert.ok(CidrSet.fromCidrs(byDefault.destinationRanges).equals(CidrSet.fromCidrs(reserved)));
      assert.deepEqual([byDefault.kind, byDefault.targetZones, byDefault.protocols], ["egress-proxy", ["app"], [{ protocol: "tcp", ports: ["443"] }]]);
      const given = rule(planGcpNetwork(intent, { regions: REGIONS, egressProxyRanges: ["10.20.250.10/32"] }), "egress-proxy:app");
      assert.deepEqual(given.destinationRanges, ["10.20.250.10/32"]);
    });

    it("splits a rule whose peer has more than 256 ranges, keeping every range", () => {
      const input = shopInput();
      const cidrs = Array.from({ length: 300 }, (_, i) => `198.18.${Math.floor(i / 2)}.${(i % 2) * 128}/26`);
      input.peers = [{ name: "partner", cidrs }];
      input.flows = [{ from: "partner", to: "app", ports: ["tcp/8443"] }];
      input.egress = [];
      const plan = planGcpNetwork(parseIntent(input), { regions: REGIONS });
      const parts = plan.firewallRules.filter((r) => r.key.startsWith("partner->app/ingress"));
      assert.deepEqual(parts.map((p) => [p.key, p.name, p.sourceRanges.length]), [
        ["partner->app/ingress#1", "shop-in-partner-to-app-p1", 256],
        ["partner->app/ingress#2", "shop-in-partner-to-app-p2", 44],
      ]);
      assert.ok(CidrSet.fromCidrs(parts.flatMap((p) => p.sourceRanges)).equals(CidrSet.fromCidrs(cidrs)));
      assert.deepEqual(plan.flowTuples(), intentFlowTuples(parseIntent(input)));
    });
  });

  describe("flow tuples", () => {
    it("equal the intent's, and are read from the rules' fields: both sides of a zone-to-zone flow must allow it", () => {
      const intent = shop();
      const plan = planGcpNetwork(intent, { regions: REGIONS });
      assert.deepEqual(plan.flowTuples(), intentFlowTuples(intent));
      const ctx = { zones: plan.zones, peers: plan.peers, internet: plan.internetRanges };
      const without = (key: string) => plan.firewallRules.filter((r) => r.key !== key);
      const pairs = (rules: typeof plan.firewallRules) => [...new Set(gcpFlowTuples(rules, ctx).map((t) => `${t.from}->${t.to}`))].sort();
      assert.deepEqual(pairs(plan.firewallRules), ["app->data", "edge->app", "internet->edge", "office->app"]);
      assert.deepEqual(pairs(without("app->data/ingress")), ["edge->app", "internet->edge", "office->app"]);
      assert.deepEqual(pairs(without("app->data/egress")), ["edge->app", "internet->edge", "office->app"]);
      const misdirected = plan.firewallRules.map((r) => (r.key === "app->data/egress" ? { ...r, destinationRanges: plan.subnets.filter((x) => x.zone === "edge").map((x) => x.cidr) } : r));
      assert.deepEqual(pairs(misdirected), ["edge->app", "internet->edge", "office->app"], "an egress rule aimed at edge's subnets does not carry app->data");
    });
  });

  describe("NAT and the internet route", () => {
    it("routes to the internet and NATs only the zones with egress nat", () => {
      const plan = planGcpNetwork(shop(), { regions: REGIONS });
      assert.deepEqual(plan.routes.map((r) => [r.key, r.destRange, r.nextHopGateway, r.tags, r.zones]), [["internet", "0.0.0.0/0", "default-internet-gateway", ["shop-edge"], ["edge"]]]);
      assert.deepEqual(plan.nat.map((n) => [n.region, n.routerName, n.natName, n.subnetKeys]), [
        ["europe-west1", "shop-router-europe-west1", "shop-nat-europe-west1", ["edge-europe-west1"]],
        ["us-central1", "shop-router-us-central1", "shop-nat-us-central1", ["edge-us-central1"]],
      ]);
    });

    it("routes an internet-facing zone without egress nat (for its replies) but gives it no NAT", () => {
      const input = shopInput();
      input.zones![0] = { name: "edge", internet: "inbound", egress: "none" };
      const plan = planGcpNetwork(parseIntent(input), { regions: REGIONS });
      assert.deepEqual(plan.routes.map((r) => r.zones), [["edge"]]);
      assert.deepEqual(plan.nat, []);
      const egressDenyAll = plan.firewallRules.filter((r) => r.direction === "EGRESS" && r.action === "deny");
      assert.ok(egressDenyAll.length > 0, "its egress stays closed by the deny-all");
    });

    it("plans no route and no NAT when no zone faces the internet or has egress nat", () => {
      const input = shopInput();
      input.zones![0] = { name: "edge", egress: "none" };
      input.flows = input.flows!.filter((f) => f.from !== "internet");
      const plan = planGcpNetwork(parseIntent(input), { regions: REGIONS });
      assert.deepEqual([plan.routes, plan.nat], [[], []]);
    });
  });

  describe("targeting", () => {
    it("gives each zone a service account by default and none when targeting by tag", () => {
      const bySa = planGcpNetwork(shop(), { regions: REGIONS });
      assert.equal(bySa.targeting, "serviceAccount");
      assert.deepEqual(bySa.zones.map((z) => [z.name, z.serviceAccountId, z.networkTag]), [["app", "shop-app", "shop-app"], ["data", "shop-data", "shop-data"], ["edge", "shop-edge", "shop-edge"]]);
      const byTag = planGcpNetwork(shop(), { regions: REGIONS, targeting: "tag" });
      assert.equal(byTag.targeting, "tag");
      assert.ok(byTag.zones.every((z) => z.serviceAccountId === undefined));
      assert.deepEqual(byTag.firewallRules, bySa.firewallRules, "the rules name zones; the component maps them to accounts or tags");
    });

    it("labels zones with the GCP zone marks", () => {
      const plan = planGcpNetwork(shop(), { regions: REGIONS });
      assert.deepEqual(plan.zones.find((z) => z.name === "data")!.labels, {
        "netseg-managed-by": "netseg", "netseg-intent": "shop", "netseg-zone": "data", "netseg-internet": "none", "netseg-egress": "none", "netseg-sensitive": "true",
      });
    });
  });

  describe("names", () => {
    const allNames = (p: GcpNetworkPlan) => [p.networkName, ...p.subnets.map((s) => s.name), ...p.firewallRules.map((r) => r.name), ...p.routes.map((r) => r.name), ...p.nat.flatMap((n) => [n.routerName, n.natName]), ...p.zones.map((z) => z.networkTag)];

    it("are valid GCP names, and the same input gives a byte-identical plan", () => {
      const a = planGcpNetwork(shop(), { regions: REGIONS });
      for (const n of allNames(a)) assert.match(n, GCP_NAME_PATTERN);
      assert.equal(JSON.stringify(planGcpNetwork(shop(), { regions: REGIONS })), JSON.stringify(a));
    });

    it("do not depend on the order zones and flows are declared in", () => {
      const input = shopInput();
      input.zones = input.zones!.map((z, i) => ({ ...z, slot: i }));
      const reordered = { ...input, zones: [...input.zones].reverse(), flows: [...input.flows!].reverse() };
      assert.equal(JSON.stringify(planGcpNetwork(parseIntent(reordered), { regions: REGIONS })), JSON.stringify(planGcpNetwork(parseIntent(input), { regions: REGIONS })));
    });

    it("shortens long names deterministically with a hash, within 63 (30 for service accounts)", () => {
      const longA = `${"a".repeat(21)}-zone-one`;
      const longB = `${"a".repeat(21)}-zone-two`;
      const input: IntentInput = {
        name: "shop",
        addressSpace: "10.20.0.0/16",
        zones: [{ name: longA, egress: "nat" }, { name: longB }],
        flows: [{ from: longA, to: longB, ports: ["tcp/443"] }],
      };
      const prefix = "p".repeat(40);
      const plan = planGcpNetwork(parseIntent(input), { regions: ["northamerica-northeast1"], namePrefix: prefix });
      for (const n of allNames(plan).filter((x) => x !== prefix)) {
        assert.match(n, GCP_NAME_PATTERN);
        assert.ok(n.length <= 63, `${n} is ${n.length} long`);
      }
      const fw = rule(plan, `${longA}->${longB}/egress`);
      assert.match(fw.name, /^p{40}-eg-a{10}-[0-9a-f]{8}$/);
      assert.equal(fw.name.length, 63);
      const ids = plan.zones.map((z) => z.serviceAccountId!);
      for (const id of ids) assert.ok(id.length >= 6 && id.length <= 30 && GCP_NAME_PATTERN.test(id), id);
      assert.notEqual(ids[0], ids[1]);
      assert.equal(new Set(allNames(plan)).size, allNames(plan).length, "shortened names stay distinct");
      assert.deepEqual(planGcpNetwork(parseIntent(input), { regions: ["northamerica-northeast1"], namePrefix: prefix }).firewallRules.map((r) => r.name), plan.firewallRules.map((r) => r.name));
    });

    it("pads short service-account ids to GCP's minimum of 6", () => {
      const plan = planGcpNetwork(parseIntent({ name: "s", addressSpace: "10.0.0.0/16", zones: [{ name: "a" }] }), { regions: ["us-east1"] });
      assert.equal(plan.zones[0].serviceAccountId, "s-a-sa");
    });
  });

  describe("bad input", () => {
    function problems(intent: Intent, options: Parameters<typeof planGcpNetwork>[1]): string[] {
      try {
        planGcpNetwork(intent, options);
      } catch (e) {
        assert.ok(e instanceof IntentError, String(e));
        return e.issues.map((i) => `${i.path}: ${i.message} | ${i.fix ?? ""}`);
      }
      assert.fail("expected an IntentError");
    }

    it("refuses a workload endpoint: GCP has no workloads", () => {
      const input = shopInput();
      input.zones![1] = { name: "app", egress: "proxy", workloads: [{ name: "api" }] };
      input.flows![1] = { from: "edge", to: "app/api", ports: ["tcp/8080"] };
      input.egress = [{ from: "app/api", allow: ["api.stripe.com:443"] }];
      const p = problems(parseIntent(input), { regions: REGIONS });
      assert.equal(p.length, 2);
      assert.match(p[0], /^flows\[1\]\.to: names a workload, and GCP has no workloads.*\| use the zone "app" for GCP/);
      assert.match(p[1], /^egress\[0\]\.from: names a workload/);
    });

    it("refuses malformed, zone-like, duplicate, missing and too many regions", () => {
      assert.deepEqual(problems(shop(), { regions: ["us-central1-a", "US-EAST1", "mars", "europe-west1", "europe-west1"] }), [
        'args.regions[0]: is a GCP zone, not a region (subnets are regional) | use the region "us-central1"',
        'args.regions[1]: is not a GCP region name (<area>-<direction><number>) | write it in lower case: "us-east1"',
        "args.regions[2]: is not a GCP region name (<area>-<direction><number>) | use a GCP region name such as us-central1 or europe-west1",
        "args.regions[4]: repeats args.regions[3] | list each region once",
        "args.regions: 5 regions do not fit: each zone block has 4 subnet slots (addressing.azSlots), one per region | raise addressing.azSlots in the intent (this renumbers every subnet) or use fewer regions",
      ]);
      assert.match(problems(shop(), { regions: [] })[0], /^args\.regions: names no region/);
    });

    it("refuses names GCP would not accept: a too-long or malformed prefix, a too-long network name", () => {
      assert.match(problems(shop(), { regions: REGIONS, namePrefix: "x".repeat(41) })[0], /^args\.namePrefix: the name prefix is 41 characters long; at most 40 are allowed/);
      assert.match(problems(shop(), { regions: REGIONS, namePrefix: "Shop_Net" })[0], /^args\.namePrefix: the name prefix must be lower-case letters/);
      assert.match(problems(shop(), { regions: REGIONS, networkName: "n".repeat(64) })[0], /^args\.networkName: the network name is 64 characters long; at most 63/);
    });

    it("reports two keys that map to the same GCP name", () => {
      const input: IntentInput = {
        name: "shop",
        addressSpace: "10.20.0.0/16",
        zones: [{ name: "a" }, { name: "b-to-c" }, { name: "a-to-b" }, { name: "c" }],
        flows: [{ from: "a", to: "b-to-c", ports: ["tcp/1"] }, { from: "a-to-b", to: "c", ports: ["tcp/2"] }],
      };
      const p = problems(parseIntent(input), { regions: REGIONS });
      assert.ok(p.some((x) => /^firewall rule a-to-b->c\/egress: maps to the same GCP name as firewall rule a->b-to-c\/egress/.test(x)), p.join("\n"));
    });

    it("refuses unmanaged zones, tenants and a bad proxy range, all at once", () => {
      const input = shopInput();
      input.zones!.push({ name: "ingress", managed: false });
      input.tenants = { pool: "10.128.0.0/9", blockPrefix: 20, zones: [{ name: "web" }], sharedServices: { addressSpace: "10.100.0.0/16", ports: ["tcp/443"] }, members: [{ name: "t1" }] };
      const p = problems(parseIntent(input), { regions: REGIONS });
      assert.deepEqual(p.map((x) => x.split(":")[0]), ["zones[3].managed", "tenants"]);
      assert.deepEqual(problems(shop(), { regions: REGIONS, egressProxyRanges: ["10.0.0.1/16"] }).map((x) => x.split(" | ")[0]), ['args.egressProxyRanges[0]: "10.0.0.1/16" has host bits set; the block it names is 10.0.0.0/16']);
      assert.deepEqual(problems(shop(), { regions: REGIONS, egressProxyRanges: [] }).map((x) => x.split(" | ")[0]), ["args.egressProxyRanges: is empty, but the intent has egress allow-lists that go through the egress proxy"]);
    });

    it("refuses egress to the internet from a zone without nat even if the intent checks were bypassed", () => {
      const intent = shop();
      const data = { kind: "zone", zone: "data" } as const;
      const forged: Intent = { ...intent, flows: [...intent.flows, { key: "data->internet", from: data, to: { kind: "internet" }, ports: [{ protocol: "tcp", from: 443, to: 443 }], description: "forged" }] };
      assert.deepEqual(problems(forged, { regions: REGIONS }), ['flows[4]: zone "data" has egress none, so GCP gives it no egress to the internet | set egress: nat on zone "data"']);
    });
  });
});
