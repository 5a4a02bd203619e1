/** Runs `netseg fleet ...` in-process through commander, capturing stdout, stderr and the exit code. */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { registerFleetCommand } from "../../../cli/fleet";

export async function runFleetCommand(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = new Command().exitOverride();
  registerFleetCommand(program);
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  let out = "";
  let err = "";
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    await program.parseAsync(["node", "netseg", ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    process.exitCode = before;
  }
}

/** Puts the stand-in Pulumi CLI (fake-pulumi.js) into `bin` as `pulumi`, for a PATH that starts there. */
export function installFakePulumi(bin: string): void {
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, "fake-pulumi.js")}" "$@"\n`, { mode: 0o755 });
}
