/**
 * The `netseg` command line: `plan` (no Pulumi), `preview` (offline preview with policy
 * enforcement) and `schema` (the intent's JSON Schema).
 */
import { Command } from "commander";
import { registerPlanCommand } from "./plan";
import { registerPreviewCommand } from "./preview";
import { registerSchemaCommand } from "./schema";
import { version } from "../package.json";

export function buildProgram(): Command {
  const program = new Command()
    .name("netseg")
    .description("Network segmentation from one intent: plan it, preview it offline, enforce it with policy packs.")
    .version(version)
    .showHelpAfterError();
  registerPlanCommand(program);
  registerPreviewCommand(program);
  registerSchemaCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}

if (require.main === module) {
  main(process.argv).catch((err) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
