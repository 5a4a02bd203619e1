/**
 * `netseg plan <intent>`: validates an intent and prints its address plan and every AWS rule
 * (security groups and NACLs), with no Pulumi involved. It is where deploy-time failures a
 * preview misses (rule counts, description characters, names) surface first. A bad intent
 * prints its problem list and exits 1, never a stack trace.
 */
import { Option, type Command } from "commander";
import { IntentError, loadIntentFile, unpinnedSlots } from "../core/intent";
import { planAddresses } from "../core/addressing";
import { planAwsRulesForIntent, renderAwsPlanText } from "../core/rules/aws";

export const PLAN_FORMATS = ["text", "json"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanCommandOptions {
  readonly format?: PlanFormat;
  /** The account's NACL entry quota per direction (text from the command line, or a number). */
  readonly naclLimit?: string | number;
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
    const intent = loadIntentFile(intentPath);
    const addresses = planAddresses(intent);
    const aws = planAwsRulesForIntent(intent, { naclEntryLimit, source: intentPath });
    const unpinned = unpinnedSlots(intent);
    io.out(format === "json" ? JSON.stringify({ intent: intent.name, addresses, aws, unpinned }, null, 2) + "\n" : renderAwsPlanText(addresses, aws));
    if (unpinned.length && format === "text") {
      io.err(`note: ${unpinned.length} address slot${unpinned.length === 1 ? " follows" : "s follow"} declaration order (safe while you only append). Pin them before inserting or removing entries elsewhere:\n${unpinned.map((u) => `  ${u}`).join("\n")}\n`);
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

export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("validate an intent and print its address plan and every AWS rule (security groups, NACLs), without Pulumi")
    .argument("<intent>", "intent file (YAML or JSON)")
    .addOption(new Option("-f, --format <format>", "output format").choices([...PLAN_FORMATS]).default("text"))
    .option("--nacl-limit <n>", "NACL entries allowed per direction (the account's quota: 20 by default, at most 40)")
    .action((intent: string, opts: { format: PlanFormat; naclLimit?: string }) => {
      process.exitCode = runPlanCommand(intent, opts);
    });
}
