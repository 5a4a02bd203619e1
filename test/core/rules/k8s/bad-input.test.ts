/**
 * Intents and options Kubernetes cannot take: each is one IntentError naming the field path,
 * the value, what is expected and the fix, with every problem collected into one throw.
 */
import assert from "node:assert/strict";
import { IntentError, parseIntent, type Intent, type IntentInput } from "../../../../core/intent";
import { planK8s, type K8sOptions } from "../../../../core/rules/k8s";

const base = (): IntentInput => ({
  name: "mesh",
  addressSpace: "10.30.0.0/16",
  zones: [
    { name: "web", workloads: [{ name: "frontend" }, { name: "api", serviceAccount: "api" }] },
    { name: "data", workloads: [{ name: "db", serviceAccount: "db" }] },
  ],
  flows: [
    { from: "web/frontend", to: "web/api", ports: ["tcp/8080"] },
    { from: "web/api", to: "data/db", ports: ["tcp/5432"] },
  ],
});

function issuesOf(fn: () => unknown): IntentError["issues"] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof IntentError, `expected an IntentError, got ${String(e)}`);
    return e.issues;
  }
  assert.fail("expected an IntentError, but the plan succeeded");
}

function plan(input: IntentInput, options?: K8sOptions) {
  return planK8s(parseIntent(input), options);
}

/** A normalised intent edited after validation, as a TypeScript caller could hand it over. */
function edited(edit: (i: any) => void): Intent {
  const i = structuredClone(parseIntent(base())) as any;
  edit(i);
  return i as Intent;
}

