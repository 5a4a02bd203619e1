/**
 * Cluster guardrails (`clusterGuardrails`): off, the plan is exactly what it was; on, per zone an
 * AdminNetworkPolicy (DNS Allow, declared flows Pass, other zones Deny), per tenant one denying the
 * other tenants, and the BaselineAdminNetworkPolicy. Held against the intent with a reference
 * evaluator of the API's layers (admin-reference.ts): with a namespace owner's NetworkPolicy that
 * opens everything both ways in every namespace, no undeclared path between zones or tenants
 * opens, every declared flow still works, and DNS works even without netseg's DNS policy. Random
 * intents (fast-check) besides the examples.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent, type Intent } from "../../../../core/intent";
import { planK8s, planK8sTenants, k8sTenantLayout, k8sPlanObjects, type K8sPlan } from "../../../../core/rules/k8s";
import { connectionAllowed, openEverything, type RefCluster, type RefPod, type RefTraffic } from "./admin-reference";

const ROOT = path.resolve(__dirname, "../../../..");
const shop = () => loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
const microservices = () => loadIntentFile(path.join(ROOT, "examples/k8s-microservices/intent.yaml"));
const json = (x: unknown) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));

function tenantsIntent(members: string[]): Intent {
  return parseIntent({
    name: "fleet",
    addressSpace: "10.0.0.0/16",
    zones: [{ name: "ops", slot: 0 }],
    tenants: {
      pool: "10.128.0.0/12",
      blockPrefix: 20,
      zones: [
        { name: "web", slot: 0, workloads: [{ name: "site" }, { name: "admin" }] },
        { name: "app", slot: 1 },
        { name: "data", slot: 2, sensitive: true },
      ],
      flows: [
        { from: "web/site", to: "app", ports: ["tcp/8080"] },
        { from: "app", to: "data", ports: ["tcp/5432"] },
      ],
      sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443", "udp/53"], zones: [{ name: "services", slot: 0 }] },
      members: members.map((name, slot) => ({ name, slot })),
    },
  });
}

/** The cluster the plan describes: its namespaces (plus unmanaged zones and kube-system), a pod per workload and one stray pod per namespace. */
function clusterOf(intent: Intent, plan: K8sPlan, extraPolicies: any[] = []): { cluster: RefCluster; pods: RefPod[]; dns: RefPod } {
  const namespaces = [
    ...plan.namespaces.map((n) => ({ name: n.metadata.name, labels: n.metadata.labels })),
    ...intent.zones.filter((z) => !z.managed).map((z) => ({ name: z.name, labels: {} })),
    { name: "kube-system", labels: {} },
  ];
  const pods: RefPod[] = [];
  for (const z of intent.zones) {
    for (const w of z.workloads) pods.push({ name: w.name, namespace: z.name, labels: w.labels });
    pods.push({ name: "stray", namespace: z.name, labels: { app: "stray" } });
  }
  const dns = { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
  return {
    cluster: { namespaces, networkPolicies: [...json(plan.networkPolicies), ...extraPolicies], adminNetworkPolicies: json(plan.adminNetworkPolicies ?? []), baselineAdminNetworkPolicy: json(plan.baselineAdminNetworkPolicy) },
    pods,
    dns,
  };
}

/** Probe traffic: each declared port bound, its neighbours, and a few ports nobody declared. */
function probes(intent: Intent): RefTraffic[] {
  const out = new Map<string, RefTraffic>();
  const add = (protocol: RefTraffic["protocol"], port: number) => port >= 1 && port <= 65535 && out.set(`${protocol}/${port}`, { protocol, port });
  for (const f of intent.flows) {
    for (const p of f.ports) {
      if (p.protocol === "tcp" || p.protocol === "udp" || p.protocol === "sctp") {
        const proto = p.protocol.toUpperCase() as RefTraffic["protocol"];
        for (const port of [p.from - 1, p.from, p.to, p.to + 1]) add(proto, port);
      }
    }
  }
  for (const port of [22, 53, 3128, 9999]) {
    add("TCP", port);
    add("UDP", port);
  }
  return [...out.values()];
}

/** The zone a flow endpoint names, and the workload's labels when it names one. */
function covers(intent: Intent, e: Intent["flows"][number]["from"], pod: RefPod): boolean {
  if (e.kind !== "zone" || e.zone !== pod.namespace) return false;
  if (!e.workload) return true;
  const w = intent.zones.find((z) => z.name === e.zone)!.workloads.find((x) => x.name === e.workload)!;
  return Object.entries(w.labels).every(([k, v]) => pod.labels[k] === v);
}

function portCovered(f: Intent["flows"][number], t: RefTraffic): boolean {
  return f.ports.some((p) => p.protocol === "all" || (p.protocol.toUpperCase() === t.protocol && p.from <= t.port && t.port <= p.to));
}

/**
 * What the guardrails promise between two different managed namespaces, whatever NetworkPolicies
 * exist: a connection passes only if some flow between the two zones covers the port and names
 * the destination pod (checked at the source's egress), and some flow covers the port and names
 * the source pod (checked at the destination's ingress).
 */
function guardrailPermits(intent: Intent, src: RefPod, dst: RefPod, t: RefTraffic): boolean {
  const between = intent.flows.filter((f) => f.from.kind === "zone" && f.to.kind === "zone" && f.from.zone === src.namespace && f.to.zone === dst.namespace && portCovered(f, t));
  return between.some((f) => covers(intent, f.to, dst)) && between.some((f) => covers(intent, f.from, src));
}

/** Runs the three guarantees on a planned intent (`layout` is the intent the plan was made from). */
function checkGuarantees(layout: Intent, plan: K8sPlan, tenantOf: ReadonlyMap<string, string> = new Map()): { pairs: number } {
  const managed = new Set(layout.zones.filter((z) => z.managed).map((z) => z.name));
  const owner = [...managed].flatMap((ns) => [openEverything(ns, "Ingress"), openEverything(ns, "Egress")]);
  const attacked = clusterOf(layout, plan, owner);
  const plain = clusterOf(layout, plan);
  const npOnly = clusterOf(layout, { ...plan, adminNetworkPolicies: [], baselineAdminNetworkPolicy: undefined });
  const traffic = probes(layout);
  let pairs = 0;
  for (const src of attacked.pods.filter((p) => managed.has(p.namespace))) {
    for (const dst of attacked.pods.filter((p) => managed.has(p.namespace) && p.namespace !== src.namespace)) {
      for (const t of traffic) {
        pairs++;
        // With only netseg's own policies, the guardrails change nothing: they neither widen nor narrow the NetworkPolicies' answer.
        assert.equal(connectionAllowed(plain.cluster, src, dst, t), connectionAllowed(npOnly.cluster, src, dst, t), `the guardrails change netseg's own answer for ${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} on ${t.protocol}/${t.port}`);
        const open = connectionAllowed(attacked.cluster, src, dst, t);
        if (open) {
          assert.ok(guardrailPermits(layout, src, dst, t), `an owner's NetworkPolicy opened ${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} on ${t.protocol}/${t.port}, which no flow declares`);
          const ts = tenantOf.get(src.namespace);
          const td = tenantOf.get(dst.namespace);
          assert.ok(ts === undefined || td === undefined || ts === td, `tenant ${ts} reached tenant ${td}`);
        }
      }
    }
  }
  // Every declared flow between two managed workloads still works, with or without the owner's policies.
  for (const f of layout.flows) {
    if (f.from.kind !== "zone" || f.to.kind !== "zone" || !managed.has(f.from.zone) || !managed.has(f.to.zone)) continue;
    const srcs = plain.pods.filter((p) => covers(layout, f.from, p));
    const dsts = plain.pods.filter((p) => covers(layout, f.to, p));
    const t = traffic.find((x) => portCovered(f, x))!;
    for (const src of srcs) for (const dst of dsts) {
      if (src === dst) continue;
      assert.ok(connectionAllowed(plain.cluster, src, dst, t), `declared flow ${f.key} blocked for ${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} on ${t.protocol}/${t.port}`);
      assert.ok(connectionAllowed(attacked.cluster, src, dst, t), `declared flow ${f.key} blocked once owners add policies`);
    }
  }
  // DNS: allowed by the ANP even when an owner deletes netseg's allow-dns policy (the default deny stays).
  const noDnsPolicy = clusterOf(layout, { ...plan, networkPolicies: plan.networkPolicies.filter((p) => p.metadata.name !== "allow-dns") });
  for (const src of noDnsPolicy.pods.filter((p) => managed.has(p.namespace))) {
    for (const protocol of ["UDP", "TCP"] as const) assert.ok(connectionAllowed(noDnsPolicy.cluster, src, noDnsPolicy.dns, { protocol, port: 53 }), `${src.namespace}/${src.name} cannot resolve over ${protocol}`);
  }
  return { pairs };
}

describe("k8s cluster guardrails", () => {
  describe("off (the default)", () => {
    it("leaves the plan byte for byte as it was: no new keys, no new labels", () => {
      for (const intent of [shop(), microservices()]) {
        const base = JSON.stringify(planK8s(intent));
        assert.equal(JSON.stringify(planK8s(intent, { clusterGuardrails: false })), base);
        assert.ok(!base.includes("guardrail") && !base.includes("AdminNetworkPolicy"));
      }
    });
  });

  describe("on", () => {
    const plan = planK8s(shop(), { clusterGuardrails: true });

    it("one AdminNetworkPolicy per managed zone, named from the intent and zone, each its own priority (10 plus the zone's slot), and the BANP named default", () => {
      assert.deepEqual(plan.adminNetworkPolicies!.map((p) => [p.metadata.name, p.spec.priority]), [
        ["netseg-shop-zone-app", 11],
        ["netseg-shop-zone-data", 12],
        ["netseg-shop-zone-edge", 10],
      ]);
      assert.equal(plan.baselineAdminNetworkPolicy!.metadata.name, "default");
      assert.equal(plan.baselineAdminNetworkPolicy!.apiVersion, "policy.networking.k8s.io/v1alpha1");
      assert.ok(k8sPlanObjects(plan).some((o) => o.kind === "BaselineAdminNetworkPolicy"));
      assert.ok(plan.namespaces.every((n) => n.metadata.labels["netseg.dev/guardrails"] === "anp-banp"));
    });

    it("the data zone's ANP, field for field as the API reference writes it: Pass the declared flow in, Deny the other zones, DNS out", () => {
      const data = json(plan.adminNetworkPolicies!.find((p) => p.metadata.name === "netseg-shop-zone-data"));
      const others = { matchLabels: { "netseg.dev/intent": "shop" }, matchExpressions: [{ key: "netseg.dev/zone", operator: "Exists" }, { key: "netseg.dev/zone", operator: "NotIn", values: ["data"] }] };
      assert.deepEqual(data.spec, {
        priority: 12,
        subject: { namespaces: { matchLabels: { "netseg.dev/intent": "shop", "netseg.dev/zone": "data" } } },
        ingress: [
          { name: "pass app->data", action: "Pass", from: [{ namespaces: { matchLabels: { "netseg.dev/intent": "shop", "netseg.dev/zone": "app" } } }], ports: [{ portNumber: { protocol: "TCP", port: 5432 } }, { portNumber: { protocol: "TCP", port: 6379 } }] },
          { name: "deny other zones", action: "Deny", from: [{ namespaces: others }] },
        ],
        egress: [
          { name: "allow dns", action: "Allow", to: [{ pods: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } } }], ports: [{ portNumber: { protocol: "UDP", port: 53 } }, { portNumber: { protocol: "TCP", port: 53 } }] },
          { name: "deny other zones", action: "Deny", to: [{ namespaces: others }] },
        ],
      });
    });

    it("priorities and the BANP follow the option; baseline: false marks the namespaces 'anp' and emits no BANP", () => {
      const p = planK8s(shop(), { clusterGuardrails: { priorities: { zones: 70 }, baseline: false } });
      assert.deepEqual(p.adminNetworkPolicies!.map((a) => a.spec.priority), [71, 72, 70]);
      assert.equal(p.baselineAdminNetworkPolicy, undefined);
      assert.ok(p.namespaces.every((n) => n.metadata.labels["netseg.dev/guardrails"] === "anp"));
    });

    it("refuses ranges that would give two guardrails one priority (the API leaves their order undefined), or pass 1000", () => {
      const fleet = tenantsIntent(["acme", "globex"]);
      assert.throws(() => planK8sTenants(fleet, { clusterGuardrails: { priorities: { tenants: 10, zones: 10 } } }), /options\.clusterGuardrails\.priorities.*AdminNetworkPolicies netseg-fleet-.* and netseg-fleet-.* would share priority 10/s);
      assert.throws(() => planK8s(shop(), { clusterGuardrails: { priorities: { zones: 999 } } }), /netseg-shop-zone-data would get priority 1001, past the API's 1000/);
      assert.throws(() => planK8s(shop(), { clusterGuardrails: { priorities: { zones: 1001 } } } as any), /options\.clusterGuardrails/);
    });

    it("refuses an intent name the API server would refuse in an ANP name", () => {
      const intent = { ...shop(), name: "Shop_1" };
      assert.throws(() => planK8s(intent, { clusterGuardrails: true }), /AdminNetworkPolicy name "netseg-Shop_1-zone-app"/);
    });
  });

  describe("held against the intent (reference evaluator, an owner's NetworkPolicy opening everything)", () => {
    it("shop: no undeclared path between zones opens, declared flows and DNS work", () => {
      const intent = shop();
      const { pairs } = checkGuarantees(intent, planK8s(intent, { clusterGuardrails: true }));
      assert.ok(pairs > 100);
    });

    it("microservices (workload flows, an unmanaged ingress zone)", () => {
      const intent = microservices();
      checkGuarantees(intent, planK8s(intent, { clusterGuardrails: true }));
    });

    it("without the guardrails the same owner's policy does open undeclared paths (the check has teeth)", () => {
      const intent = shop();
      assert.throws(() => checkGuarantees(intent, planK8s(intent)), /an owner's NetworkPolicy opened/);
    });

    it("a Pass where a Deny belongs, or an Allow where a Pass belongs, is caught", () => {
      const intent = shop();
      const plan = planK8s(intent, { clusterGuardrails: true });
      const mutate = (fn: (rule: any) => any) => ({ ...plan, adminNetworkPolicies: json(plan.adminNetworkPolicies).map((p: any) => ({ ...p, spec: { ...p.spec, ingress: p.spec.ingress.map(fn), egress: p.spec.egress.map(fn) } })) });
      assert.throws(() => checkGuarantees(intent, mutate((r) => (r.action === "Deny" ? { ...r, action: "Pass" } : r))), /opened/);
      // Allow for declared flows is final and skips netseg's per-workload policies: with two flows a/w0 -> b/w0 and
      // a/w1 -> b/w1 on one port, a/w0 -> b/w1 passes both ANPs' rules, and only the NetworkPolicies refuse it.
      const crossed = parseIntent({
        name: "x",
        addressSpace: "10.0.0.0/16",
        zones: [{ name: "a", slot: 0, workloads: [{ name: "w0" }, { name: "w1" }] }, { name: "b", slot: 1, workloads: [{ name: "w0" }, { name: "w1" }] }],
        flows: [{ from: "a/w0", to: "b/w0", ports: ["tcp/80"] }, { from: "a/w1", to: "b/w1", ports: ["tcp/80"] }],
      });
      const crossedPlan = planK8s(crossed, { clusterGuardrails: true });
      assert.doesNotThrow(() => checkGuarantees(crossed, crossedPlan));
      const allowing = { ...crossedPlan, adminNetworkPolicies: json(crossedPlan.adminNetworkPolicies).map((p: any) => ({ ...p, spec: { ...p.spec, ingress: p.spec.ingress.map((r: any) => (r.action === "Pass" ? { ...r, action: "Allow" } : r)), egress: p.spec.egress.map((r: any) => (r.action === "Pass" ? { ...r, action: "Allow" } : r)) } })) };
      assert.throws(() => checkGuarantees(crossed, allowing), /change netseg's own answer for a\/w0 -> b\/w1/);
    });

    it("an owner who deletes every NetworkPolicy: the BANP keeps declared flows working and the ANPs still deny the rest between zones", () => {
      const intent = shop();
      const plan = planK8s(intent, { clusterGuardrails: true });
      const bare = clusterOf(intent, { ...plan, networkPolicies: [] });
      const noBanp = clusterOf(intent, { ...plan, networkPolicies: [], baselineAdminNetworkPolicy: undefined });
      const pod = (ns: string) => bare.pods.find((p) => p.namespace === ns)!;
      const tcp = (port: number): RefTraffic => ({ protocol: "TCP", port });
      assert.ok(connectionAllowed(bare.cluster, pod("app"), pod("data"), tcp(5432)), "declared app -> data");
      assert.ok(!connectionAllowed(bare.cluster, pod("app"), pod("data"), tcp(22)), "undeclared port between declared zones");
      assert.ok(!connectionAllowed(bare.cluster, pod("edge"), pod("data"), tcp(5432)), "undeclared zone pair");
      // Inside a zone, traffic on no declared port meets the BANP's deny; without the BANP it would be open.
      assert.ok(!connectionAllowed(bare.cluster, pod("data"), { ...pod("data"), name: "other" }, tcp(22)));
      assert.ok(connectionAllowed(noBanp.cluster, pod("data"), { ...pod("data"), name: "other" }, tcp(22)));
    });

    it("an egress proxy running in a managed zone: its clients pass on the proxy port, nobody else reaches it", () => {
      const intent = parseIntent({
        name: "px",
        addressSpace: "10.0.0.0/16",
        zones: [
          { name: "app", slot: 0, egress: "proxy" },
          { name: "web", slot: 1 },
          { name: "egress-proxy", slot: 2, egress: "nat", workloads: [{ name: "squid", labels: { app: "egress-proxy" } }] },
        ],
        flows: [{ from: "web", to: "app", ports: ["tcp/8080"] }],
        egress: [{ from: "app", allow: ["api.example.com:443"] }],
      });
      const plan = planK8s(intent, { clusterGuardrails: true });
      const proxyAnp = json(plan.adminNetworkPolicies!.find((p) => p.metadata.name === "netseg-px-zone-egress-proxy"));
      assert.equal(proxyAnp.spec.ingress[0].action, "Pass");
      assert.deepEqual(proxyAnp.spec.ingress[0].from, [{ namespaces: { matchLabels: { "netseg.dev/intent": "px", "netseg.dev/zone": "app" } } }]);
      assert.deepEqual(proxyAnp.spec.ingress[0].ports, [{ portNumber: { protocol: "TCP", port: 3128 } }]);
      const owner = ["app", "web", "egress-proxy"].flatMap((ns) => [openEverything(ns, "Ingress"), openEverything(ns, "Egress")]);
      const plain = clusterOf(intent, plan);
      const attacked = clusterOf(intent, plan, owner);
      const pod = (ns: string, name = "stray") => plain.pods.find((p) => p.namespace === ns && p.name === name)!;
      const proxyPort: RefTraffic = { protocol: "TCP", port: 3128 };
      assert.ok(connectionAllowed(plain.cluster, pod("app"), pod("egress-proxy", "squid"), proxyPort), "app reaches its proxy");
      assert.ok(connectionAllowed(attacked.cluster, pod("app"), pod("egress-proxy", "squid"), proxyPort));
      assert.ok(!connectionAllowed(attacked.cluster, pod("web"), pod("egress-proxy", "squid"), proxyPort), "web has no allow-list: an owner's policy cannot open the proxy to it");
      assert.ok(!connectionAllowed(attacked.cluster, pod("app"), pod("egress-proxy", "squid"), { protocol: "TCP", port: 22 }));
    });

    it("tenants: nothing opens across tenants, a tenant's flows and the shared services work", () => {
      const intent = tenantsIntent(["acme", "globex", "initech"]);
      const layout = k8sTenantLayout(intent);
      checkGuarantees(layout.intent, planK8sTenants(intent), layout.tenantOf);
    });

    it("random intents: zones, workloads and flows drawn at random keep all three guarantees", () => {
      const zoneNames = ["a", "b", "c", "d"];
      const port = fc.constantFrom("tcp/80", "tcp/443", "tcp/8000-8010", "udp/53", "udp/5000", "all");
      const arb = fc.record({
        zones: fc.integer({ min: 2, max: 4 }),
        workloads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        flows: fc.array(fc.record({ from: fc.nat(3), fromW: fc.nat(2), to: fc.nat(3), toW: fc.nat(2), ports: fc.uniqueArray(port, { minLength: 1, maxLength: 2 }) }), { maxLength: 6 }),
      });
      fc.assert(
        fc.property(arb, (g) => {
          const zones = zoneNames.slice(0, g.zones).map((name, i) => ({ name, slot: i, workloads: Array.from({ length: g.workloads[i] }, (_, j) => ({ name: `w${j}` })) }));
          const endpoint = (z: number, w: number) => {
            const zone = zones[z % zones.length];
            return zone.workloads.length && w < zone.workloads.length ? `${zone.name}/w${w}` : zone.name;
          };
          const flows = new Map<string, { from: string; to: string; ports: string[] }>();
          for (const f of g.flows) {
            const from = endpoint(f.from, f.fromW);
            const to = endpoint(f.to, f.toW);
            if (from === to || flows.has(`${from}->${to}`)) continue;
            flows.set(`${from}->${to}`, { from, to, ports: f.ports.includes("all") ? ["all"] : f.ports });
          }
          const intent = parseIntent({ name: "rnd", addressSpace: "10.0.0.0/16", zones, flows: [...flows.values()] });
          checkGuarantees(intent, planK8s(intent, { clusterGuardrails: true }));
        }),
        { numRuns: 40, seed: 1306 },
      );
    });
  });
});
