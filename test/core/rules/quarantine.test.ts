/**
 * The quarantine in each platform's plan: an override laid on top, nothing else moved.
 * AWS: deny-all entries at the reserved NACL numbers 1 (IPv4) and 2 (IPv6, when the direction has
 * IPv6 entries) both ways, every other entry of every NACL exactly as without it (same numbers),
 * and a first-match reference evaluation that denies every packet. GCP: two priority-0 denies,
 * nothing else changed. Kubernetes, held against the reference evaluator of the API's layers
 * (admin-reference.ts): no connection to or from a quarantined target but the DNS it keeps, with
 * or without cluster guardrails (with them even when a namespace owner opens everything), and no
 * other connection changed.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent, IntentError, type Intent, type IntentInput } from "../../../core/intent";
import { planAwsRulesForIntent, QUARANTINE_RULE_NUMBERS, FIRST_RULE_NUMBER, type NaclEntry } from "../../../core/rules/aws";
import { planGcpNetwork } from "../../../core/rules/gcp";
import { planK8s, type K8sPlan } from "../../../core/rules/k8s";
import { connectionAllowed, openEverything, type RefCluster, type RefPod, type RefTraffic } from "./k8s/admin-reference";

const ROOT = path.resolve(__dirname, "../../..");
const shopInput = (): IntentInput => ({
  name: "shop",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 3,
  zones: [
    { name: "edge", slot: 0, internet: "inbound", egress: "nat" },
    { name: "app", slot: 1, egress: "proxy", workloads: [{ name: "api" }, { name: "worker" }] },
    { name: "data", slot: 2, sensitive: true },
    { name: "batch", slot: 3, egress: "nat" },
  ],
  peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }, { name: "lab", cidrs: ["2001:db8::/32"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
    { from: "office", to: "app", ports: ["tcp/8443"] },
    { from: "lab", to: "batch", ports: ["tcp/22"] },
    { from: "batch", to: "internet", ports: ["tcp/443"] },
  ],
  egress: [{ from: "app", allow: ["api.stripe.com:443"] }],
});
const withQuarantine = (input: IntentInput, quarantine: IntentInput["quarantine"]) => parseIntent({ ...input, quarantine });

/** IPv4 text to number. */
const ip4 = (t: string) => t.split(".").reduce((n, o) => n * 256 + Number(o), 0);
function inBlock(address: string, cidr: string): boolean {
  if (cidr.includes(":") !== address.includes(":")) return false;
  if (cidr.includes(":")) return cidr === "::/0"; // the only IPv6 block the check needs to place
  const [base, len] = cidr.split("/");
  const size = 2 ** (32 - Number(len));
  return Math.floor(ip4(address) / size) === Math.floor(ip4(base) / size);
}
/** AWS's NACL evaluation, from its documentation: entries in rule-number order, the first match decides, `*` denies. */
function naclVerdict(entries: readonly NaclEntry[], packet: { address: string; protocol: string; port: number }): "allow" | "deny" {
  for (const e of [...entries].sort((a, b) => a.ruleNumber - b.ruleNumber)) {
    if (!inBlock(packet.address, e.cidr)) continue;
    if (e.protocolNumber !== "-1" && e.protocolNumber !== packet.protocol) continue;
    if ((e.protocolNumber === "6" || e.protocolNumber === "17") && (packet.port < e.fromPort || packet.port > e.toPort)) continue;
    return e.action;
  }
  return "deny";
}

