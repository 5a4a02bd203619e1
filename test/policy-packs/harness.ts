/**
 * Runs netseg rules the way @pulumi/policy's analyzer server does: properties wrapped in the
 * library's own `unknownCheckingProxy`, `getConfig` returning the pack config for the policy,
 * `notApplicable` throwing, `stackTags`, and for stack policies resources linked to each other by
 * `dependencies`/`propertyDependencies` objects. `UnknownValueError` escaping a rule is recorded
 * (the engine would turn it into "can't run policy during preview"), and every suite asserts it
 * never happens.
 *
 * Fixtures are table-driven: one compliant fixture per rule, and cases that change it in one place.
 */
import assert from "node:assert/strict";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { UNKNOWN_SENTINEL, UnknownValueError, unknownCheckingProxy } from "../../policy-packs/rules/policy-internals";
import type { NetsegPolicy, NetsegResourcePolicy, NetsegStackPolicy } from "../../policy-packs/rules/define";
import { readConfig } from "../../policy-packs/rules/config";

/** The value the engine sends for anything unknown at preview. */
export const U: string = UNKNOWN_SENTINEL;

export interface Fixture {
  readonly type: string;
  readonly name: string;
  props: Record<string, any>;
  /** Names of fixtures this one depends on. */
  deps?: string[];
  /** Property -> names of fixtures the property's value came from. */
  propDeps?: Record<string, string[]>;
  parent?: string;
}

export interface Outcome {
  readonly violations: { readonly message: string; readonly urn?: string }[];
  readonly notApplicable?: string;
  readonly unknownError?: string;
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function urnOf(f: { type: string; name: string }): string {
  return `urn:pulumi:test::netseg::${f.type}::${f.name}`;
}

const OPTS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "");
};
const getConfigOf = (config: Record<string, unknown>) => <T extends object>() => config as T;

async function capture(run: (report: (message: string, urn?: string) => void) => Promise<void> | void): Promise<Outcome> {
  const violations: { message: string; urn?: string }[] = [];
  try {
    await run((message, urn) => violations.push(urn ? { message, urn } : { message }));
  } catch (e) {
    if (e instanceof NotApplicable) return { violations, notApplicable: e.reason };
    if (e instanceof UnknownValueError) return { violations, unknownError: e.message };
    throw e;
  }
  return { violations };
}

export interface RunOptions {
  readonly config?: Record<string, unknown>;
  readonly stackTags?: Record<string, string>;
}

export function runResource(policy: NetsegResourcePolicy, f: Fixture, o: RunOptions = {}): Promise<Outcome> {
  const props = unknownCheckingProxy(structuredClone(f.props));
  const args: ResourceValidationArgs = {
    type: f.type,
    props,
    urn: urnOf(f),
    name: f.name,
    opts: OPTS,
    stackTags: new Map(Object.entries(o.stackTags ?? {})),
    isType: () => false,
    asType: () => undefined,
    getConfig: getConfigOf(o.config ?? {}),
    notApplicable,
  };
  const validations = [policy.validateResource ?? []].flat();
  return capture(async (report) => {
    for (const v of validations) await v(args, report);
  });
}

export function stackResources(fs: readonly Fixture[]): PolicyResource[] {
  const byName = new Map<string, PolicyResource>();
  const out = fs.map((f) => {
    const props = unknownCheckingProxy(structuredClone(f.props));
    const r: PolicyResource = { type: f.type, props, urn: urnOf(f), name: f.name, opts: { ...OPTS }, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined };
    byName.set(f.name, r);
    return r;
  });
  const find = (n: string) => {
    const r = byName.get(n);
    assert.ok(r, `fixture refers to unknown resource ${n}`);
    return r;
  };
  fs.forEach((f, i) => {
    const r = out[i];
    const propDeps = Object.entries(f.propDeps ?? {});
    r.propertyDependencies = Object.fromEntries(propDeps.map(([k, ns]) => [k, ns.map(find)]));
    r.dependencies = [...new Set([...(f.deps ?? []), ...propDeps.flatMap(([, ns]) => ns)])].map(find);
    if (f.parent) {
      r.parent = find(f.parent);
      r.opts.parent = r.parent.urn;
    }
  });
  return out;
}

