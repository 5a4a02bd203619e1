/**
 * `netseg audit <intent...> --from <source...>`: the deployed network, read offline from files (a
 * `pulumi stack export`, AWS CLI / gcloud / kubectl JSON), held against the intent: the matrix,
 * unintended paths, intended flows that no longer pass, netseg's policy rules, every record not
 * analysed and why, and with `--declared <preview.json>` the drift between what the program
 * declares and what is deployed. `--draft-intent <out.yaml>` (no intent) proposes an intent from
 * the inventory instead (brownfield adoption). Exit codes as preview: 0 clean, 1 a mandatory
 * violation, an unintended path, an intended flow blocked or drift, 2 unreadable input.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { InventoryError } from "../../core/audit/types";
import { parseEphemeralPorts, type EphemeralPorts } from "../../core/reachability";
import { faultExitCode, faultText, isDebug } from "../faults";
import { WORKLOAD_DISPLAYS, type WorkloadDisplay } from "../preview/analysis";
import { PreviewError } from "../preview/errors";
import { renderOutcome } from "../preview";
import { DIAGRAM_FORMATS, REPORT_FORMATS, type DiagramFormat, type ReportFormat } from "../preview/report";
import type { AuditReport } from "./run";

export interface AuditCliOptions {
  from: string[];
  declared?: string;
  draftIntent?: string;
  /** With --draft-intent: the VPC to draft (default: the one with most subnets to place in zones). */
  vpc?: string;
  format: ReportFormat;
  diagram?: DiagramFormat;
  diagramFile?: string;
  output?: string;
  ephemeralPorts?: EphemeralPorts;
  workloads?: WorkloadDisplay;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The preview's renderers, titled for the audit. */
export function renderAudit(report: AuditReport, opts: Pick<AuditCliOptions, "format" | "diagram" | "diagramFile">): string {
  const text = renderOutcome(report, opts);
  switch (opts.format) {
    case "text":
      return text.replace(/^netseg preview: (\S+) \([^)]*\)/, "netseg audit: $1");
    case "markdown":
      return text.replace(/^## (\S+) netseg preview —/, "## $1 netseg audit —");
    case "sarif": {
      const log = JSON.parse(text);
      for (const run of log.runs) {
        run.tool.driver.name = "netseg audit";
        run.tool.driver.fullName = String(run.tool.driver.fullName).replace("netseg preview", "netseg audit");
      }
      return JSON.stringify(log, null, 2) + "\n";
    }
    case "json":
      return text;
  }
}

/** Run the command; returns the exit code (it never throws). */
export async function auditCommand(intents: string[], opts: AuditCliOptions): Promise<number> {
  try {
    if (opts.from.length === 0) throw new PreviewError("netseg audit needs the deployed state: pass --from <file-or-folder> (a `pulumi stack export` JSON, AWS CLI, gcloud or kubectl JSON; repeatable).");
    if (opts.vpc !== undefined && !opts.draftIntent) throw new PreviewError("--vpc chooses the network --draft-intent describes; pass it with --draft-intent <out.yaml>.");
    if (opts.draftIntent) {
      if (intents.length > 0) throw new PreviewError("--draft-intent proposes an intent from the inventory alone: pass no intent file with it.");
      // Loaded on use: the engine and the policy rules would slow every other netseg command's start.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { writeDraftIntent } = require("./draft") as typeof import("./draft");
      const draft = writeDraftIntent(opts.from, opts.draftIntent, opts.vpc);
      process.stderr.write(`${draft.summary}\n`);
      return 0;
    }
    if (intents.length === 0) throw new PreviewError("netseg audit needs the intent to hold the deployed state against: netseg audit <intent.yaml...> --from <source...> (or --draft-intent <out.yaml> to propose one).");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runAudit } = require("./run") as typeof import("./run");
    const report = await runAudit({ intentFiles: intents, from: opts.from, declared: opts.declared, ephemeralPorts: opts.ephemeralPorts, workloads: opts.workloads });
    const text = renderAudit(report, opts);
    if (opts.output) fs.writeFileSync(opts.output, text);
    else process.stdout.write(text);
    if (opts.output || opts.format !== "text") process.stderr.write(`${report.summary.line}\n`);
    return report.summary.exitCode;
  } catch (err) {
    const fault = err instanceof InventoryError ? new PreviewError(`The deployed state could not be read: ${err.message}.`) : err;
    process.stderr.write(faultText(fault, isDebug()));
    return faultExitCode(fault);
  }
}

/** Adds `audit [intent...]` to the netseg CLI. */
export function registerAuditCommand(program: Command): void {
  program
    .command("audit")
    .description("hold the deployed network (stack export, AWS CLI / gcloud / kubectl JSON) against the intent, offline; report drift; or draft an intent from it")
    .argument("[intent...]", "intent files to hold the deployed state against")
    .option("--from <source>", "a file or folder of deployed state: `pulumi stack export` JSON, AWS CLI, gcloud or kubectl JSON (repeatable)", collect, [])
    .option("--declared <preview.json>", "a recorded `netseg preview --format json` of the program behind the stack export: report drift")
    .option("--draft-intent <out.yaml>", "propose an intent (zones, peers, the flows deployed rules allow) from the inventory and write it here")
    .option("--vpc <vpc-id>", "with --draft-intent: the VPC the intent describes (default: the one with most subnets to place in zones); the others become its peers where its routes reach them")
    .addOption(new Option("-f, --format <format>", "report format").choices([...REPORT_FORMATS]).default("text"))
    .addOption(new Option("--diagram <kind>", "also draw zones and flows").choices([...DIAGRAM_FORMATS]))
    .option("--diagram-file <file>", "write the diagram to this file instead of the report")
    .option("-o, --output <file>", "write the report to this file instead of standard output")
    .option("--ephemeral-ports <from-to|linux|windows|nat>", "clients' source ports that replies return to through NACLs (as for preview; default nat, 1024-65535)", (value: string) => {
      const r = parseEphemeralPorts(value, "--ephemeral-ports");
      if ("error" in r) throw new InvalidArgumentError(r.error);
      return r;
    })
    .addOption(new Option("--workloads <display>", "cloud workloads in the matrix and diagram (as for preview)").choices([...WORKLOAD_DISPLAYS]))
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (intents: string[], opts: AuditCliOptions) => {
      process.exitCode = await auditCommand(intents, opts);
    });
}

export type { AuditReport, AuditOptions } from "./run";
