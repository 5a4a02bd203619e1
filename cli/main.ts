/**
 * The `netseg` command line: `plan` (no Pulumi), `preview` (offline preview with policy
 * enforcement) and `schema` (the intent's JSON Schema). `runCli` is what `bin/netseg.js` calls:
 * it owns the process (fault handlers, signals, the exit code; see faults.ts).
 */
import { Command } from "commander";
import { faultExitCode, faultText, installFaultHandlers, isDebug } from "./faults";
import { registerAuditCommand } from "./audit";
import { registerFleetCommand } from "./fleet";
import { registerFlowsCommand } from "./flows";
import { registerIsolateCommand } from "./isolate";
import { registerPlanCommand } from "./plan";
import { onSignals, stopEverything } from "./preview/cleanup";
import { registerPreviewCommand } from "./preview";
import { registerSchemaCommand } from "./schema";
import { version } from "../package.json";

export function buildProgram(): Command {
  const program = new Command()
    .name("netseg")
    .description("Network segmentation from one intent: plan it, preview it offline, enforce it with policy packs.")
    .version(version)
    .option("--debug", "print the stack trace of an unexpected fault (also NETSEG_DEBUG=1)")
    .showHelpAfterError()
    // A usage error is a fault (2), never to be read as a finding (1). Subcommands inherit this.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  registerPlanCommand(program);
  registerPreviewCommand(program);
  registerSchemaCommand(program);
  registerAuditCommand(program);
  registerFlowsCommand(program);
  registerIsolateCommand(program);
  registerFleetCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

/**
 * Run the CLI as a process: print any fault as one paragraph (exit 2), stop every child and
 * remove every temp folder on every way out (normal end, fault, SIGINT/SIGTERM/SIGHUP), then
 * exit with the command's code once stdout and stderr are flushed. Never rejects.
 */
export async function runCli(argv: string[]): Promise<void> {
  const debug = isDebug(argv);
  installFaultHandlers(debug);
  onSignals();
  try {
    await main(argv);
  } catch (err) {
    process.stderr.write(faultText(err, debug));
    process.exitCode = faultExitCode(err);
  }
  // Whatever a command left running (a pack that ignored its stop) must not keep the CLI alive.
  stopEverything();
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(process.exitCode ?? 0);
}

if (require.main === module) void runCli(process.argv);