/** A stack resource as recorded by a real run (URN-linked), for stack policies. */
export interface RecordedStackResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly parent?: string;
}

/** Runs a stack policy over recorded resources, linking them by URN as the analyzer server does. */
export function runStackResources(policy: NetsegStackPolicy, recorded: readonly RecordedStackResource[], o: RunOptions = {}): Promise<Outcome> {
  const byUrn = new Map<string, PolicyResource>();
  const out = recorded.map((x) => {
    const r: PolicyResource = { type: x.type, props: unknownCheckingProxy(structuredClone(x.props)), urn: x.urn, name: x.name, opts: { ...OPTS }, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined };
    byUrn.set(x.urn, r);
    return r;
  });
  const resolve = (urns: readonly string[]) => urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => !!r);
  recorded.forEach((x, i) => {
    out[i].dependencies = resolve(x.dependencies);
    out[i].propertyDependencies = Object.fromEntries(Object.entries(x.propertyDependencies).map(([k, v]) => [k, resolve(v)]));
    if (x.parent && byUrn.has(x.parent)) out[i].parent = byUrn.get(x.parent);
  });
  const args: StackValidationArgs = { resources: out, stackTags: new Map(Object.entries(o.stackTags ?? {})), getConfig: getConfigOf(o.config ?? {}), notApplicable };
  return capture((report) => policy.validateStack(args, report));
}

export function runStack(policy: NetsegStackPolicy, fs: readonly Fixture[], o: RunOptions = {}): Promise<Outcome> {
  const args: StackValidationArgs = { resources: stackResources(fs), stackTags: new Map(Object.entries(o.stackTags ?? {})), getConfig: getConfigOf(o.config ?? {}), notApplicable };
  return capture((report) => policy.validateStack(args, report));
}

export async function remediate(policy: NetsegResourcePolicy, f: Fixture, o: RunOptions = {}): Promise<Record<string, any> | void | undefined> {
  assert.ok(policy.remediateResource, `${policy.name} has no remediation`);
  const args: ResourceValidationArgs = {
    type: f.type, props: unknownCheckingProxy(structuredClone(f.props)), urn: urnOf(f), name: f.name, opts: OPTS,
    stackTags: new Map(Object.entries(o.stackTags ?? {})), isType: () => false, asType: () => undefined, getConfig: getConfigOf(o.config ?? {}), notApplicable,
  };
  return policy.remediateResource(args);
}

