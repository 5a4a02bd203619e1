/**
 * `netseg/policies`: netseg's rules, for a pack of your own. Each list is what one of netseg's
 * packs serves, as CrossGuard policy objects sorted by name; pass any of them, whole or
 * filtered, to `new PolicyPack(name, { policies })` beside your own rules (examples/custom-pack).
 *
 * Typed with @pulumi/policy's own types only: netseg's rule builders are zod-generic, and zod's
 * declarations do not type-check without `esModuleInterop`, which the Pulumi templates' tsconfig
 * does not set. Importing this module starts nothing; only `new PolicyPack(...)` starts a server.
 */
import type { Policies } from "@pulumi/policy";
import { awsRules as aws } from "./aws";
import { conformanceRules as conformance } from "./conformance";
import { gcpRules as gcp } from "./gcp";
import { kubernetesRules as kubernetes } from "./kubernetes";

/** The rules of pack `netseg-aws`: security groups, NACLs, subnets, instances, data stores. */
export const awsRules: Policies = aws;
/** The rules of pack `netseg-gcp`: firewalls, subnets, networks, VMs, GKE. */
export const gcpRules: Policies = gcp;
/** The rules of pack `netseg-kubernetes`: NetworkPolicies, workloads, Services, Istio. */
export const kubernetesRules: Policies = kubernetes;
/** The rules of pack `netseg-conformance`: reachability held against the intent, policy coverage. */
export const conformanceRules: Policies = conformance;

export { decodeEachResourceOnce } from "./decode-once";

/** Every netseg rule, by the pack that serves it. */
export const rulesByPack: Readonly<Record<"netseg-aws" | "netseg-gcp" | "netseg-kubernetes" | "netseg-conformance", Policies>> = {
  "netseg-aws": awsRules,
  "netseg-gcp": gcpRules,
  "netseg-kubernetes": kubernetesRules,
  "netseg-conformance": conformanceRules,
};
