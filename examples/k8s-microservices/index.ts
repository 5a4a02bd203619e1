/**
 * The microservices design of the seed, generated from examples/k8s-microservices/intent.yaml
 * instead of written by hand: the `microservices` namespace with Pod Security labels, a default
 * deny, DNS to kube-dns over UDP and TCP, the frontend reachable only from the ingress
 * controller's pods on 8080, frontend to backend-api on 8081, backend-api to postgres, redis
 * and the internet on 443 (private ranges excepted), STRICT mTLS, and an AuthorizationPolicy
 * letting only the frontend's service account call GET/POST /api/v1/* on the API.
 * ingress-nginx exists already and is only referenced.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NamespaceIsolation } from "../../components/k8s";
import type { PodSecurityLevel } from "../../core/rules/k8s";

const config = new pulumi.Config();

const isolation = new NamespaceIsolation("microservices", {
  intent: path.join(__dirname, "intent.yaml"),
  istio: config.getBoolean("istio") ?? true,
  podSecurity: { level: (config.get("podSecurity") as PodSecurityLevel | undefined) ?? "restricted" },
});

export const namespaces = isolation.namespaceNames;
export const networkPolicies = isolation.plan.networkPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
export const authorizationPolicies = isolation.plan.authorizationPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
