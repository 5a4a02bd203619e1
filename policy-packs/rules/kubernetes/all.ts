/** Kubernetes and Istio rules: one line per rule (see ../registry.ts). */
export * from "./namespace-default-deny";
export * from "./workload-selected";
export * from "./policy-selects-workload";
export * from "./no-allow-all";
export * from "./egress-allows-dns";
export * from "./explicit-policy-types";
export * from "./no-host-network";
export * from "./loadbalancer-allowlist";
export * from "./istio-peer-authentication-strict";
export * from "./istio-authorization-by-principal";
export * from "./network-policy-well-formed";
export * from "./admin-allow-sensitive-from-all";
export * from "./cluster-guardrails-present";
