/**
 * `netseg preview [program-dir]`: an offline `pulumi preview --policy-pack` for pull requests.
 * The command runs the program under the SDK's mocks, drives real CrossGuard packs over the
 * Analyzer gRPC interface, runs the analyses and prints a report. Exit codes: 0 clean, 1 a
 * mandatory violation (or an analysis finding of severity error, or a `pulumi.log.error` from
 * the program), 2 the program, a pack, an analysis or an input failed, or nothing was checked:
 * every failure fails closed. What the program logs at warn or error level is in every format.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { parseEphemeralPorts, type EphemeralPorts } from "../../core/reachability";
import { faultExitCode, faultText, isDebug } from "../faults";
import { WORKLOAD_DISPLAY_LIMIT, WORKLOAD_DISPLAYS, type WorkloadDisplay } from "./analysis";
import { PreviewError } from "./errors";
import { Progress } from "./progress";
import { DIAGRAM_FORMATS, REPORT_FORMATS, renderDiagram, renderReport, type DiagramFormat, type ReportFormat } from "./report";
import { runPreview, type PreviewOptions } from "./run";

export interface PreviewCliOptions {
  stack?: string;
  policyPack: string[];
  policyPackConfig: string[];
  format: ReportFormat;
  diagram?: DiagramFormat;
  diagramFile?: string;
  output?: string;
  mockCalls?: string;
  intent: string[];
  /** --ephemeral-ports, already parsed. */
  ephemeralPorts?: EphemeralPorts;
  workloads?: WorkloadDisplay;
  /** commander's negation of --no-analysis */
  analysis: boolean;
  typecheckPacks?: boolean;
  /** Deadlines in seconds, as given (else NETSEG_PROGRAM_TIMEOUT, NETSEG_PACK_START_TIMEOUT, NETSEG_ANALYZE_TIMEOUT, else the defaults). */
  programTimeout?: string;
  packStartTimeout?: string;
  analyzeTimeout?: string;
  allowEmpty?: boolean;
}

/**
 * A deadline in ms from its flag, else its environment variable, else undefined (the default
 * applies). Seconds, a positive number; anything else is bad input naming the flag or variable.
 */
export function deadlineMs(flag: string, given: string | undefined, envName: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const [source, raw] = given !== undefined ? [flag, given] : env[envName] !== undefined && env[envName] !== "" ? [envName, env[envName]!] : [undefined, undefined];
  if (source === undefined || raw === undefined) return undefined;
  const seconds = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new PreviewError(`${source} must be a number of seconds greater than 0 (got ${JSON.stringify(raw)}), e.g. ${source.startsWith("--") ? `${source} 600` : `${source}=600`}.`);
  }
  return Math.round(seconds * 1000);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Render the outcome as the CLI prints it (report, then the diagram where it fits). */
export function renderOutcome(report: Parameters<typeof renderReport>[0], opts: Pick<PreviewCliOptions, "format" | "diagram" | "diagramFile">): string {
  const diagram = opts.diagram ? renderDiagram(report, opts.diagram) : undefined;
  if (diagram && opts.diagramFile) fs.writeFileSync(opts.diagramFile, diagram);
  if (!diagram || opts.diagramFile) return renderReport(report, opts.format);
  switch (opts.format) {
    case "json":
      return JSON.stringify({ ...report, diagram: { format: opts.diagram, source: diagram } }, null, 2) + "\n";
    case "markdown":
      return `${renderReport(report, "markdown")}\n\`\`\`${opts.diagram === "mermaid" ? "mermaid" : "dot"}\n${diagram}\`\`\`\n`;
    case "text":
      return `${renderReport(report, "text")}\n${diagram}`;
    case "sarif":
      throw new PreviewError("A diagram cannot be embedded in SARIF output; add --diagram-file <path> to write it to a file.");
  }
}

/** Run the command; returns the exit code (it never throws). */
export async function previewCommand(programDir: string | undefined, opts: PreviewCliOptions): Promise<number> {
  try {
    const options: PreviewOptions = {
      programDir: programDir ?? ".",
      stack: opts.stack,
      policyPacks: opts.policyPack,
      policyPackConfigs: opts.policyPackConfig,
      mockCalls: opts.mockCalls,
      typecheckPacks: opts.typecheckPacks === true,
      intentFiles: opts.intent,
      ...(opts.ephemeralPorts ? { ephemeralPorts: opts.ephemeralPorts } : {}),
      ...(opts.workloads ? { workloads: opts.workloads } : {}),
      ...(opts.analysis === false ? { analyses: [] } : {}),
      progress: new Progress(),
      programTimeoutMs: deadlineMs("--program-timeout", opts.programTimeout, "NETSEG_PROGRAM_TIMEOUT"),
      packStartTimeoutMs: deadlineMs("--pack-start-timeout", opts.packStartTimeout, "NETSEG_PACK_START_TIMEOUT"),
      packCallTimeoutMs: deadlineMs("--analyze-timeout", opts.analyzeTimeout, "NETSEG_ANALYZE_TIMEOUT"),
      allowEmpty: opts.allowEmpty === true,
    };
    const { report, packLogs } = await runPreview(options);
    for (const log of packLogs.filter((l) => l.severity === "error" || l.severity === "warning")) {
      process.stderr.write(`policy pack ${log.severity}: ${log.message}\n`);
    }
    const text = renderOutcome(report, opts);
    if (opts.output) fs.writeFileSync(opts.output, text);
    else process.stdout.write(text);
    if (opts.output || opts.format !== "text") {
      // The report holds them too; a machine format on stdout must not hide them from whoever watches the run.
      for (const l of report.programLogs) process.stderr.write(`program ${l.level}: ${l.message}${l.urn ? ` (${l.urn})` : ""}\n`);
      process.stderr.write(`${report.summary.line}\n`);
    }
    return report.summary.exitCode;
  } catch (err) {
    process.stderr.write(faultText(err, isDebug()));
    return faultExitCode(err);
  }
}

