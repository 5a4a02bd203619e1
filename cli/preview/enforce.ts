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
 * Resources are analyzed concurrently (bounded), results are put back in registration order,
 * so the output is deterministic. A pack with no remediate-level policy is not asked to
 * remediate: its server would skip every policy, so the answer is known to be empty.
 */
import { PreviewError, oneParagraph } from "./errors";
import type { PackInfo, RunningPack } from "./packs";
import { analyzerProto, levelFromEnum, severityFromEnum, structProto, unary, unarySerialized } from "./packs";
import type { PackConfig } from "./pack-config";
import type { RecordedResource, Remediation, Violation } from "./types";

export interface ConfiguredPack {
  pack: RunningPack;
  info: PackInfo;
  config: PackConfig;
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

function providerProto(r: RecordedResource, byUrn: Map<string, RecordedResource>): any {
  const p = r.provider ? byUrn.get(r.provider) : undefined;
  if (!p) return undefined;
  const msg = new analyzerProto.AnalyzerProviderResource();
  msg.setType(p.type);
  msg.setUrn(p.urn);
  msg.setName(p.name);
  msg.setProperties(structProto.Struct.fromJavaScript(p.inputs));
  return msg;
}

/** The AnalyzeRequest for `r` with `inputs`, serialized once for every pack and call. */
function analyzeRequest(r: RecordedResource, inputs: Record<string, unknown>, byUrn: Map<string, RecordedResource>): Uint8Array {
  const req = new analyzerProto.AnalyzeRequest();
  req.setType(r.type);
  req.setUrn(r.urn);
  req.setName(r.name);
  req.setProperties(structProto.Struct.fromJavaScript(inputs));
  req.setOptions(optionsProto(r, true));
  const provider = providerProto(r, byUrn);
  if (provider) req.setProvider(provider);
  return req.serializeBinary();
}

function toViolation(d: any, urn: string, phase: Violation["phase"]): Violation {
  const level = levelFromEnum(d.getEnforcementlevel());
  return {
    policyPack: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    policy: d.getPolicyname(),
    description: d.getDescription(),
    message: d.getMessage(),
    level: level === "remediate" || level === "mandatory" ? "mandatory" : "advisory",
    ...(severityFromEnum(d.getSeverity?.() ?? 0) ? { severity: severityFromEnum(d.getSeverity()) } : {}),
    urn,
    phase,
  };
}

function packFailure(cp: ConfiguredPack, what: string, err: unknown): PreviewError {
  const detail = oneParagraph((err as { details?: string }).details ?? String(err), 900);
  return new PreviewError(`Policy pack '${cp.info.name}' (${cp.pack.dir}) failed ${what}: ${detail}`);
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Run remediate + analyze per resource, then analyzeStack, on every configured pack. */
export async function enforce(
  resources: RecordedResource[],
  packs: ConfiguredPack[],
  onProgress?: (done: number, total: number) => void,
): Promise<EnforcementResult> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const remediating = packs.filter((cp) => Object.values(cp.config).some((c) => c.enforcementLevel === "remediate"));
  const analyzed = resources.filter((r) => !r.read);
  let done = 0;
  const perResource = await mapLimited(analyzed, 32, async (r) => {
    const violations: Violation[] = [];
    const remediations: Remediation[] = [];
    let inputs = r.inputs;
    // One serialized request per distinct inputs: every pack's remediate and analyze reuse it unless a pack changed them.
    let request = analyzeRequest(r, inputs, byUrn);
    for (const cp of remediating) {
      const resp = await unarySerialized<any>(cp.pack.client, "remediate", request).catch((err) => {
        throw packFailure(cp, `to remediate ${r.urn}`, err);
      });
      for (const rem of resp.getRemediationsList()) {
        if (rem.getDiagnostic()) {
          violations.push({
            policyPack: rem.getPolicypackname(),
            policyPackVersion: rem.getPolicypackversion(),
            policy: rem.getPolicyname(),
            description: rem.getDescription(),
            message: rem.getDiagnostic(),
            level: "advisory",
            urn: r.urn,
            phase: "remediate",
          });
        } else if (rem.getProperties()) {
          inputs = rem.getProperties().toJavaScript();
          request = analyzeRequest(r, inputs, byUrn);
          remediations.push({ policyPack: rem.getPolicypackname(), policy: rem.getPolicyname(), urn: r.urn, description: rem.getDescription() });
        }
      }
    }
    for (const cp of packs) {
      const resp = await unarySerialized<any>(cp.pack.client, "analyze", request).catch((err) => {
        throw packFailure(cp, `to analyze ${r.urn}`, err);
      });
      // As the engine does: the resource's own URN, whatever URN the diagnostic names.
      for (const d of resp.getDiagnosticsList()) violations.push(toViolation(d, r.urn, "resource"));
    }
    onProgress?.(++done, analyzed.length);
    return { violations, remediations, inputs: inputs === r.inputs ? undefined : inputs };
  });

  const remediatedInputs: Record<string, Record<string, unknown>> = {};
  perResource.forEach((p, i) => {
    if (p.inputs) remediatedInputs[analyzed[i].urn] = p.inputs;
  });

  const stackRequest = new analyzerProto.AnalyzeStackRequest();
  stackRequest.setResourcesList(
    resources.map((r) => {
      const m = new analyzerProto.AnalyzerResource();
      m.setType(r.type);
      m.setUrn(r.urn);
      m.setName(r.name);
      // A remediated resource's preview state follows its remediated inputs, as in the engine.
      const remediated = remediatedInputs[r.urn];
      m.setProperties(structProto.Struct.fromJavaScript(remediated ? { ...r.outputs, ...remediated } : r.outputs));
      m.setOptions(optionsProto(r, false));
      const provider = providerProto(r, byUrn);
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
    }),
  );
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack" && !r.parent);
  const stackViolations = await Promise.all(
    packs.map(async (cp) => {
      const resp = await unary<any>(cp.pack.client, "analyzeStack", stackRequest).catch((err: { code?: number }) => {
        if (err.code === 12 /* UNIMPLEMENTED: the engine skips such packs */) return undefined;
        throw packFailure(cp, "to analyze the stack", err);
      });
      if (!resp) return [];
      return resp.getDiagnosticsList().map((d: any) => {
        const urn = d.getUrn() && byUrn.has(d.getUrn()) ? d.getUrn() : (root?.urn ?? d.getUrn());
        return toViolation(d, urn, "stack");
      });
    }),
  );

  return {
    violations: [...perResource.flatMap((p) => p.violations), ...stackViolations.flat()],
    remediations: perResource.flatMap((p) => p.remediations),
    remediatedInputs,
  };
}
