/**
 * The two shapes every netseg rule takes. A rule file declares its metadata, its zod options
 * and a check over plain data; these builders turn that into the `ResourceValidationPolicy` or
 * `StackValidationPolicy` object CrossGuard runs, with the config schema derived from zod and
 * properties read through plain-props (unknowns never throw). Rules do not know which pack
 * serves them.
 */
import type {
  EnforcementLevel,
  ResourceRemediation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { z } from "zod";
import { StackIndex, type PlainObject, type StackResource } from "../../core/resources";
import { readZoneMarks, type Platform } from "../../core/tags";
import { configSchemaOf, readConfig } from "./config";
import { knownCopy, plainProps, toStackResources } from "./plain-props";

export interface RuleMeta<S extends z.ZodObject> {
  /** `netseg-<cloud>-<subject>-<condition>`. */
  readonly name: string;
  /** One sentence stating the passing condition. */
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  readonly config: S;
  /** RULES.md row numbers and the scanner ids covered, for the README and the report. */
  readonly covers: { readonly rows: readonly number[]; readonly ids: readonly string[] };
  /** How to fix a violation, in a sentence or two: the report shows it beside every finding of the rule. */
  readonly remediationSteps: string;
}

/** What a resource check sees. */
export interface ResourceInput {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: PlainObject;
  readonly stackTags: ReadonlyMap<string, string>;
}

/** What netseg adds to a CrossGuard policy object: the rows it covers and its zod options. */
interface NetsegExtras {
  readonly covers: RuleMeta<z.ZodObject>["covers"];
  readonly options: z.ZodObject;
}
export type NetsegResourcePolicy = ResourceValidationPolicy & NetsegExtras;
export type NetsegStackPolicy = StackValidationPolicy & NetsegExtras;
export type NetsegPolicy = NetsegResourcePolicy | NetsegStackPolicy;

export function resourceRule<S extends z.ZodObject>(
  meta: RuleMeta<S> & {
    readonly types: readonly string[];
    readonly check: (r: ResourceInput, cfg: z.output<S>, report: (message: string) => void) => void;
    /** New properties, or undefined to leave the resource alone. */
    readonly remediate?: (r: ResourceInput, cfg: z.output<S>) => Record<string, unknown> | undefined;
  },
): NetsegResourcePolicy {
  const { types, check, remediate, config, covers, ...rest } = meta;
  const input = (args: ResourceValidationArgs): ResourceInput => ({ type: args.type, name: args.name, urn: args.urn, props: plainProps(args.props), stackTags: args.stackTags });
  const policy: NetsegResourcePolicy = {
    ...rest,
    covers,
    options: config,
    configSchema: configSchemaOf(config),
    validateResource: ofTypes<ResourceValidation>(types, (args, reportViolation) => {
      if (!types.includes(args.type)) return;
      const cfg = readConfig(meta.name, config, args.getConfig());
      check(input(args), cfg, (m) => reportViolation(m));
    }),
  };
  if (remediate) {
    return {
      ...policy,
      remediateResource: ofTypes<ResourceRemediation>(types, (args) => {
        if (!types.includes(args.type)) return undefined;
        const r = input(args);
        const fixed = remediate(r, readConfig(meta.name, config, args.getConfig()));
        if (!fixed) return undefined;
        const base = knownCopy(args.props);
        return base ? { ...base, ...fixed } : undefined;
      }),
    };
  }
  return policy;
}

/**
 * The engine sends every resource to every pack, and @pulumi/policy deserializes a resource's
 * properties once per policy before calling it (for a stack policy: every resource of the
 * stack, once per policy), unless the policy's function carries the one Pulumi type it applies
 * to: then a resource of another type, or a stack without that type, is skipped before any
 * decoding. That mark is what `validateResourceOfType` and `validateStackResourcesOfType`
 * attach from a resource class (its static `__pulumiType`); netseg rules name their types as
 * strings, so a single-type rule's function is marked the same way. In a 5,000-resource AWS
 * stack this spares the GCP and Kubernetes packs most of their work. The checks inside the
 * functions stay, for runtimes without the fast path.
 */
function ofSingleType<F extends object>(types: readonly string[], fn: F): F {
  return types.length === 1 ? Object.assign(fn, { __pulumiType: types[0] }) : fn;
}

/**
 * A resource rule's function also carries all its types (`__netsegTypes`), single or several:
 * it returns at once for any other type, so `netseg preview` does not send a pack a resource
 * none of its resource policies examines (cli/preview/pack-launcher.ts reads the marks of the
 * policies a pack serves). A pack with any resource policy without marks gets every resource.
 * A stack rule's function carries the types without which it is not applicable (it reads
 * nothing before saying so): a pack none of whose stack rules applies to a stack is sent the
 * stack without its resources, which it would only have decoded to find nothing to judge.
 */
function ofTypes<F extends object>(types: readonly string[], fn: F): F {
  return Object.assign(ofSingleType(types, fn), { __netsegTypes: Object.freeze([...types]) });
}

/**
 * The index of a stack's resources, shared by the stack rules of one AnalyzeStack call: where
 * the pack decodes each resource once per call (decode-once.ts) they get the very same resource
 * objects, in the same order, and build the same index; it is built once. Keyed by the first
 * resource, so it goes with the request.
 */
const indexes = new WeakMap<StackResource, StackIndex>();

function stackIndexOf(resources: readonly StackResource[]): StackIndex {
  const first = resources[0];
  const known = first && indexes.get(first);
  if (known && known.resources.length === resources.length && known.resources.every((r, i) => r === resources[i])) return known;
  const index = new StackIndex(resources);
  if (first) indexes.set(first, index);
  return index;
}

export function stackRule<S extends z.ZodObject>(
  meta: RuleMeta<S> & {
    /** The rule does not apply to a stack without any of these types. */
    readonly types: readonly string[];
    readonly check: (stack: StackIndex, cfg: z.output<S>, report: (message: string, urn?: string) => void, args: StackValidationArgs) => void;
  },
): NetsegStackPolicy {
  const { types, check, config, covers, ...rest } = meta;
  return {
    ...rest,
    covers,
    options: config,
    configSchema: configSchemaOf(config),
    validateStack: ofTypes<StackValidation>(types, (args, reportViolation) => {
      if (!args.resources.some((r) => types.includes(r.type))) {
        // It throws (the policy server records the reason); it reads nothing else either way.
        args.notApplicable(`no resource of type ${types.join(", ")} in the stack`);
        return;
      }
      const cfg = readConfig(meta.name, config, args.getConfig());
      check(stackIndexOf(toStackResources(args.resources)), cfg, reportViolation, args);
    }),
  };
}

/** A resource's zone and whether that zone faces the internet, from netseg's marks or `zoneTag`. */
export function zoneOf(platform: Platform, tags: Readonly<Record<string, string>>, cfg: { zoneTag?: string; internetFacingZones: readonly string[] }): { zone?: string; internetFacing: boolean } {
  const marks = readZoneMarks(platform, tags, cfg.zoneTag);
  return { zone: marks.zone, internetFacing: marks.internet === "inbound" || (marks.zone !== undefined && cfg.internetFacingZones.includes(marks.zone)) };
}

/** `name (type)` for messages. */
export function label(r: { name: string; type: string }): string {
  return `${r.name} (${r.type.split(":").pop()})`;
}
