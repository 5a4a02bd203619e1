/**
 * Passing condition: the stack's reachability, computed from its resources, equals the intent:
 * no unintended path, no accidental deny, and no path from the internet into a sensitive zone.
 */
import { z } from "zod";
import { analyseReachability, compareWithIntent, NETWORK_TYPES, type Finding } from "../../../core/reachability";
import { stackRule } from "../define";
import { findIntent } from "./intent-source";

export const intentConformanceConfig = z.object({
  intent: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .describe("The segmentation intent, as YAML or JSON text or as an object; if absent, read from a netseg component in the stack."),
  zoneTag: z.string().optional().describe("Tag/label key naming a resource's zone on hand-written resources; netseg's own zone tag is always read too."),
  tolerateDns: z.boolean().default(true).describe("Tolerate (not require) paths to kube-system/kube-dns on udp/53 and tcp/53."),
  reportUncertain: z.boolean().default(true).describe("Also report paths that are possible only because values are unknown at preview."),
});

/** At most this many findings of one kind are reported one by one; the rest are counted. */
const MAX_FINDINGS = 50;

export const netsegIntentConformance = stackRule({
  name: "netseg-intent-conformance",
  description: "The stack's reachability equals the intent: no unintended path, no accidental deny, no internet path into a sensitive zone.",
  enforcementLevel: "mandatory",
  severity: "high",
  config: intentConformanceConfig,
  covers: { rows: [33], ids: [] },
  types: [...NETWORK_TYPES],
  check: (stack, cfg, report, args) => {
    const source = findIntent(stack, cfg.intent);
    if (!source) {
      args.notApplicable("no intent: set the policy's `intent` option (YAML, JSON or an object) or use a netseg component that carries it");
      return;
    }
    if ("problem" in source) {
      report(`cannot check the stack against the intent: ${source.problem}`);
      return;
    }
    const matrix = analyseReachability(stack.resources, { intent: source.intent, zoneTag: cfg.zoneTag });
    const result = compareWithIntent(matrix, source.intent, { tolerateDns: cfg.tolerateDns });
    const emit = (kind: string, findings: readonly Finding[]) => {
      for (const f of findings.slice(0, MAX_FINDINGS)) report(`${kind}: ${f.message}${f.urns.length ? ` [resources: ${f.urns.join(", ")}]` : ""}`, f.urns[0]);
      if (findings.length > MAX_FINDINGS) report(`${kind}: ${findings.length - MAX_FINDINGS} more not listed`);
    };
    emit("internet path into a sensitive zone", result.internetToSensitive);
    emit("unintended path", result.unintended);
    emit("accidental deny", result.accidentalDenies);
    if (cfg.reportUncertain) emit("possibly unintended path (unknown at preview)", result.uncertain);
  },
});