/** Sets `path` (dot-separated, numbers index arrays) in a fixture's props; for stacks the first segment names the resource. */
function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split(".");
  let cur: any = target;
  for (const k of keys.slice(0, -1)) {
    if (cur[k] === undefined) cur[k] = /^\d+$/.test(k) ? [] : {};
    cur = cur[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

export type Edit<F> = (draft: F) => void;

/** Edit of one field of a single-resource fixture. */
export const set = (path: string, value: unknown): Edit<Fixture> => (f) => setPath(f.props, path, value);

/** Edit of one field of one resource of a stack fixture. */
export const setIn = (name: string, path: string, value: unknown): Edit<Fixture[]> => (fs) => {
  const f = fs.find((x) => x.name === name);
  assert.ok(f, `no fixture named ${name}`);
  if (path === "") throw new Error("empty path");
  setPath(f.props, path, value);
};

/** Adds a resource to a stack fixture. */
export const add = (f: Fixture): Edit<Fixture[]> => (fs) => void fs.push(f);
/** Removes a resource from a stack fixture. */
export const remove = (name: string): Edit<Fixture[]> => (fs) => void fs.splice(fs.findIndex((x) => x.name === name), 1);
/** Sets a fixture's property dependencies. */
export const depend = (name: string, prop: string, on: string[]): Edit<Fixture[]> => (fs) => {
  const f = fs.find((x) => x.name === name);
  assert.ok(f);
  f.propDeps = { ...(f.propDeps ?? {}), [prop]: on };
};
export const all = <F>(...edits: Edit<F>[]): Edit<F> => (d) => edits.forEach((e) => e(d));

export interface Case<F> {
  readonly title: string;
  readonly edit: Edit<F>;
  /** One pattern per expected violation message, in order; [] for none. */
  readonly expect: readonly RegExp[];
  readonly config?: Record<string, unknown>;
}

export interface RuleSpec<F> {
  readonly base: F;
  readonly config?: Record<string, unknown>;
  readonly nonCompliant: readonly Case<F>[];
  /** Further compliant variants (edits that must not produce a violation). */
  readonly compliant?: readonly Case<F>[];
  /** Cases with unknown values: the rule must not throw, and must report what is certain. */
  readonly unknown: readonly Case<F>[];
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** Metadata every rule must carry; fails with the rule name. */
export function checkMetadata(p: NetsegPolicy): void {
  assert.match(p.name, /^netseg-(aws|gcp|gke|k8s|istio)-[a-z0-9]+(-[a-z0-9]+)+$/);
  assert.match(p.description, /^[A-Z][^]*\.$/, "description is one sentence");
  assert.equal(p.description.split(/\.\s/).length, 1, "description is one sentence");
  assert.ok(LEVELS.includes(p.enforcementLevel ?? ""), "has a default enforcement level");
  assert.ok(p.configSchema && typeof p.configSchema.properties === "object");
  assert.ok(!("enforcementLevel" in (p.configSchema?.properties ?? {})));
  assert.ok(p.covers.rows.length > 0 && p.covers.rows.every((r) => r >= 1 && r <= 32));
  assert.doesNotThrow(() => JSON.stringify(p.configSchema));
}

function isStack(p: NetsegPolicy): p is NetsegStackPolicy {
  return "validateStack" in p;
}

async function run<F>(p: NetsegPolicy, f: F, config: Record<string, unknown> | undefined): Promise<Outcome> {
  return isStack(p) ? runStack(p, f as unknown as Fixture[], { config }) : runResource(p, f as unknown as Fixture, { config });
}

function expectOutcome(out: Outcome, expect: readonly RegExp[]): void {
  assert.equal(out.unknownError, undefined, `an unknown value escaped the rule: ${out.unknownError}`);
  const messages = out.violations.map((v) => v.message);
  assert.equal(messages.length, expect.length, `expected ${expect.length} violation(s), got:\n${messages.join("\n") || "(none)"}`);
  expect.forEach((re, i) => assert.match(messages[i], re));
}

/** The standard suite: metadata, compliant base, each non-compliant edit, each unknown edit. */
export function describeRule<F>(policy: NetsegPolicy, spec: RuleSpec<F>): void {
  describe(policy.name, () => {
    it("metadata", () => {
      checkMetadata(policy);
      assert.doesNotThrow(() => readConfig(policy.name, policy.options, {}));
    });
    it("compliant: the base fixture passes", async () => expectOutcome(await run(policy, spec.base, spec.config), []));
    const cases: [string, Case<F>][] = [
      ...spec.nonCompliant.map((c): [string, Case<F>] => ["non-compliant", c]),
      ...(spec.compliant ?? []).map((c): [string, Case<F>] => ["compliant", c]),
      ...spec.unknown.map((c): [string, Case<F>] => ["unknown", c]),
    ];
    for (const [kind, c] of cases) {
      it(`${kind}: ${c.title}`, async () => {
        const draft = structuredClone(spec.base);
        c.edit(draft);
        expectOutcome(await run(policy, draft, c.config ?? spec.config), c.expect);
      });
    }
  });
}