/** Adds `preview [program-dir]` to the netseg CLI. */
export function registerPreviewCommand(program: Command): void {
  program
    .command("preview")
    .description("offline preview with policy enforcement: run a Pulumi program under mocks, check it with CrossGuard packs, report")
    .argument("[program-dir]", "directory holding the program's Pulumi.yaml (default: the current directory)")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the only stack file, else dev)")
    .option("--policy-pack <dir>", "run this CrossGuard policy pack (repeatable; default: policy-packs/* with a PulumiPolicy.yaml)", collect, [])
    .option("--policy-pack-config <file>", "JSON config for the matching --policy-pack, in the Pulumi CLI's format (repeatable)", collect, [])
    .addOption(new Option("-f, --format <format>", "report format").choices([...REPORT_FORMATS]).default("text"))
    .addOption(new Option("--diagram <kind>", "also draw zones and flows").choices([...DIAGRAM_FORMATS]))
    .option("--diagram-file <file>", "write the diagram to this file instead of the report")
    .option("-o, --output <file>", "write the report to this file instead of standard output")
    .option("--intent <file>", "hold the reachability matrix against this intent (repeatable; default: the intents the stack's netseg components carry)", collect, [])
    .option(
      "--ephemeral-ports <from-to|linux|windows|nat>",
      "clients' source ports that replies return to through NACLs: a path is open when one of them passes both ways (default nat, 1024-65535, the widest; linux 32768-60999, windows 49152-65535)",
      (value: string) => {
        const r = parseEphemeralPorts(value, "--ephemeral-ports");
        if ("error" in r) throw new InvalidArgumentError(r.error);
        return r;
      },
    )
    .addOption(
      new Option("--workloads <display>", `cloud workloads (instances, databases, functions, load balancers) in the matrix and diagram: under their zone, folded into it, or auto (default: shown up to ${WORKLOAD_DISPLAY_LIMIT} to judge, folded beyond)`).choices([
        ...WORKLOAD_DISPLAYS,
      ]),
    )
    .option("--no-analysis", "skip the analyses (reachability matrix); policy packs still run")
    .option("--mock-calls <file>", "JSON file of extra provider-function answers: {\"<token>\": {<result>}}")
    .option(
      "--typecheck-packs",
      "start TypeScript packs from their sources with ts-node's type-check, exactly as the Pulumi CLI does (slower; default: from an esbuild bundle of the same sources)",
    )
    .option("--program-timeout <seconds>", "stop a program that has not finished after this long (env NETSEG_PROGRAM_TIMEOUT; default 300)")
    .option("--pack-start-timeout <seconds>", "stop a policy pack that has not started after this long (env NETSEG_PACK_START_TIMEOUT; default 120)")
    .option("--analyze-timeout <seconds>", "stop a policy pack that has not answered one call (a resource's analyze, the stack's) after this long (env NETSEG_ANALYZE_TIMEOUT; default 120)")
    .option("--allow-empty", "accept a stack that declares no resource (by default that fails: a preview that checked nothing is not a pass)")
    // A usage error is bad input (2), never to be read as "a mandatory violation" (1).
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (programDir: string | undefined, opts: PreviewCliOptions) => {
      process.exitCode = await previewCommand(programDir, opts);
    });
}

export { runPreview } from "./run";
export type { PreviewOptions, PreviewOutcome } from "./run";
export { registerAnalysis, registeredAnalyses } from "./analysis";
export type { AnalysisContext, AnalysisEdge, AnalysisFinding, AnalysisMatrix, AnalysisProvider, AnalysisSection } from "./analysis";
export { recordProgram, runProgram } from "./program";
export { DEFAULT_CALLS } from "./mocks";
export type { CallAnswer } from "./mocks";
export { openPacks } from "./pack-session";
export { enforce } from "./enforce";
export { buildReport, renderDiagram, renderReport, zoneOf } from "./report";
export type { PreviewReport } from "./report";
export { PreviewError } from "./errors";
export { UNKNOWN, isUnknown } from "./types";
export type { RecordedResource, Violation, Remediation, PackSummary } from "./types";
