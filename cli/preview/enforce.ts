/**
 * Drives running packs over the recorded resources the way the engine's step generator does
 * during `pulumi preview` (pkg/resource/deploy/step_generator.go):
 *
 * - per resource, in registration order: first a remediation pass over every pack (each pack
 *   sees the inputs as remediated by the packs before it), then an analyze pass on the final
 *   inputs. A remediation "diagnostic" is an advisory violation; a remediate-level violation
 *   still raised after remediation is reported as mandatory.
 * - at the end, analyzeStack with every resource's state (outputs), parent, dependencies,
 *   property dependencies and provider; remediate becomes mandatory there too; a stack
 *   diagnostic whose URN is not in the stack is attributed to the root stack.
 * - read (`get`) resources are not analyzed, only included in analyzeStack.
 *
 * Resources are analyzed as they arrive (the CLI streams them from the running program),
 * several at once (bounded); a resource's remediation passes run pack after pack, its analyze
 * calls go to every pack at once; results are put back in registration and pack order, so the
 * output is deterministic. A pack with no remediate-level policy is not asked to remediate: its
 * server would skip every policy, so the answer is known to be empty. analyzeStack starts only
 * when every resource has been analyzed, as in the engine (a pack may rely on that order).
 */
import { PreviewError, oneParagraph } from "./errors";
import type { PackInfo, RunningPack } from "./packs";
import { DEADLINE_EXCEEDED, analyzerProto, levelFromEnum, severityFromEnum, structProto, unarySerialized } from "./packs";
import type { PackConfig } from "./pack-config";
import type { RecordedResource, Remediation, Violation } from "./types";

export interface ConfiguredPack {
  pack: RunningPack;
  info: PackInfo;
  config: PackConfig;
  /**
   * The only resource types any resource policy of the pack examines, when that is known (see
   * pack-session.ts): a resource of another type is neither remediated nor analyzed by the
   * pack, whose answer is known to be empty. Undefined: every resource goes to the pack.
   */
  resourceTypes?: ReadonlySet<string>;
  /**
   * The resource types without any of which none of the pack's stack policies applies, when
   * that is known: such a pack is sent a stack lacking them without its resources (it would
   * decode them all only to answer "not applicable"). Undefined: always the whole stack.
   */
  stackTypes?: ReadonlySet<string>;
}

/** Whether `cp` can have anything to say about a resource of `type`. */
function examines(cp: ConfiguredPack, type: string): boolean {
  return cp.resourceTypes === undefined || cp.resourceTypes.has(type);
}

export interface EnforcementResult {
  violations: Violation[];
  remediations: Remediation[];
  /** Inputs after remediation, by URN (only resources a pack changed). */
  remediatedInputs: Record<string, Record<string, unknown>>;
}

function optionsProto(r: RecordedResource, withParent: boolean): any {
  const o = new analyzerProto.AnalyzerResourceOptions();
  o.setProtect(r.options.protect);
  o.setIgnorechangesList(r.options.ignoreChanges);
  o.setDeletebeforereplace(r.options.deleteBeforeReplace ?? false);
  o.setDeletebeforereplacedefined(r.options.deleteBeforeReplace !== undefined);
  o.setAdditionalsecretoutputsList(r.options.additionalSecretOutputs);
  o.setAliasesList(r.options.aliases);
  const t = new analyzerProto.AnalyzerResourceOptions.CustomTimeouts();
  t.setCreate(r.options.customTimeouts.create);
  t.setUpdate(r.options.customTimeouts.update);
  t.setDelete(r.options.customTimeouts.delete);
  o.setCustomtimeouts(t);
  if (withParent && r.parent) o.setParent(r.parent);
  return o;
}

/**
 * The provider message of `r`, built once per provider: every resource of a stack names one of
 * a few providers, and a message is only read when the request holding it is serialized.
 */
function providerProto(r: RecordedResource, byUrn: Map<string, RecordedResource>, built: Map<string, unknown>): any {
  const p = r.provider ? byUrn.get(r.provider) : undefined;
  if (!p) return undefined;
  const known = built.get(p.urn);
  if (known) return known;
  const msg = new analyzerProto.AnalyzerProviderResource();
  msg.setType(p.type);
  msg.setUrn(p.urn);
  msg.setName(p.name);
  msg.setProperties(structProto.Struct.fromJavaScript(p.inputs));
  built.set(p.urn, msg);
  return msg;
}