describe("quarantine: AWS NACLs", () => {
  const open = planAwsRulesForIntent(parseIntent(shopInput()));

  it("netseg's own entries start above the reserved quarantine numbers", () => {
    assert.ok(FIRST_RULE_NUMBER > QUARANTINE_RULE_NUMBERS.ipv6);
    for (const z of open.zones) for (const dir of ["ingress", "egress"] as const) assert.ok(z.nacl[dir].every((e) => e.ruleNumber >= FIRST_RULE_NUMBER), `${z.zone} ${dir}`);
  });

  for (const zone of ["edge", "app", "data", "batch"]) {
    it(`zone ${zone}: deny-all entries at 1 (and 2 for IPv6) both ways, every other entry of every zone unchanged`, () => {
      const plan = planAwsRulesForIntent(withQuarantine(shopInput(), [{ target: zone, reason: "INC-1", since: "2026-12-06" }]));
      assert.deepEqual(plan.zones.map((z) => z.securityGroup), open.zones.map((z) => z.securityGroup));
      for (const z of plan.zones) {
        const before = open.zones.find((x) => x.zone === z.zone)!;
        for (const dir of ["ingress", "egress"] as const) {
          if (z.zone !== zone) {
            assert.deepEqual(z.nacl[dir], before.nacl[dir]);
            continue;
          }
          const added = z.nacl[dir].filter((e) => e.purposes.includes("quarantine"));
          const v6 = before.nacl[dir].some((e) => e.ipv6 && e.action === "allow");
          assert.deepEqual(added.map((e) => [e.ruleNumber, e.action, e.protocolNumber, e.cidr]), [[1, "deny", "-1", "0.0.0.0/0"], ...(v6 ? [[2, "deny", "-1", "::/0"]] : [])]);
          assert.deepEqual(z.nacl[dir].filter((e) => !e.purposes.includes("quarantine")), before.nacl[dir], "no entry renumbered or changed");
          assert.ok(added.every((e) => e.reasons.some((r) => r.includes("INC-1"))));
        }
      }
    });
  }

  it("the IPv6 deny is there where the zone has IPv6 entries (batch admits the lab's IPv6 block)", () => {
    const plan = planAwsRulesForIntent(withQuarantine(shopInput(), [{ target: "batch", reason: "r", since: "2026-12-06" }]));
    const batch = plan.zones.find((z) => z.zone === "batch")!;
    assert.ok(batch.nacl.ingress.some((e) => e.ruleNumber === QUARANTINE_RULE_NUMBERS.ipv6 && e.cidr === "::/0"));
  });

  it("a quarantined zone's NACL denies every packet, both ways (first-match reference, random packets)", () => {
    const plans = ["edge", "app", "data", "batch"].map((zone) => ({ zone, plan: planAwsRulesForIntent(withQuarantine(shopInput(), [{ target: zone, reason: "r", since: "2026-12-06" }])) }));
    const packet = fc.record({
      address: fc.oneof(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join(".")), fc.constantFrom("10.20.0.5", "10.20.16.9", "203.0.113.7", "2001:db8::1")),
      protocol: fc.constantFrom("6", "17", "1", "132", "50"),
      port: fc.integer({ min: 0, max: 65535 }),
    });
    fc.assert(
      fc.property(fc.constantFrom(...plans), fc.constantFrom("ingress" as const, "egress" as const), packet, ({ zone, plan }, dir, p) => {
        const z = plan.zones.find((x) => x.zone === zone)!;
        assert.equal(naclVerdict(z.nacl[dir], p), "deny", `${zone} ${dir} ${JSON.stringify(p)}`);
      }),
      { numRuns: 2000 },
    );
    // The reference is not vacuous: the open NACLs let the intended traffic through.
    assert.equal(naclVerdict(open.zones.find((z) => z.zone === "app")!.nacl.ingress, { address: "10.20.0.5", protocol: "6", port: 8080 }), "allow");
  });

  it("a workload quarantine changes no NACL (its security group is the component's)", () => {
    const plan = planAwsRulesForIntent(withQuarantine(shopInput(), [{ target: "app/api", reason: "r", since: "2026-12-06" }]));
    assert.deepEqual(plan.zones, open.zones);
  });

  it("a zone at the NACL quota: the limit error names the quarantine's share", () => {
    const app = open.zones.find((z) => z.zone === "app")!;
    const limit = Math.max(...open.zones.map((z) => Math.max(z.nacl.ingress.length, z.nacl.egress.length)));
    assert.doesNotThrow(() => planAwsRulesForIntent(parseIntent(shopInput()), { naclEntryLimit: limit }));
    assert.ok(app.nacl.ingress.length <= limit);
    const atLimit = open.zones.find((z) => z.nacl.ingress.length === limit || z.nacl.egress.length === limit)!.zone;
    assert.throws(
      () => planAwsRulesForIntent(withQuarantine(shopInput(), [{ target: atLimit, reason: "r", since: "2026-12-06" }]), { naclEntryLimit: limit }),
      (e: unknown) => e instanceof IntentError && e.issues.some((i) => /quarantine denies/.test(i.fix ?? "")),
    );
  });
});

