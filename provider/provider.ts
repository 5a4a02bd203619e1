/**
 * netseg's component provider: what `pulumi package add` launches (PulumiPlugin.yaml) so that
 * programs in other languages construct netseg's components. The engine asks for the schema
 * (GetSchema) and, for each component a program declares, calls Construct; the component is
 * built by the same TypeScript class a TypeScript program uses, with the same type token, so its
 * children, names and URNs are identical.
 *
 * Inputs arrive as the engine sends them: plain values, or outputs where a value came from
 * another resource. The intent and the options the planner reads before anything is created must
 * be plain (they decide which resources exist); an output there is refused with the input's
 * name. Ids (`vpc.id`, `project`, `sharedServices.vpcId`...) may be outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConstructResult, Provider } from "@pulumi/pulumi/provider";
import { parseIntentText, type Intent } from "../core/intent";
import { COMPONENTS, packageSchema } from "./schema";

type Inputs = Record<string, unknown>;
type Build = (name: string, inputs: Inputs, opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource | Promise<pulumi.ComponentResource>;

/** Inputs that may be outputs of other resources (everything else decides the plan and must be plain). */
const MAY_BE_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  "netseg:aws:SegmentedVpc": ["vpc", "flowLogs", "egressProxy"],
  "netseg:aws:TenantVpcs": ["sharedServices"],
  "netseg:gcp:SegmentedNetwork": ["project"],
  "netseg:k8s:NamespaceIsolation": [],
  "netseg:k8s:TenantNamespaces": [],
};

/* eslint-disable @typescript-eslint/no-require-imports -- each platform's SDK loads only when a program uses its component */
const BUILDERS: Readonly<Record<string, Build>> = {
  "netseg:aws:SegmentedVpc": (name, inputs, opts) => {
    const { SegmentedVpc } = require("../components/aws") as typeof import("../components/aws");
    return new SegmentedVpc(name, { ...inputs, intent: intentOf(inputs, "netseg:aws:SegmentedVpc", name) } as never, opts);
  },
  // Registered in windows of tenants (TenantVpcs.create): the provider process holds the SDK's
  // pending state for a window, not for the whole fleet. Same children, names and outputs as `new`.
  "netseg:aws:TenantVpcs": (name, inputs, opts) => {
    const { TenantVpcs } = require("../components/aws") as typeof import("../components/aws");
    return TenantVpcs.create(name, { ...inputs, intent: intentOf(inputs, "netseg:aws:TenantVpcs", name) } as never, opts);
  },
  "netseg:gcp:SegmentedNetwork": (name, inputs, opts) => {
    const { SegmentedNetwork } = require("../components/gcp") as typeof import("../components/gcp");
    return new SegmentedNetwork(name, { ...inputs, intent: intentOf(inputs, "netseg:gcp:SegmentedNetwork", name) } as never, opts);
  },
  "netseg:k8s:NamespaceIsolation": (name, inputs, opts) => {
    const { NamespaceIsolation } = require("../components/k8s") as typeof import("../components/k8s");
    return new NamespaceIsolation(name, { ...inputs, intent: intentOf(inputs, "netseg:k8s:NamespaceIsolation", name) } as never, opts);
  },
  "netseg:k8s:TenantNamespaces": (name, inputs, opts) => {
    const { TenantNamespaces } = require("../components/k8s") as typeof import("../components/k8s");
    return new TenantNamespaces(name, { ...inputs, intent: intentOf(inputs, "netseg:k8s:TenantNamespaces", name) } as never, opts);
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The intent input as a parsed Intent: an object as written, or its YAML/JSON text. */
function intentOf(inputs: Inputs, type: string, name: string): Intent {
  const where = `${type} "${name}" input "intent"`;
  const v = inputs.intent;
  if (typeof v === "string") return parseIntentText(v, where);
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const { parseIntent } = require("../core/intent") as typeof import("../core/intent"); // eslint-disable-line @typescript-eslint/no-require-imports
    return parseIntent(v, where);
  }
  throw new Error(`${where}: expected the intent document (an object) or its YAML/JSON text (in Pulumi YAML: intent: { fn::readFile: ./intent.yaml }), got ${v === undefined ? "nothing" : typeof v}`);
}

/** Refuses an output where the planner needs a plain value, naming the input. */
function checkPlain(type: string, name: string, inputs: Inputs): void {
  const outputs = Object.keys(inputs).filter((k) => pulumi.Output.isInstance(inputs[k]) && !(MAY_BE_OUTPUT[type] ?? []).includes(k));
  if (outputs.length) {
    throw new Error(
      `${type} "${name}": input ${outputs.map((k) => `"${k}"`).join(", ")} must be a plain value, not the output of another resource: it decides which resources the component creates before any exists. Pass a literal or a config value.`,
    );
  }
}

export class NetsegProvider implements Provider {
  constructor(readonly version: string) {}

  async getSchema(): Promise<string> {
    return JSON.stringify(packageSchema(this.version));
  }

  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<ConstructResult> {
    const build = BUILDERS[type];
    if (!build) throw new Error(`netseg has no component ${type}; it provides ${Object.keys(BUILDERS).join(", ")}`);
    const given = inputs as Inputs;
    checkPlain(type, name, given);
    const unknown = Object.keys(given).filter((k) => !(k in COMPONENTS[type].inputProperties));
    if (unknown.length) throw new Error(`${type} "${name}": unknown input ${unknown.map((k) => `"${k}"`).join(", ")}; it takes ${Object.keys(COMPONENTS[type].inputProperties).join(", ")}`);
    const component = await build(name, given, options);
    const fields = component as unknown as Record<string, pulumi.Input<unknown>>;
    const state = Object.fromEntries(Object.keys(COMPONENTS[type].properties).map((k) => [k, fields[k]]));
    return { urn: component.urn, state };
  }
}
