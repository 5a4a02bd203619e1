/** A compact, compliant Kubernetes + Istio stack: namespace shop, one frontend, its policies. */
import type { Fixture } from "../harness";

export const K = {
  ns: "kubernetes:core/v1:Namespace",
  np: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  deploy: "kubernetes:apps/v1:Deployment",
  cronJob: "kubernetes:batch/v1:CronJob",
  svc: "kubernetes:core/v1:Service",
  pa: "kubernetes:security.istio.io/v1:PeerAuthentication",
  authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
} as const;

const meta = (name: string) => ({ name, namespace: "shop" });

export const frontendPolicy = () => ({
  metadata: meta("frontend"),
  spec: {
    podSelector: { matchLabels: { app: "frontend" } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } }, podSelector: { matchLabels: { app: "nginx" } } }], ports: [{ protocol: "TCP", port: 8080 }] }],
    egress: [
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
      { to: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ protocol: "TCP", port: 8443 }] },
    ],
  },
});

export const k8sStack = (): Fixture[] => [
  { type: K.ns, name: "shop", props: { metadata: { name: "shop", labels: { "istio-injection": "enabled" } } } },
  { type: K.np, name: "default-deny", props: { metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } } },
  { type: K.np, name: "frontend-np", props: frontendPolicy() },
  {
    type: K.deploy,
    name: "frontend",
    props: { metadata: meta("frontend"), spec: { selector: { matchLabels: { app: "frontend" } }, template: { metadata: { labels: { app: "frontend" } }, spec: { containers: [{ name: "web", image: "web:1", ports: [{ containerPort: 8080 }] }] } } } },
  },
  { type: K.svc, name: "frontend-svc", props: { metadata: meta("frontend"), spec: { type: "ClusterIP", selector: { app: "frontend" }, ports: [{ port: 80, targetPort: 8080 }] } } },
  { type: K.pa, name: "shop-strict", props: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: meta("default"), spec: { mtls: { mode: "STRICT" } } } },
  {
    type: K.authz,
    name: "frontend-allow",
    props: { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: meta("frontend"), spec: { action: "ALLOW", rules: [{ from: [{ source: { principals: ["cluster.local/ns/ingress-nginx/sa/nginx"] } }], to: [{ operation: { ports: ["8080"] } }] }] } },
  },
];

/** One resource of the stack, as a single-resource fixture. */
export const one = (name: string, type: string): Fixture => {
  const f = k8sStack().find((x) => x.name === name && x.type === type);
  if (!f) throw new Error(`no ${type} ${name}`);
  return f;
};