describe("k8s planner: bad input", () => {
  it("plans the base intent (so each case below fails for its own reason)", () => {
    assert.ok(plan(base()).networkPolicies.length > 0);
    assert.ok(plan({ ...base(), zones: base().zones.map((z: any) => ({ ...z, workloads: z.workloads.map((w: any) => ({ serviceAccount: w.name, ...w })) })) }, { istio: true }).authorizationPolicies.length > 0);
  });

  it("istio without a service account on a flow source names the workload, the flow and the fix", () => {
    const issues = issuesOf(() => plan(base(), { istio: true }));
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, "zones[0].workloads[0].serviceAccount");
    assert.equal(issues[0].value, "web/frontend");
    assert.match(issues[0].message, /istio is on, and workload "web\/frontend" is a source of flow web\/frontend->web\/api but has no serviceAccount/);
    assert.match(issues[0].fix!, /set serviceAccount on workload "frontend"/);
  });

  it("istio refuses a zone-wide source without workloads, and traffic from the internet that no principal can vouch for", () => {
    const input = base();
    input.zones.push({ name: "edge", internet: "inbound" });
    input.flows!.push({ from: "edge", to: "web/api", ports: ["tcp/8080"] }, { from: "internet", to: "edge", ports: ["tcp/443"] });
    input.zones[0].workloads![0].serviceAccount = "frontend";
    const issues = issuesOf(() => plan(input, { istio: true }));
    assert.deepEqual(issues.map((i) => i.path).sort(), ["flows[2].from", "flows[3].from"]);
    assert.match(issues.find((i) => i.path === "flows[2].from")!.message, /zone "edge", which declares no workloads/);
    assert.match(issues.find((i) => i.path === "flows[3].from")!.message, /comes from "internet", which has no service account/);
  });

  it("a workload name that is not a valid label value is refused by the intent schema, with its path", () => {
    const input = base();
    input.zones[0].workloads![0].name = "Front_End";
    const issues = issuesOf(() => plan(input));
    assert.equal(issues[0].path, "zones[0].workloads[0].name");
    assert.equal(issues[0].value, "Front_End");
  });

  it("a workload name or label that Kubernetes refuses is an intent error when the intent bypasses the schema", () => {
    const intent = edited((i) => {
      i.zones[0].workloads[0].name = "Front_End";
      i.zones[0].workloads[0].labels = { app: "Front_End-" };
    });
    const issues = issuesOf(() => planK8s(intent));
    assert.deepEqual(issues.map((i) => i.path).sort(), ["zones[0].workloads[0].labels.app", "zones[0].workloads[0].name"]);
    const label = issues.find((i) => i.path.endsWith("labels.app"))!;
    assert.equal(label.value, "Front_End-");
    assert.match(label.message, /label value must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit/);
  });

  it("too-long names: a 64-character workload, label value and zone are each refused with their length", () => {
    const long = "a".repeat(64);
    const schemaIssues = issuesOf(() => {
      const input = base();
      input.zones[0].workloads![0].name = long;
      plan(input);
    });
    assert.match(schemaIssues[0].message, /at most 30 characters/);
    const issues = issuesOf(() =>
      planK8s(
        edited((i) => {
          i.zones[0].workloads[0].name = long;
          i.zones[0].workloads[0].labels = { app: long };
          i.zones[1].name = long;
          i.name = long;
          i.flows = [];
        }),
      ),
    );
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    assert.match(byPath.get("zones[0].workloads[0].name")!, /is 64 characters; a DNS-1123 label is at most 63/);
    assert.match(byPath.get("zones[0].workloads[0].labels.app")!, /is 64 characters; a label value is at most 63/);
    assert.match(byPath.get("zones[1].name")!, /namespace name is 64 characters/);
    assert.match(byPath.get("name")!, /netseg.dev\/intent label, and a label value is 64 characters/);
  });

  it("refuses a workload whose objects would collide with its zone's", () => {
    const input = base();
    input.zones[0].workloads!.push({ name: "zone-web" });
    const issues = issuesOf(() => plan(input));
    assert.deepEqual(
      issues.map((i) => [i.path, i.value, i.message]),
      ["policy", "authz", "fqdn"].map((k) => ["zones[0].workloads", `zone-web-${k}`, `workload "zone-web" and zone "web" would both own the object "zone-web-${k}" in namespace "web"`]),
    );
  });

  it("refuses a workload whose selector also selects another workload's pods", () => {
    const input = base();
    input.zones[0].workloads = [{ name: "api", labels: { app: "api" } }, { name: "api-canary", labels: { app: "api", track: "canary" } }];
    input.flows = [];
    const issues = issuesOf(() => plan(input));
    assert.deepEqual(issues.map((i) => i.path), ["zones[0].workloads[0].labels"]);
    assert.match(issues[0].message, /the selector of workload "api" also selects the pods of workload "api-canary"/);
    input.zones[0].workloads[1].labels = { app: "api" };
    assert.equal(issuesOf(() => plan(input)).length, 1, "identical labels are reported once");
  });

  it("refuses an icmp flow: a NetworkPolicy cannot express it", () => {
    const input = base();
    input.flows!.push({ from: "web", to: "data", ports: ["icmp"] });
    const issues = issuesOf(() => plan(input));
    assert.deepEqual(issues.map((i) => i.path), ["flows[2].ports"]);
    assert.match(issues[0].message, /TCP, UDP and SCTP only/);
  });

  it("refuses bad options with their path, together with the intent's own problems", () => {
    const input = base();
    input.flows!.push({ from: "web", to: "data", ports: ["icmp"] });
    const issues = issuesOf(() =>
      plan(input, { egressProxy: { namespace: "Egress Proxy", podLabels: {}, port: 3128 }, podSecurity: { zones: { wbe: "baseline" } }, dns: { podLabels: { "k8s-app": "kube dns" } } }),
    );
    assert.deepEqual(issues.map((i) => i.path).sort(), ["flows[2].ports", "options.dns.podLabels.k8s-app", "options.egressProxy.namespace", "options.egressProxy.podLabels", "options.podSecurity.zones.wbe"]);
    const schema = issuesOf(() => plan(base(), { istio: { trustDomain: "cluster.local", mode: "x" } as any }));
    assert.equal(schema[0].path, "options.istio");
  });
});