/** The AnalyzeRequest for `r` with `inputs`, serialized once for every pack and call. */
export function analyzeRequest(r: RecordedResource, inputs: Record<string, unknown>, byUrn: Map<string, RecordedResource>, providers: Map<string, unknown>): Uint8Array {
  const req = new analyzerProto.AnalyzeRequest();
  req.setType(r.type);
  req.setUrn(r.urn);
  req.setName(r.name);
  req.setProperties(structProto.Struct.fromJavaScript(inputs));
  req.setOptions(optionsProto(r, true));
  const provider = providerProto(r, byUrn, providers);
  if (provider) req.setProvider(provider);
  return req.serializeBinary();
}

/**
 * @pulumi/policy reports a policy that read a value unknown at preview as an advisory "can't run
 * policy ... during preview" diagnostic, whatever the policy's own level. A mandatory (or
 * remediate) check that did not run did not pass: the preview counts it as a mandatory
 * violation. Setting the policy to advisory in the pack's config is the explicit way to accept it.
 */
function couldNotRun(message: string, policy: string, cp: ConfiguredPack): boolean {
  if (!message.startsWith(`can't run policy '${policy}' `)) return false;
  const level = cp.config[policy]?.enforcementLevel ?? cp.info.policies.find((p) => p.name === policy)?.level;
  return level === "mandatory" || level === "remediate";
}

const NOT_RUN_NOTE =
  " (netseg preview counts a mandatory policy that could not run as a violation: a check that did not run did not pass. Set the policy to advisory in --policy-pack-config to accept that.)";

function toViolation(d: any, urn: string, phase: Violation["phase"], cp: ConfiguredPack): Violation {
  const notRun = couldNotRun(d.getMessage(), d.getPolicyname(), cp);
  const level = notRun ? "mandatory" : levelFromEnum(d.getEnforcementlevel());
  return {
    policyPack: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    policy: d.getPolicyname(),
    description: d.getDescription(),
    message: notRun ? `${d.getMessage()}${NOT_RUN_NOTE}` : d.getMessage(),
    level: level === "remediate" || level === "mandatory" ? "mandatory" : "advisory",
    ...(severityFromEnum(d.getSeverity?.() ?? 0) ? { severity: severityFromEnum(d.getSeverity()) } : {}),
    urn,
    phase,
  };
}

/**
 * A failed call as the user should read it: a dropped connection usually means the pack died,
 * so wait briefly for its exit, then name its exit code and its last words on stderr.
 */
async function packFailure(cp: ConfiguredPack, what: string, err: unknown): Promise<PreviewError> {
  const proc = cp.pack.process;
  if (proc.exitCode === null && proc.signalCode === null && (err as { code?: number }).code === 14 /* UNAVAILABLE */) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([cp.pack.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 500)))]);
    clearTimeout(timer);
  }
  if ((err as { code?: number }).code === DEADLINE_EXCEEDED) {
    return new PreviewError(
      `Policy pack '${cp.info.name}' (${cp.pack.dir}) did not answer within ${cp.pack.callTimeoutMs / 1000}s when asked ${what}: ` +
        `its policy code is stuck (a loop, or a promise that never settles). If it is only slow, raise --analyze-timeout or NETSEG_ANALYZE_TIMEOUT.`,
    );
  }
  const detail = oneParagraph((err as { details?: string }).details ?? String(err), 900);
  const exited = proc.exitCode !== null ? ` (its process exited with code ${proc.exitCode})` : proc.signalCode ? ` (its process was killed by ${proc.signalCode})` : "";
  const said = oneParagraph(cp.pack.stderr(), 600);
  return new PreviewError(`Policy pack '${cp.info.name}' (${cp.pack.dir}) failed ${what}: ${detail}${exited}${said ? `. It wrote: ${said}` : ""}`);
}

/**
 * Remediate + analyze every resource `source` yields, as it arrives (the engine analyzes each
 * registration as the program makes it, so a preview can too: the CLI feeds this from the
 * running program). `limit` resources are in flight at once; results keep arrival order, which
 * is registration order.
 */
