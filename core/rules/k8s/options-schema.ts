/**
 * The zod schema that parses the Kubernetes planner's options (options.ts): defaults and field
 * errors. Internal: netseg's published declarations never name zod, so the public `K8sOptions`
 * is written out in options.ts and checked against this schema below.
 */
import { z } from "zod";
import type { Agrees } from "../../intent/type-agreement";
import type { K8sOptions } from "./options";

// options.ts's POD_SECURITY_LEVELS, restated because options.ts loads this file (the check below keeps them equal).
const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;

const labels = z.record(z.string(), z.string());

export const K8sOptionsSchema = z.strictObject({
  podSecurity: z
    .strictObject({
      level: z.enum(POD_SECURITY_LEVELS).default("restricted").describe("Pod Security admission level enforced, audited and warned on in every zone's namespace"),
      version: z.string().regex(/^(latest|v1\.\d+)$/, "a Pod Security version is latest or v1.<minor>").default("latest"),
      zones: z.record(z.string(), z.enum(POD_SECURITY_LEVELS)).default({}).describe("Per-zone level, e.g. { monitoring: baseline }"),
    })
    .default({ level: "restricted", version: "latest", zones: {} }),
  dns: z
    .strictObject({
      namespace: z.string().default("kube-system"),
      podLabels: labels.default({ "k8s-app": "kube-dns" }),
    })
    .default({ namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } })
    .describe("Where the cluster DNS runs; every zone may reach it on UDP and TCP 53"),
  egressProxy: z
    .strictObject({
      namespace: z.string(),
      podLabels: labels,
      port: z.number().int().min(1).max(65535),
    })
    .default({ namespace: "egress-proxy", podLabels: { app: "egress-proxy" }, port: 3128 })
    .describe("The egress proxy that enforces domain allow-lists (unless Cilium does)"),
  internetExcept: z
    .array(z.string())
    .default([])
    .describe("More ranges kept out of 'the internet' besides RFC 1918, e.g. 169.254.0.0/16 (cloud metadata) or a pod CIDR outside RFC 1918 such as 100.64.0.0/10"),
  istio: z
    .union([
      z.boolean(),
      z.strictObject({
        trustDomain: z.string().default("cluster.local"),
        apiVersion: z.enum(["security.istio.io/v1", "security.istio.io/v1beta1"]).default("security.istio.io/v1"),
      }),
    ])
    .default(false)
    .describe("Mesh mode: PeerAuthentication STRICT per namespace, an AuthorizationPolicy per flow target by service-account principal"),
  cilium: z
    .union([
      z.boolean(),
      z.strictObject({
        multiLevelWildcards: z.boolean().default(false).describe("Write '*.example.com' as Cilium's '**.example.com' (any depth; recent Cilium only) instead of '*.example.com' (one label)"),
      }),
    ])
    .default(false)
    .describe("CNI mode: domain allow-lists become CiliumNetworkPolicy toFQDNs rules instead of going through the egress proxy"),
  clusterGuardrails: z
    .union([
      z.boolean(),
      z.strictObject({
        priorities: z
          .strictObject({
            tenants: z.number().int().min(0).max(1000).default(500).describe("First priority of the per-tenant AdminNetworkPolicies (deny across tenants); each takes this plus its tenant's slot"),
            zones: z.number().int().min(0).max(1000).default(10).describe("First priority of the per-zone AdminNetworkPolicies (DNS allowed, declared flows passed, other zones denied); each takes this plus its zone's slot"),
          })
          .default({ tenants: 500, zones: 10 }),
        baseline: z.boolean().default(true).describe("Emit the cluster's BaselineAdminNetworkPolicy (a singleton named default): false when another stack owns it"),
      }),
    ])
    .default(false)
    .describe("Cluster guardrails: AdminNetworkPolicies and a BaselineAdminNetworkPolicy that namespace owners' NetworkPolicies cannot override"),
});

// Fails to compile if K8sOptions and the schema drift apart.
export const K8S_OPTIONS_TYPE_AGREES: Agrees<z.input<typeof K8sOptionsSchema>, K8sOptions> = true;
