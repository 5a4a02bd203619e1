/**
 * The guardrails held against the intent by netseg's reachability engine (core/reachability, which
 * reads AdminNetworkPolicies and the BaselineAdminNetworkPolicy): the planned objects, plus a
 * namespace owner's NetworkPolicies opening every managed namespace both ways, turned into
 * resources and analysed. No path between two different zones opens that the intent does not
 * declare, and every declared flow still passes; without the guardrails the same owner's
 * policies do open such paths. Random intents besides the examples.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent, type Intent } from "../../../../core/intent";
import { TrafficSet } from "../../../../core/net";
import { analyseReachability, compareWithIntent, k8sObjectsToResources, type Matrix } from "../../../../core/reachability";
import { k8sPlanObjects, k8sTenantLayout, planK8s, planK8sTenants, type K8sPlan } from "../../../../core/rules/k8s";
import { openEverything } from "./admin-reference";

const ROOT = path.resolve(__dirname, "../../../..");

/** `k8s:<zone>[/<workload>] -> k8s:<zone>[/<workload>]` of a finding, when both ends are cluster endpoints. */
function zonesOf(message: string): [string, string] | undefined {
  const m = /^k8s:([a-z0-9-]+)(?:\/[a-z0-9-]+)? -> k8s:([a-z0-9-]+)(?:\/[a-z0-9-]+)? /.exec(message);
  return m ? [m[1], m[2]] : undefined;
}

/** Findings of the engine between two different managed zones, with the owner's open-everything policies added. */
function crossZoneFindings(intent: Intent, plan: K8sPlan): { unintended: string[]; accidentalDenies: string[] } {
  const managed = new Set(intent.zones.filter((z) => z.managed).map((z) => z.name));
  const owner = [...managed].flatMap((ns) => [openEverything(ns, "Ingress"), openEverything(ns, "Egress")]);
  const matrix = analyseReachability(k8sObjectsToResources([...k8sPlanObjects(plan), ...owner]), { intent });
  const report = compareWithIntent(matrix, intent);
  const cross = (msg: string) => {
    const z = zonesOf(msg);
    return z !== undefined && z[0] !== z[1] && managed.has(z[0]) && managed.has(z[1]);
  };
  return { unintended: report.unintended.map((f) => f.message).filter(cross), accidentalDenies: report.accidentalDenies.map((f) => f.message) };
}

/**
 * What the guardrails promise for a pair of endpoints in two zones (guardrails.ts): the source's
 * egress passes flows from its zone that name the destination (its workload, or its whole zone),
 * the destination's ingress passes flows into its zone that name the source; both must pass. When
 * one zone pair carries flows of different workloads on one port, that is wider than the intent
 * (the residual the module comment names), and the NetworkPolicies still decide it.
 */
function guardrailTraffic(intent: Intent, from: string, to: string): TrafficSet {
  const parse = (id: string) => {
    const [zone, workload] = id.replace(/^k8s:/, "").split("/");
    return { zone, workload };
  };
  const s = parse(from);
  const d = parse(to);
  const names = (e: Intent["flows"][number]["from"], ep: { zone: string; workload?: string }) => e.kind === "zone" && e.zone === ep.zone && (!e.workload || e.workload === ep.workload);
  const zoneFlows = intent.flows.filter((f) => f.from.kind === "zone" && f.to.kind === "zone" && f.from.zone === s.zone && f.to.zone === d.zone);
  const egress = TrafficSet.fromSpecs(zoneFlows.filter((f) => names(f.to, d)).flatMap((f) => f.ports));
  const ingress = TrafficSet.fromSpecs(zoneFlows.filter((f) => names(f.from, s)).flatMap((f) => f.ports));
  return egress.intersect(ingress);
}

/** Pairs between two managed zones whose possible traffic goes beyond the guardrails' promise. */
function beyondPromise(intent: Intent, m: Matrix): string[] {
  const managed = new Set(intent.zones.filter((z) => z.managed).map((z) => z.name));
  const zoneOf = (id: string) => (id.startsWith("k8s:") ? id.slice(4).split("/")[0] : undefined);
  return m.pairs
    .filter((p) => {
      const a = zoneOf(p.from);
      const b = zoneOf(p.to);
      return a !== undefined && b !== undefined && a !== b && managed.has(a) && managed.has(b);
    })
    .map((p) => ({ p, extra: p.possible.subtract(guardrailTraffic(intent, p.from, p.to)) }))
    .filter(({ extra }) => !extra.isEmpty())
    .map(({ p, extra }) => `${p.from} -> ${p.to}: ${extra}`);
}

function withoutGuardrails(plan: K8sPlan): K8sPlan {
  return { ...plan, adminNetworkPolicies: undefined, baselineAdminNetworkPolicy: undefined };
}