export async function analyzeResources(
  source: AsyncIterable<RecordedResource> | Iterable<RecordedResource>,
  packs: ConfiguredPack[],
  onProgress?: (done: number) => void,
  limit = 32,
): Promise<EnforcementResult> {
  const byUrn = new Map<string, RecordedResource>();
  const providers = new Map<string, unknown>();
  const remediating = packs.filter((cp) => Object.values(cp.config).some((c) => c.enforcementLevel === "remediate"));
  const perResource: { urn: string; violations: Violation[]; remediations: Remediation[]; inputs?: Record<string, unknown> }[] = [];
  let done = 0;
  const one = async (r: RecordedResource, slot: number) => {
    const violations: Violation[] = [];
    const remediations: Remediation[] = [];
    let inputs = r.inputs;
    // A resource no pack examines is not serialized at all (most of a large stack for all packs but one).
    if (!packs.some((cp) => examines(cp, r.type))) {
      perResource[slot] = { urn: r.urn, violations, remediations };
      onProgress?.(++done);
      return;
    }
    // One serialized request per distinct inputs: every pack's remediate and analyze reuse it unless a pack changed them.
    let request = analyzeRequest(r, inputs, byUrn, providers);
    for (const cp of remediating) {
      if (!examines(cp, r.type)) continue;
      const resp = await unarySerialized<any>(cp.pack.client, "remediate", request, cp.pack.callTimeoutMs).catch(async (err) => {
        throw await packFailure(cp, `to remediate ${r.urn}`, err);
      });
      for (const rem of resp.getRemediationsList()) {
        if (rem.getDiagnostic()) {
          const notRun = couldNotRun(rem.getDiagnostic(), rem.getPolicyname(), cp);
          violations.push({
            policyPack: rem.getPolicypackname(),
            policyPackVersion: rem.getPolicypackversion(),
            policy: rem.getPolicyname(),
            description: rem.getDescription(),
            message: notRun ? `${rem.getDiagnostic()}${NOT_RUN_NOTE}` : rem.getDiagnostic(),
            level: notRun ? "mandatory" : "advisory",
            urn: r.urn,
            phase: "remediate",
          });
        } else if (rem.getProperties()) {
          inputs = rem.getProperties().toJavaScript();
          request = analyzeRequest(r, inputs, byUrn, providers);
          remediations.push({ policyPack: rem.getPolicypackname(), policy: rem.getPolicyname(), urn: r.urn, description: rem.getDescription() });
        }
      }
    }
    // Every pack analyzes the same final inputs: ask them all at once (each pack is its own
    // process, so a slow pack no longer holds the others idle), keep the findings in pack order.
    const answers = await Promise.all(
      packs.map((cp) =>
        examines(cp, r.type)
          ? unarySerialized<any>(cp.pack.client, "analyze", request, cp.pack.callTimeoutMs).catch(async (err) => {
              throw await packFailure(cp, `to analyze ${r.urn}`, err);
            })
          : undefined,
      ),
    );
    // As the engine does: the resource's own URN, whatever URN the diagnostic names.
    answers.forEach((resp, i) => {
      for (const d of resp?.getDiagnosticsList() ?? []) violations.push(toViolation(d, r.urn, "resource", packs[i]));
    });
    perResource[slot] = { urn: r.urn, violations, remediations, inputs: inputs === r.inputs ? undefined : inputs };
    onProgress?.(++done);
  };
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<RecordedResource>)[Symbol.iterator]();
  let arrived = 0;
  const worker = async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const r = next.value;
      // Providers register before the resources they manage, so the lookup is complete when needed.
      byUrn.set(r.urn, r);
      const slot = arrived++;
      if (r.read) continue; // read resources are only part of analyzeStack
      await one(r, slot);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));

  const ordered = perResource.filter((p) => p !== undefined);
  const remediatedInputs: Record<string, Record<string, unknown>> = {};
  for (const p of ordered) if (p.inputs) remediatedInputs[p.urn] = p.inputs;
  return {
    violations: ordered.flatMap((p) => p.violations),
    remediations: ordered.flatMap((p) => p.remediations),
    remediatedInputs,
  };
}