describe("quarantine: GCP firewall", () => {
  const regions = { regions: ["europe-west1"] };
  const input = (): IntentInput => ({ ...shopInput(), peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }], flows: shopInput().flows!.filter((f) => f.from !== "lab") });
  const open = planGcpNetwork(parseIntent(input()), regions);

  it("a zone: two logged priority-0 denies of everything on the zone, nothing else changed", () => {
    const plan = planGcpNetwork(withQuarantine(input(), [{ target: "app", reason: "INC-1", since: "2026-12-06" }]), regions);
    const added = plan.firewallRules.filter((r) => r.kind === "quarantine");
    assert.deepEqual(
      added.map((r) => [r.direction, r.action, r.priority, r.targetZones, r.sourceRanges, r.destinationRanges, r.protocols, r.targetTags]),
      [
        ["EGRESS", "deny", 0, ["app"], [], ["0.0.0.0/0"], [{ protocol: "all" }], undefined],
        ["INGRESS", "deny", 0, ["app"], ["0.0.0.0/0"], [], [{ protocol: "all" }], undefined],
      ],
    );
    assert.ok(added.every((r) => r.description.includes("INC-1")));
    assert.deepEqual(plan.firewallRules.filter((r) => r.kind !== "quarantine"), open.firewallRules);
    assert.deepEqual(plan.flowTuples(), open.flowTuples());
  });

  it("a workload: the denies target its quarantine tag, never the whole network", () => {
    const plan = planGcpNetwork(withQuarantine(input(), [{ target: "app/api", reason: "r", since: "2026-12-06" }]), regions);
    const added = plan.firewallRules.filter((r) => r.kind === "quarantine");
    assert.equal(added.length, 2);
    for (const r of added) {
      assert.deepEqual(r.targetZones, []);
      assert.deepEqual(r.targetTags, [plan.quarantineTags["app/api"]]);
    }
    assert.equal(plan.quarantineTags["app/api"], "shop-quarantine-app-api");
  });
});

/** The pods of a plan's cluster: one per workload, one stray per namespace, and the cluster DNS. */
function clusterOf(intent: Intent, plan: K8sPlan, extra: any[] = []): { cluster: RefCluster; pods: RefPod[]; dns: RefPod } {
  const json = (x: unknown) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));
  const pods: RefPod[] = [];
  for (const z of intent.zones) {
    for (const w of z.workloads) pods.push({ name: w.name, namespace: z.name, labels: w.labels });
    pods.push({ name: "stray", namespace: z.name, labels: { app: "stray" } });
  }
  const dns = { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
  const namespaces = [...plan.namespaces.map((n) => ({ name: n.metadata.name, labels: n.metadata.labels })), { name: "kube-system", labels: {} }];
  return { cluster: { namespaces, networkPolicies: [...json(plan.networkPolicies), ...extra], adminNetworkPolicies: json(plan.adminNetworkPolicies ?? []), baselineAdminNetworkPolicy: json(plan.baselineAdminNetworkPolicy) }, pods: [...pods, dns], dns };
}

