/**
 * `netseg preview [program-dir]`: an offline `pulumi preview --policy-pack` for pull requests.
 * The command runs the program under the SDK's mocks, drives real CrossGuard packs over the
 * Analyzer gRPC interface, runs the analyses and prints a report. Exit codes: 0 clean, 1 a
 * mandatory violation (or an analysis error), 2 the program, a pack or an input failed.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { PreviewError, errorText, oneParagraph } from "./errors";
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
  /** commander's negation of --no-analysis */
  analysis: boolean;
  typecheckPacks?: boolean;
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
      ...(opts.analysis === false ? { analyses: [] } : {}),
      progress: new Progress(),
    };
    const { report, packLogs } = await runPreview(options);
    for (const log of packLogs.filter((l) => l.severity === "error" || l.severity === "warning")) {
      process.stderr.write(`policy pack ${log.severity}: ${log.message}\n`);
    }
    const text = renderOutcome(report, opts);
    if (opts.output) fs.writeFileSync(opts.output, text);
    else process.stdout.write(text);
    if (opts.output || opts.format !== "text") process.stderr.write(`${report.summary.line}\n`);
    return report.summary.exitCode;
  } catch (err) {
    const message = err instanceof PreviewError ? err.message : `netseg preview failed unexpectedly: ${oneParagraph(errorText(err))}`;
    process.stderr.write(`error: ${message}\n`);
    return err instanceof PreviewError ? err.exitCode : 2;
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
    .option("--no-analysis", "skip the analyses (reachability matrix); policy packs still run")
    .option("--mock-calls <file>", "JSON file of extra provider-function answers: {\"<token>\": {<result>}}")
    .option(
      "--typecheck-packs",
      "start TypeScript packs from their sources with ts-node's type-check, exactly as the Pulumi CLI does (slower; default: from an esbuild bundle of the same sources)",
    )
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