/** The AnalyzerResource of `r` as analyzeStack sends it: its preview state, options, provider, parent and dependencies. */
export function stackResource(r: RecordedResource, byUrn: Map<string, RecordedResource>, remediatedInputs: Record<string, Record<string, unknown>>, providers: Map<string, unknown>): any {
  const m = new analyzerProto.AnalyzerResource();
  m.setType(r.type);
  m.setUrn(r.urn);
  m.setName(r.name);
  // A remediated resource's preview state follows its remediated inputs, as in the engine.
  const remediated = remediatedInputs[r.urn];
  m.setProperties(structProto.Struct.fromJavaScript(remediated ? { ...r.outputs, ...remediated } : r.outputs));
  m.setOptions(optionsProto(r, false));
  const provider = providerProto(r, byUrn, providers);
  if (provider) m.setProvider(provider);
  if (r.parent) m.setParent(r.parent);
  m.setDependenciesList(r.dependencies);
  const deps = m.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(r.propertyDependencies)) {
    if (urns.length === 0) continue;
    const pd = new analyzerProto.AnalyzerPropertyDependencies();
    pd.setUrnsList(urns);
    deps.set(k, pd);
  }
  return m;
}

/**
 * The encoded AnalyzeStackRequest of `resources`. Its only field is `repeated AnalyzerResource
 * resources = 1`, whose encoding is each resource's bytes behind its field key and length, one
 * after the other: so each resource is encoded as soon as it is built and its message dropped,
 * instead of a message tree of the whole stack and one writer for all of it (on a stack of
 * thousands of resources, hundreds of megabytes that live long enough to reach the old heap).
 * A test checks the bytes against the whole message's serializeBinary.
 */
export function stackRequestBytes(
  resources: readonly RecordedResource[],
  remediatedInputs: Record<string, Record<string, unknown>> = {},
  byUrn: Map<string, RecordedResource> = new Map(resources.map((r) => [r.urn, r])),
): Uint8Array {
  const providers = new Map<string, unknown>();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const r of resources) {
    const bytes: Uint8Array = stackResource(r, byUrn, remediatedInputs, providers).serializeBinary();
    const head = lengthDelimitedKey(1, bytes.length);
    parts.push(head, bytes);
    size += head.length + bytes.length;
  }
  return Buffer.concat(parts, size);
}

/** A length-delimited field's key (field number, wire type 2) and its length, as protobuf varints. */
function lengthDelimitedKey(field: number, length: number): Uint8Array {
  const out = [(field << 3) | 2];
  let n = length;
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/**
 * AnalyzeStack on every pack with the program's final resources (their state, parents and
 * dependencies), remediated inputs folded in as the engine's preview state would have them.
 */
export async function analyzeStack(resources: RecordedResource[], packs: ConfiguredPack[], remediatedInputs: Record<string, Record<string, unknown>>): Promise<Violation[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack" && !r.parent);
  const types = new Set(resources.map((r) => r.type));
  const applies = (cp: ConfiguredPack) => cp.stackTypes === undefined || [...cp.stackTypes].some((t) => types.has(t));
  const empty: Uint8Array = new analyzerProto.AnalyzeStackRequest().serializeBinary();
  // The same request goes to every pack it applies to: encode it once (it holds every resource's state).
  const bytes: Uint8Array = packs.some(applies) ? stackRequestBytes(resources, remediatedInputs, byUrn) : empty;
  const stackViolations = await Promise.all(
    packs.map(async (cp) => {
      const resp = await unarySerialized<any>(cp.pack.client, "analyzeStack", applies(cp) ? bytes : empty, cp.pack.callTimeoutMs).catch(async (err: { code?: number }) => {
        if (err.code === 12 /* UNIMPLEMENTED: the engine skips such packs */) return undefined;
        throw await packFailure(cp, "to analyze the stack", err);
      });
      if (!resp) return [];
      return resp.getDiagnosticsList().map((d: any) => {
        const urn = d.getUrn() && byUrn.has(d.getUrn()) ? d.getUrn() : (root?.urn ?? d.getUrn());
        return toViolation(d, urn, "stack", cp);
      });
    }),
  );

  return stackViolations.flat();
}

/** Run remediate + analyze per resource, then analyzeStack, on every configured pack. */
export async function enforce(
  resources: RecordedResource[],
  packs: ConfiguredPack[],
  onProgress?: (done: number, total: number) => void,
): Promise<EnforcementResult> {
  const total = resources.filter((r) => !r.read).length;
  const pass = await analyzeResources(resources, packs, onProgress && ((done) => onProgress(done, total)));
  const stack = await analyzeStack(resources, packs, pass.remediatedInputs);
  return { ...pass, violations: [...pass.violations, ...stack] };
}