const PROBES: RefTraffic[] = [
  { protocol: "TCP", port: 8080 },
  { protocol: "TCP", port: 5432 },
  { protocol: "TCP", port: 22 },
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

describe("quarantine: Kubernetes (reference evaluator)", () => {
  const input = (): IntentInput => ({
    name: "shop",
    addressSpace: "10.20.0.0/16",
    zones: [
      { name: "web", workloads: [{ name: "site" }] },
      { name: "app", egress: "nat", workloads: [{ name: "api" }, { name: "worker" }] },
      { name: "data", sensitive: true, workloads: [{ name: "db" }] },
    ],
    flows: [
      { from: "web/site", to: "app/api", ports: ["tcp/8080"] },
      { from: "app/api", to: "data/db", ports: ["tcp/5432"] },
      { from: "app/worker", to: "data/db", ports: ["tcp/5432"] },
      { from: "app/worker", to: "internet", ports: ["tcp/443"] },
    ],
  });
  const under = (q: { zone: string; workload?: string }, intent: Intent, p: RefPod) => p.namespace === q.zone && (q.workload === undefined || Object.entries(intent.zones.find((z) => z.name === q.zone)!.workloads.find((w) => w.name === q.workload)!.labels).every(([k, v]) => p.labels[k] === v));

  const cases = [
    { target: "app", dns: "keep" as const },
    { target: "app", dns: "cut" as const },
    { target: "app/api", dns: "keep" as const },
    { target: "data/db", dns: "keep" as const },
  ];
  for (const guardrails of [false, true]) {
    for (const c of cases) {
      it(`${guardrails ? "cluster guardrails (an owner opens everything)" : "NetworkPolicies only"}: ${c.target}, dns ${c.dns}: cut both ways, DNS as asked, nothing else changed`, () => {
        const options = guardrails ? { clusterGuardrails: true } : {};
        const openIntent = parseIntent(input());
        const intent = withQuarantine(input(), [{ target: c.target, reason: "INC-1", since: "2026-12-06", dns: c.dns }]);
        const q = intent.quarantine![0];
        const owner = guardrails ? ["web", "app", "data"].flatMap((ns) => [openEverything(ns, "Ingress"), openEverything(ns, "Egress")]) : [];
        const before = clusterOf(openIntent, planK8s(openIntent, options), owner);
        const after = clusterOf(intent, planK8s(intent, options), owner);
        let cut = 0;
        for (const src of after.pods) {
          for (const dst of after.pods) {
            if (src === dst) continue;
            for (const t of PROBES) {
              const now = connectionAllowed(after.cluster, src, dst, t);
              const inQ = under(q, intent, src) || under(q, intent, dst);
              if (!inQ) {
                assert.equal(now, connectionAllowed(before.cluster, src, dst, t), `collateral: ${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} ${t.protocol}/${t.port}`);
                continue;
              }
              const keptDns = q.dns === "keep" && under(q, intent, src) && dst === after.dns && t.port === 53;
              assert.equal(now, keptDns, `${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} ${t.protocol}/${t.port}`);
              if (!now && connectionAllowed(before.cluster, src, dst, t)) cut++;
            }
          }
        }
        assert.ok(cut > 0, "the quarantine cut something that was open");
      });
    }
  }

  it("cluster guardrails: the quarantine ANPs sit above the zone guardrails, DNS allowed first only when kept", () => {
    const intent = withQuarantine(input(), [{ target: "app", reason: "r", since: "2026-12-06" }, { target: "data/db", reason: "r", since: "2026-12-06", dns: "cut" }]);
    const plan = planK8s(intent, { clusterGuardrails: true });
    const quarantine = plan.adminNetworkPolicies!.filter((p) => p.metadata.name.includes("-quarantine-"));
    const others = plan.adminNetworkPolicies!.filter((p) => !p.metadata.name.includes("-quarantine-"));
    assert.deepEqual(quarantine.map((p) => [p.metadata.name, p.spec.priority]), [["netseg-shop-quarantine-app", 0], ["netseg-shop-quarantine-data-db", 1]]);
    assert.ok(Math.min(...others.map((p) => p.spec.priority)) > 1);
    assert.equal(quarantine[0].spec.egress[0].action, "Allow");
    assert.deepEqual(quarantine[1].spec.egress.map((r) => r.action), ["Deny"]);
    assert.deepEqual(quarantine[1].spec.subject, { pods: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } }, podSelector: { matchLabels: { app: "db" } } } });
  });

  it("NetworkPolicies only: a workload whose pods a zone-wide policy also selects is refused with the fix", () => {
    const zoneWide = { ...input(), flows: [...input().flows!, { from: "app", to: "data/db", ports: ["tcp/5433"] }] };
    const intent = withQuarantine(zoneWide, [{ target: "app/api", reason: "r", since: "2026-12-06" }]);
    assert.throws(() => planK8s(intent), (e: unknown) => e instanceof IntentError && e.issues.some((i) => i.path === "quarantine[0].target" && /clusterGuardrails/.test(i.fix ?? "")));
    // With the guardrails the ANP covers it (the zone-wide policy admits no address block).
    assert.doesNotThrow(() => planK8s(intent, { clusterGuardrails: true }));
    // Cutting DNS of one workload needs the zone-wide DNS policy gone: refused the same way.
    assert.throws(() => planK8s(withQuarantine(input(), [{ target: "app/api", reason: "r", since: "2026-12-06", dns: "cut" }])), /DNS/);
  });

  it("Istio mode: a DENY AuthorizationPolicy with a match-everything rule on the target", () => {
    const intent = withQuarantine(
      { ...input(), zones: input().zones.map((z) => ({ ...z, workloads: z.workloads?.map((w) => ({ ...w, serviceAccount: w.name })) })) },
      [{ target: "app/api", reason: "INC-1", since: "2026-12-06" }],
    );
    const denies = planK8s(intent, { istio: true }).authorizationPolicies.filter((p) => "action" in p.spec && p.spec.action === "DENY");
    assert.deepEqual(denies.map((p) => [p.metadata.namespace, p.metadata.name, p.spec]), [["app", "netseg-quarantine-api", { selector: { matchLabels: { app: "api" } }, action: "DENY", rules: [{}] }]]);
  });

  it("Cilium mode: the target's FQDN allow-lists are left out while quarantined, the others kept", () => {
    const cil = (): IntentInput => ({
      ...input(),
      zones: input().zones.map((z) => (z.name === "app" ? { ...z, egress: "proxy" as const } : z)),
      flows: input().flows!.filter((f) => f.to !== "internet"),
      egress: [{ from: "app/api", allow: ["api.stripe.com:443"] }, { from: "app/worker", allow: ["s3.amazonaws.com:443"] }],
    });
    const names = (q?: IntentInput["quarantine"]) => planK8s(parseIntent({ ...cil(), quarantine: q }), { cilium: true }).ciliumNetworkPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    // In Cilium mode each target's flows are a CiliumNetworkPolicy too (`-policy`), left out with the allow-lists.
    const all = names();
    assert.deepEqual(all, ["app/api-fqdn", "app/api-policy", "app/worker-fqdn", "app/worker-policy", "data/db-policy", "web/site-policy"]);
    assert.deepEqual(names([{ target: "app", reason: "r", since: "2026-12-06" }]), ["data/db-policy", "web/site-policy"]);
    const api = names([{ target: "app/api", reason: "r", since: "2026-12-06" }]);
    assert.deepEqual(api, ["app/worker-fqdn", "app/worker-policy", "data/db-policy", "web/site-policy"]);
  });

  it("no quarantine: the plans are byte for byte what they were (the shop)", () => {
    const shop = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    assert.equal(shop.quarantine, undefined);
    assert.ok(!JSON.stringify(planK8s(shop, { clusterGuardrails: true })).includes("quarantine"));
  });
});
