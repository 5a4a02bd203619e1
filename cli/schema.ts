/**
 * `netseg schema`: prints (or writes) the intent's JSON Schema, derived from the zod schema,
 * for editors (`# yaml-language-server: $schema=...`) and for other tools.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { intentJsonSchema } from "../core/intent";

export function renderIntentSchema(): string {
  return JSON.stringify(intentJsonSchema(), null, 2) + "\n";
}

export function registerSchemaCommand(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of intent files (for editor completion)")
    .option("-o, --out <file>", "write it to a file instead of standard output")
    .action((opts: { out?: string }) => {
      const text = renderIntentSchema();
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
