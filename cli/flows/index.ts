/**
 * `netseg flows <intent> <logs...>`: flow-log evidence held against the intent, offline. AWS VPC
 * flow logs (default or custom format, plain or gzip) and GCP firewall rule / VPC flow log
 * entries (JSON as exported) are attributed to zones by address and judged against the intent's
 * flows: per zone pair, accepted & allowed, accepted but not allowed (an unintended path in use),
 * rejected but allowed (an accidental deny), rejected & not allowed; the denied-flow rate per
 * zone; every record not analysed and why. Exit codes as `netseg preview`: 0 clean, 1 a record
 * accepted but not allowed or rejected but allowed, 2 unreadable input or nothing analysed.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { IntentError, loadIntentFile } from "../../core/intent";
import { FLOW_FORMATS, FlowAnalysis, FlowInputError, renderFlowReport, type FlowFormat, type FlowReport } from "../../core/flows";
import { parseEphemeralPorts, type EphemeralPorts } from "../../core/reachability";
import { faultExitCode, faultText, isDebug } from "../faults";
import { expandInputs, readFlowFile } from "./read";

export interface FlowsCliOptions {
  format?: FlowFormat;
  output?: string;
  ephemeralPorts?: EphemeralPorts;
  /** The fields of an AWS custom format without a header line (a CloudWatch Logs export), space-separated. */
  awsFields?: string;
  examples?: number;
}

/** Reads everything and reports; throws FlowInputError / IntentError on unreadable input. */
export async function runFlows(intentPath: string, logs: readonly string[], opts: FlowsCliOptions = {}): Promise<FlowReport> {
  if (!logs.length) throw new FlowInputError("netseg flows needs at least one flow log: netseg flows <intent> <log-file-or-folder...>");
  const intent = loadIntentFile(intentPath);
  const analysis = new FlowAnalysis(intent, { ephemeralPorts: opts.ephemeralPorts, examples: opts.examples });
  const awsFields = opts.awsFields?.trim() ? opts.awsFields.trim().split(/\s+/) : undefined;
  for (const file of expandInputs(logs)) await readFlowFile(file, analysis, awsFields);
  return analysis.report();
}

/** Runs the command; returns the exit code (never throws). */
export async function flowsCommand(intentPath: string, logs: readonly string[], opts: FlowsCliOptions = {}): Promise<number> {
  try {
    const report = await runFlows(intentPath, logs, opts);
    const text = renderFlowReport(report, opts.format ?? "text");
    if (opts.output) fs.writeFileSync(opts.output, text);
    else process.stdout.write(text);
    if (opts.output || (opts.format ?? "text") !== "text") process.stderr.write(`${report.summary.line}\n`);
    return report.summary.exitCode;
  } catch (err) {
    if (err instanceof FlowInputError || err instanceof IntentError) {
      process.stderr.write(`netseg flows: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(faultText(err, isDebug()));
    return faultExitCode(err);
  }
}

export function registerFlowsCommand(program: Command): void {
  program
    .command("flows")
    .description("hold flow logs (AWS VPC flow logs, GCP firewall / VPC flow logs) against the intent: unintended paths in use, accidental denies, denied-flow rate per zone")
    .argument("<intent>", "intent file (YAML or JSON)")
    .argument("<logs...>", "flow log files or folders: AWS text (default or custom format with its header line, plain or .gz), GCP Cloud Logging entries as JSON (an array, or one per line)")
    .addOption(new Option("-f, --format <format>", "report format").choices([...FLOW_FORMATS]).default("text"))
    .option("-o, --output <file>", "write the report to this file instead of standard output")
    .option("--aws-fields <fields>", "the AWS custom format's fields, space-separated, for logs without a header line (a CloudWatch Logs export), e.g. \"version vpc-id srcaddr dstaddr srcport dstport protocol packets action log-status\"")
    .option(
      "--ephemeral-ports <from-to|linux|windows|nat>",
      "clients' source ports: a record towards one of them from an allowed flow's server port is that flow's reply (default nat, 1024-65535)",
      (value: string) => {
        const r = parseEphemeralPorts(value, "--ephemeral-ports");
        if ("error" in r) throw new InvalidArgumentError(r.error);
        return r;
      },
    )
    .option("--examples <n>", "file:line examples kept per finding and per reason not analysed (default 5)", (v: string) => {
      if (!/^\d{1,4}$/.test(v)) throw new InvalidArgumentError(`--examples must be a whole number (got ${JSON.stringify(v)})`);
      return Number(v);
    })
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (intent: string, logs: string[], opts: FlowsCliOptions) => {
      process.exitCode = await flowsCommand(intent, logs, opts);
    });
}
