/**
 * Runs every rule of the three packs on the resources an example program registers under the
 * SDK's mocks (recorded by cli/preview's runner), the way the engine would: resource policies on
 * each resource's inputs, stack policies on all of them, linked by URN.
 */
import { loadProject } from "../../cli/preview/project";
import { runProgram } from "../../cli/preview/program";
import { awsRules } from "../../policy-packs/rules/aws";
import type { NetsegPolicy, NetsegStackPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";
import { runResource, runStackResources, type Outcome } from "./harness";

export const ALL_RULES: NetsegPolicy[] = [...awsRules, ...gcpRules, ...kubernetesRules];

export interface Recorded {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  readonly parent?: string;
}

export interface Finding {
  readonly policy: string;
  readonly message: string;
}

/** The managed resources an example registers (components and default providers left out). */
export async function recordExample(dir: string): Promise<Recorded[]> {
  const { resources } = await runProgram(loadProject(dir));
  return resources
    .filter((r) => r.custom && !r.defaultProvider)
    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.inputs, outputs: r.outputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies, parent: r.parent }));
}

export async function evaluate(resources: readonly Recorded[], rules: readonly NetsegPolicy[] = ALL_RULES): Promise<Finding[]> {
  const out: Finding[] = [];
  const push = (policy: string, o: Outcome) => {
    if (o.unknownError) out.push({ policy, message: `an unknown value escaped: ${o.unknownError}` });
    for (const v of o.violations) out.push({ policy, message: v.message });
  };
  for (const rule of rules) {
    if ("validateStack" in rule) {
      const stack = resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.outputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies, parent: r.parent }));
      push(rule.name, await runStackResources(rule as NetsegStackPolicy, stack));
    } else {
      for (const r of resources) push(rule.name, await runResource(rule, { type: r.type, name: r.name, props: r.inputs }));
    }
  }
  return out;
}

/** Changes the properties (inputs and state alike) of the first resource matching `pick`. */
export function breakOne(resources: readonly Recorded[], pick: (r: Recorded) => boolean, change: (props: Record<string, any>) => void): Recorded[] {
  const copy = structuredClone(resources) as Recorded[];
  const target = copy.find(pick);
  if (!target) throw new Error("no resource to break");
  change(target.inputs);
  change(target.outputs);
  return copy;
}
