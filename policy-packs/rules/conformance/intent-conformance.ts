/**
 * Passing condition: the stack's reachability, computed from its resources, equals the intent:
 * no unintended path, no accidental deny, and no path from the internet into a sensitive zone,
 * for every intent in the stack, each on the platforms it applies to (see ./intent-source).
 * What the engine could not analyse (the matrix notes) is listed with the findings, or reported on
 * its own with `reportUnanalysed`.
 */
import { z } from "zod";
import { analyseReachability, compareWithIntent, NETWORK_TYPES, type Finding } from "../../../core/reachability";
import { ephemeralPortsSchema } from "../config";
import { stackRule } from "../define";
import { findIntents } from "./intent-source";

export const intentConformanceConfig = z.object({
  intent: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .describe("The segmentation intent, as YAML or JSON text or as an object, held against every platform with an endpoint for one of its zones; if absent, every intent the stack's netseg components carry, each against its component's platform."),
  zoneTag: z.string().optional().describe("Tag/label key naming a resource's zone on hand-written resources; netseg's own zone tag is always read too."),
  tolerateDns: z.boolean().default(true).describe("Tolerate (not require) paths to kube-system/kube-dns on udp/53 and tcp/53."),
  reportUncertain: z.boolean().default(true).describe("Also report paths that are possible only because values are unknown at preview."),
  ephemeralPorts: ephemeralPortsSchema.optional(),
  reportUnanalysed: z
    .boolean()
    .default(false)
    .describe(
      "Report everything the reachability engine could not analyse (the matrix notes: resources it cannot place, such as a security group with no zone and no subnet, a database or function carrying security groups, a rule AWS or GCP would reject) as violations, even when the stack conforms. Off: they are listed only alongside other findings.",
    ),
});

/** At most this many findings of one kind are reported one by one; the rest are counted. */
const MAX_FINDINGS = 50;
/** At most this many matrix notes are quoted in the "not analysed" line; the rest are counted. */
const MAX_NOTES = 10;

/** The URN a matrix note starts with, if any. */
function urnOf(note: string): string | undefined {
  const m = /^(urn:pulumi:\S+?): /.exec(note);
  return m?.[1];
}

export const netsegIntentConformance = stackRule({
  name: "netseg-intent-conformance",
  description: "The stack's reachability equals the intent: no unintended path, no accidental deny, no internet path into a sensitive zone.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Change the resource the finding names (security group, NACL, route, firewall, NetworkPolicy) so that it allows exactly the intent's flows, or change the intent's flows if the path is meant to exist.",
  config: intentConformanceConfig,
  covers: { rows: [33], ids: [] },
  types: [...NETWORK_TYPES],
  check: (stack, cfg, report, args) => {
    const { intents, problems } = findIntents(stack, cfg.intent);
    for (const problem of problems) report(`cannot check the stack against an intent: ${problem}`);
    if (!intents.length) {
      if (!problems.length) args.notApplicable("no intent: set the policy's `intent` option (YAML, JSON or an object) or use a netseg component that carries it");
      return;
    }
    // One matrix for the stack; each intent is held against the platforms it applies to.
    const matrix = analyseReachability(stack.resources, { intents, zoneTag: cfg.zoneTag, ephemeralPorts: cfg.ephemeralPorts });
    const emit = (name: string, kind: string, findings: readonly Finding[]) => {
      for (const f of findings.slice(0, MAX_FINDINGS)) report(`intent ${name}: ${kind}: ${f.message}${f.urns.length ? ` [resources: ${f.urns.join(", ")}]` : ""}`, f.urns[0]);
      if (findings.length > MAX_FINDINGS) report(`intent ${name}: ${kind}: ${findings.length - MAX_FINDINGS} more not listed`);
    };
    let reported = false;
    for (const s of intents) {
      const result = compareWithIntent(matrix, s.intent, { tolerateDns: cfg.tolerateDns, platforms: s.platforms, tenant: s.tenant });
      const name = s.intent.name;
      const kinds: [string, readonly Finding[]][] = [
        ["internet path into a sensitive zone", result.internetToSensitive],
        ["unintended path", result.unintended],
        ["accidental deny", result.accidentalDenies],
        ["path through a quarantine", result.quarantineBreaches],
        ["latent path (the destination admits it, other checks stop it today)", result.latent],
        ...(cfg.reportUncertain ? [["possibly unintended path (unknown at preview)", result.uncertain] as [string, readonly Finding[]]] : []),
      ];
      for (const [kind, findings] of kinds) {
        emit(name, kind, findings);
        reported ||= findings.length > 0;
      }
    }
    // What the engine could not analyse (a malformed rule read as a "maybe", a group it cannot
    // place, a database carrying groups) explains findings, or is a finding itself when asked.
    const notes = matrix.notes;
    if (cfg.reportUnanalysed) {
      for (const n of notes.slice(0, MAX_FINDINGS)) report(`not analysed by the reachability engine: ${n}`, urnOf(n));
      if (notes.length > MAX_FINDINGS) report(`not analysed by the reachability engine: ${notes.length - MAX_FINDINGS} more not listed`);
    } else if (reported && notes.length) {
      const more = notes.length > MAX_NOTES ? `; and ${notes.length - MAX_NOTES} more` : "";
      report(`not analysed by the reachability engine (${notes.length} note${notes.length === 1 ? "" : "s"}, which may bear on the findings above): ${notes.slice(0, MAX_NOTES).join("; ")}${more}`);
    }
  },
});