describe("k8s cluster guardrails held against the intent by the reachability engine", function () {
  this.timeout(300_000);

  it("shop: an owner's policies open no undeclared path between zones; declared flows pass; without guardrails they would open", () => {
    const intent = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    const plan = planK8s(intent, { clusterGuardrails: true });
    assert.deepEqual(crossZoneFindings(intent, plan), { unintended: [], accidentalDenies: [] });
    const open = crossZoneFindings(intent, withoutGuardrails(plan)).unintended;
    assert.ok(open.some((m) => m.startsWith("k8s:edge -> k8s:data")), open.join("\n"));
  });

  it("tenants: nothing opens across tenants or between a tenant's undeclared zones", () => {
    const intent = parseIntent({
      name: "fleet",
      addressSpace: "10.0.0.0/16",
      zones: [{ name: "ops", slot: 0 }],
      tenants: {
        pool: "10.128.0.0/12",
        blockPrefix: 20,
        zones: [{ name: "web", slot: 0, workloads: [{ name: "site" }] }, { name: "data", slot: 1, sensitive: true }],
        flows: [{ from: "web/site", to: "data", ports: ["tcp/5432"] }],
        sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"], zones: [{ name: "services", slot: 0 }] },
        members: [{ name: "acme", slot: 0 }, { name: "globex", slot: 1 }],
      },
    });
    const layout = k8sTenantLayout(intent);
    const plan = planK8sTenants(intent);
    assert.deepEqual(crossZoneFindings(layout.intent, plan), { unintended: [], accidentalDenies: [] });
    const open = crossZoneFindings(layout.intent, withoutGuardrails(plan)).unintended;
    assert.ok(open.some((m) => /^k8s:globex-web(\/site)? -> k8s:acme-data/.test(m)), open.join("\n"));
  });

  it("the residual the design names: flows b/w0 -> a and b -> a/w0 on one port let b's other pods reach a's other pods once an owner opens both", () => {
    const intent = parseIntent({
      name: "res",
      addressSpace: "10.0.0.0/16",
      zones: [{ name: "a", slot: 0, workloads: [{ name: "w0" }] }, { name: "b", slot: 1, workloads: [{ name: "w0" }] }],
      flows: [{ from: "b/w0", to: "a", ports: ["udp/53"] }, { from: "b", to: "a/w0", ports: ["udp/53"] }],
    });
    const plan = planK8s(intent, { clusterGuardrails: true });
    const { unintended } = crossZoneFindings(intent, plan);
    assert.equal(unintended.length, 1);
    assert.match(unintended[0], /^k8s:b -> k8s:a on udp\/53 is allowed but not in the intent/);
    // netseg's own NetworkPolicies alone keep it closed.
    const m = analyseReachability(k8sObjectsToResources(k8sPlanObjects(plan)), { intent });
    assert.ok(m.pair("k8s:b", "k8s:a")!.possible.isEmpty());
  });

  it("random intents: between zones the engine finds nothing beyond the guardrails' promise, and no accidental deny", () => {
    const zoneNames = ["a", "b", "c"];
    const port = fc.constantFrom("tcp/80", "tcp/443", "tcp/8000-8010", "udp/53", "udp/5000");
    const arb = fc.record({
      workloads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
      flows: fc.array(fc.record({ from: fc.nat(2), fromW: fc.nat(2), to: fc.nat(2), toW: fc.nat(2), ports: fc.uniqueArray(port, { minLength: 1, maxLength: 2 }) }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, (g) => {
        const zones = zoneNames.map((name, i) => ({ name, slot: i, workloads: Array.from({ length: g.workloads[i] }, (_, j) => ({ name: `w${j}` })) }));
        const endpoint = (z: number, w: number) => (zones[z].workloads.length && w < zones[z].workloads.length ? `${zones[z].name}/w${w}` : zones[z].name);
        const flows = new Map<string, { from: string; to: string; ports: string[] }>();
        for (const f of g.flows) {
          const from = endpoint(f.from, f.fromW);
          const to = endpoint(f.to, f.toW);
          if (from !== to && !flows.has(`${from}->${to}`)) flows.set(`${from}->${to}`, { from, to, ports: f.ports });
        }
        const intent = parseIntent({ name: "rnd", addressSpace: "10.0.0.0/16", zones, flows: [...flows.values()] });
        const plan = planK8s(intent, { clusterGuardrails: true });
        assert.deepEqual(crossZoneFindings(intent, plan).accidentalDenies, []);
        const managed = new Set(intent.zones.map((z) => z.name));
        const owner = [...managed].flatMap((ns) => [openEverything(ns, "Ingress"), openEverything(ns, "Egress")]);
        const m = analyseReachability(k8sObjectsToResources([...k8sPlanObjects(plan), ...owner]), { intent });
        assert.deepEqual(beyondPromise(intent, m), []);
      }),
      { numRuns: 30, seed: 2611 },
    );
  });
});
