/**
 * `netseg/policies`: netseg's rules, for a pack of your own. Each list is what one of netseg's
 * packs serves, as CrossGuard policy objects, sorted by name; pass any of them, whole or
 * filtered, to `new PolicyPack(name, { policies })` beside your own rules. `resourceRule` and
 * `stackRule` write a rule the way netseg's are written (zod options, a JSON Schema derived from
 * them, properties read with unknowns as markers instead of exceptions).
 *
 * Importing this module starts nothing; only `new PolicyPack(...)` starts a policy server.
 */
import type { NetsegPolicy } from "./define";
import { awsRules } from "./aws";
import { conformanceRules } from "./conformance";
import { gcpRules } from "./gcp";
import { kubernetesRules } from "./kubernetes";

export { awsRules, conformanceRules, gcpRules, kubernetesRules };
export { resourceRule, stackRule, type NetsegPolicy, type NetsegResourcePolicy, type NetsegStackPolicy, type ResourceInput, type RuleMeta } from "./define";
export { portSpecs, zoneOptions } from "./config";

/** Every netseg rule, by the pack that serves it. */
export const rulesByPack: Readonly<Record<"netseg-aws" | "netseg-gcp" | "netseg-kubernetes" | "netseg-conformance", readonly NetsegPolicy[]>> = {
  "netseg-aws": awsRules,
  "netseg-gcp": gcpRules,
  "netseg-kubernetes": kubernetesRules,
  "netseg-conformance": conformanceRules,
};
