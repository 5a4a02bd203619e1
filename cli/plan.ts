/**
 * `netseg plan <intent>`: validates an intent and prints its address plan and every AWS rule
 * (security groups and NACLs), with no Pulumi involved. It is where deploy-time failures a
 * preview misses (rule counts, description characters, names) surface first. A bad intent
 * prints its problem list and exits 1, never a stack trace.
 */
import { Option, type Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import { IntentError, loadIntentFile, pinSlots, unpinnedSlots } from "../core/intent";
import { planAddresses } from "../core/addressing";
import { planAwsRulesForIntent, renderAwsPlanText } from "../core/rules/aws";

export const PLAN_FORMATS = ["text", "json"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanCommandOptions {
  readonly format?: PlanFormat;
  /** The account's NACL entry quota per direction (text from the command line, or a number). */
  readonly naclLimit?: string | number;
  /** Write each unpinned zone's and tenant's current slot into the intent file first. */
  readonly pin?: boolean;
}

export interface PlanOutput {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: PlanOutput = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs the command in-process; returns the exit code (0 planned, 1 bad intent or options). */
export function runPlanCommand(intentPath: string, options: PlanCommandOptions = {}, io: PlanOutput = STDIO): number {
  const format = options.format ?? "text";
  if (!PLAN_FORMATS.includes(format)) {
    io.err(`netseg plan: --format must be one of ${PLAN_FORMATS.join(", ")} (got ${JSON.stringify(format)})\n`);
    return 1;
  }
  let naclEntryLimit: number | undefined;
  if (options.naclLimit !== undefined) {
    naclEntryLimit = Number(options.naclLimit);
    if (!/^\d+$/.test(String(options.naclLimit).trim())) {
      io.err(`netseg plan: --nacl-limit must be a whole number from 2 to 40 (got ${JSON.stringify(String(options.naclLimit))})\n`);
      return 1;
    }
  }
  try {
    if (options.pin) {
      // Validated and checked to keep every slot before anything is written (see core/intent/pin.ts).
      const before = readIntentText(intentPath);
      const { text, pinned } = pinSlots(before, intentPath);
      if (pinned.length) writeFileSync(intentPath, text);
      io.err(pinned.length ? `pinned ${pinned.length} address slot${pinned.length === 1 ? "" : "s"} in ${intentPath}:\n${pinned.map((p) => `  ${p}`).join("\n")}\n` : `every zone and tenant in ${intentPath} already has its slot pinned\n`);
    }
    const intent = loadIntentFile(intentPath);
    const addresses = planAddresses(intent);
    const aws = planAwsRulesForIntent(intent, { naclEntryLimit, source: intentPath });
    const unpinned = unpinnedSlots(intent);
    io.out(format === "json" ? JSON.stringify({ intent: intent.name, addresses, aws, unpinned }, null, 2) + "\n" : renderAwsPlanText(addresses, aws));
    if (unpinned.length && format === "text") {
      io.err(`note: ${unpinned.length} address slot${unpinned.length === 1 ? " follows" : "s follow"} declaration order (safe while you only append). Pin them before inserting or removing entries elsewhere (\`netseg plan --pin\` writes them into the file):\n${unpinned.map((u) => `  ${u}`).join("\n")}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof IntentError) {
      io.err(e.message + "\n");
      return 1;
    }
    throw e;
  }
}

function readIntentText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new IntentError([{ path: "", value: path, message: `cannot read the intent file (${(e as { code?: string }).code ?? String(e)})`, fix: "check the path" }], path);
  }
}

export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("validate an intent and print its address plan and every AWS rule (security groups, NACLs), without Pulumi")
    .argument("<intent>", "intent file (YAML or JSON)")
    .addOption(new Option("-f, --format <format>", "output format").choices([...PLAN_FORMATS]).default("text"))
    .option("--nacl-limit <n>", "NACL entries allowed per direction (the account's quota: 20 by default, at most 40)")
    .option("--pin", "first write each unpinned zone's and tenant's current address slot into the intent file (comments and layout kept), so later insertions move nothing")
    .action((intent: string, opts: { format: PlanFormat; naclLimit?: string; pin?: boolean }) => {
      process.exitCode = runPlanCommand(intent, opts);
    });
}
