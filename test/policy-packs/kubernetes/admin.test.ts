/**
 * The AdminNetworkPolicy rules, on netseg's own guardrails for the shop intent (namespaces app,
 * data (sensitive) and edge, a guardrail ANP per zone, the BANP): that stack passes, and each
 * violation is the passing stack changed in one place. Subjects, peers and ports are written as
 * the network-policy-api v1alpha1 reference defines them.
 */
import path from "node:path";
import { loadIntentFile } from "../../../core/intent";
import { k8sPlanObjects, planK8s } from "../../../core/rules/k8s";
import { adminAllowSensitiveFromAll } from "../../../policy-packs/rules/kubernetes/admin-allow-sensitive-from-all";
import { clusterGuardrailsPresent } from "../../../policy-packs/rules/kubernetes/cluster-guardrails-present";
import { add, all, describeRule, remove, setIn, U, type Fixture } from "../harness";

const ANP = "kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy";
const ROOT = path.resolve(__dirname, "../../..");

/** netseg's guardrail plan of the shop intent, as stack fixtures named by object (namespaces as ns-<name>). */
function guardedShop(): Fixture[] {
  const plan = planK8s(loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml")), { clusterGuardrails: true });
  return k8sPlanObjects(plan)
    .filter((o) => o.kind === "Namespace" || o.kind === "AdminNetworkPolicy" || o.kind === "BaselineAdminNetworkPolicy")
    .map((o) => ({
      type: o.kind === "Namespace" ? "kubernetes:core/v1:Namespace" : `kubernetes:policy.networking.k8s.io/v1alpha1:${o.kind}`,
      name: o.kind === "Namespace" ? `ns-${o.metadata.name}` : o.metadata.name,
      props: JSON.parse(JSON.stringify(o)),
    }));
}

const anp = (name: string, spec: Record<string, unknown>): Fixture => ({ type: ANP, name, props: { apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "AdminNetworkPolicy", metadata: { name }, spec: { priority: 5, ...spec } } });
const toData = { namespaces: { matchLabels: { "kubernetes.io/metadata.name": "data" } } };

describeRule(adminAllowSensitiveFromAll, {
  base: guardedShop(),
  nonCompliant: [
    {
      title: "the data zone's Pass from app turned into an Allow from every namespace",
      edit: all(setIn("netseg-shop-zone-data", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-data", "spec.ingress.0.from", [{ namespaces: {} }])),
      expect: [/AdminNetworkPolicy netseg-shop-zone-data ingress\[0\] \("pass app->data"\) allows every namespace into sensitive namespace data on tcp\/5432, tcp\/6379/],
    },
    {
      title: "an ANP over every sensitive namespace allowing pods of any namespace by pod label",
      edit: add(anp("open-sensitive", { subject: { namespaces: { matchLabels: { "netseg.dev/sensitive": "true" } } }, ingress: [{ name: "monitoring", action: "Allow", from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "scraper" } } } }], ports: [{ portNumber: { protocol: "TCP", port: 9187 } }] }] })),
      expect: [/AdminNetworkPolicy open-sensitive ingress\[0\] \("monitoring"\) allows pods of every namespace \(any namespace may run pods with those labels\) into sensitive namespace data on tcp\/9187/],
    },
    {
      title: "an ANP whose subject is every namespace, allowing egress to the data namespace",
      edit: add(anp("everyone-to-data", { subject: { namespaces: {} }, egress: [{ action: "Allow", to: [toData], ports: [{ portRange: { protocol: "TCP", start: 5000, end: 6000 } }] }] })),
      expect: [/AdminNetworkPolicy everyone-to-data egress\[0\] allows every namespace out to sensitive namespace data on tcp\/5000-6000/],
    },
    {
      title: "an Allow without peers (the API requires them; read at its widest) on every port",
      edit: add(anp("no-peers", { subject: { pods: { namespaceSelector: toData.namespaces, podSelector: {} } }, ingress: [{ action: "Allow" }] })),
      expect: [/AdminNetworkPolicy no-peers ingress\[0\] allows every namespace into sensitive namespace data on every port/],
    },
    {
      title: "a namespace listed as sensitive in the options",
      edit: all(setIn("netseg-shop-zone-app", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-app", "spec.ingress.0.from", [{ namespaces: {} }])),
      config: { sensitiveNamespaces: ["app"] },
      expect: [/netseg-shop-zone-app ingress\[0\] \("pass edge->app"\) allows every namespace into sensitive namespace app on tcp\/8080/],
    },
  ],
  compliant: [
    { title: "Pass from every namespace leaves the decision to the zone's NetworkPolicies", edit: setIn("netseg-shop-zone-data", "spec.ingress.0.from", [{ namespaces: {} }]), expect: [] },
    { title: "Allow from every namespace into a zone that is not sensitive", edit: all(setIn("netseg-shop-zone-edge", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-edge", "spec.ingress.0.from", [{ namespaces: {} }])), expect: [] },
    { title: "Allow into data from one named namespace", edit: setIn("netseg-shop-zone-data", "spec.ingress.0.action", "Allow"), expect: [] },
    { title: "Deny from every namespace", edit: add(anp("deny-all", { subject: { namespaces: {} }, ingress: [{ action: "Deny", from: [{ namespaces: {} }] }] })), expect: [] },
  ],
  unknown: [
    { title: "an unknown subject may not take in data", edit: all(setIn("netseg-shop-zone-data", "spec.subject", U), setIn("netseg-shop-zone-data", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-data", "spec.ingress.0.from", [{ namespaces: {} }])), expect: [] },
    { title: "an unknown peer list", edit: all(setIn("netseg-shop-zone-data", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-data", "spec.ingress.0.from", U)), expect: [] },
    { title: "unknown labels on the data namespace: not known to be sensitive", edit: all(setIn("ns-data", "metadata.labels", U), setIn("netseg-shop-zone-data", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-data", "spec.ingress.0.from", [{ namespaces: {} }])), expect: [] },
    {
      title: "unknown ports still report the certain allow",
      edit: all(setIn("netseg-shop-zone-data", "spec.ingress.0.action", "Allow"), setIn("netseg-shop-zone-data", "spec.ingress.0.from", [{ namespaces: {} }]), setIn("netseg-shop-zone-data", "spec.ingress.0.ports", U)),
      expect: [/allows every namespace into sensitive namespace data on ports unknown at preview/],
    },
  ],
});

describeRule(clusterGuardrailsPresent, {
  base: guardedShop(),
  nonCompliant: [
    {
      title: "the BANP filtered out of the stack",
      edit: remove("default"),
      expect: [/namespace app is marked netseg.dev\/guardrails=anp-banp but the stack declares no BaselineAdminNetworkPolicy named default/, /namespace data is marked/, /namespace edge is marked/],
    },
    { title: "one zone's ANP filtered out", edit: remove("netseg-shop-zone-data"), expect: [/namespace data is marked netseg.dev\/guardrails=anp-banp but no AdminNetworkPolicy in the stack takes it in as its subject/] },
    {
      title: "the BANP under another name (the API server refuses it)",
      edit: setIn("default", "metadata.name", "baseline"),
      expect: [/BaselineAdminNetworkPolicy baseline is not named default/, /namespace app .* no BaselineAdminNetworkPolicy named default/, /namespace data/, /namespace edge/],
    },
    {
      title: "two BANPs named default (two components each asked for the baseline)",
      edit: add({ type: "kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy", name: "other-default", props: { metadata: { name: "default" }, spec: { subject: { namespaces: { matchLabels: { team: "x" } } } } } }),
      expect: [/2 BaselineAdminNetworkPolicies named default in one stack \(default, other-default\): the cluster holds one/],
    },
    {
      title: "a BANP whose subject leaves a zone out",
      edit: setIn("default", "spec.subject", { namespaces: { matchExpressions: [{ key: "netseg.dev/zone", operator: "In", values: ["app", "edge"] }] } }),
      expect: [/namespace data is marked netseg.dev\/guardrails=anp-banp but the BaselineAdminNetworkPolicy default does not take it in as its subject/],
    },
  ],
  compliant: [
    {
      title: "marked anp (the BANP owned by another stack) and no BANP here",
      edit: all(remove("default"), ...["app", "data", "edge"].map((z) => setIn(`ns-${z}`, "metadata.labels", { "netseg.dev/intent": "shop", "netseg.dev/zone": z, "netseg.dev/guardrails": "anp" }))),
      expect: [],
    },
    { title: "no namespace marked: no guardrails asked for", edit: all(...["app", "data", "edge"].map((z) => setIn(`ns-${z}`, "metadata.labels", { "netseg.dev/zone": z })), remove("default"), remove("netseg-shop-zone-app")), expect: [] },
  ],
  unknown: [
    { title: "an unknown BANP subject may take the namespaces in", edit: setIn("default", "spec.subject", U), expect: [] },
    { title: "an unknown BANP name may be default", edit: setIn("default", "metadata.name", U), expect: [] },
  ],
});
