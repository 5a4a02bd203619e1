/**
 * Reads a Pulumi project the way the CLI does before running it: `Pulumi.yaml` (name, runtime,
 * `main`) and the stack's `Pulumi.<stack>.yaml` config, turned into the flat `PULUMI_CONFIG`
 * map ("namespace:key" -> string) the SDK reads. Kept apart from the runner so the CLI can
 * reject a bad directory before anything is spawned.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { PreviewError, errorText } from "./errors";

export interface PulumiProject {
  dir: string;
  name: string;
  runtime: string;
  /** Absolute path of the entry the language host would load (file or directory). */
  main: string;
  stack: string;
  /** Flat config in PULUMI_CONFIG form. */
  config: Record<string, string>;
  /** Stack config file, when one exists. */
  stackFile?: string;
}

function readYaml(file: string): unknown {
  try {
    return YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PreviewError(`Could not parse ${file}: ${errorText(err)}. Fix the YAML syntax and run again.`);
  }
}

/** Pick the stack: the one asked for, else the only Pulumi.<stack>.yaml present, else "dev". */
function chooseStack(dir: string, requested?: string): string {
  if (requested) return requested;
  const stacks = fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  return stacks.length === 1 ? stacks[0] : "dev";
}

function flattenConfig(project: string, raw: Record<string, unknown>, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(raw).sort()) {
    const value = raw[key];
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in (value as Record<string, unknown>)) {
      throw new PreviewError(
        `Config key '${key}' in ${file} is an encrypted secret, which the offline preview cannot decrypt. ` +
          `Give it a plain placeholder value in a preview-only stack file (e.g. Pulumi.preview.yaml) and pass --stack preview.`,
      );
    }
    out[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** Load the project in `dir` for `stack`; throws PreviewError (exit 2) naming the file at fault. */
export function loadProject(dir: string, stack?: string): PulumiProject {
  const absDir = path.resolve(dir);
  if (!fs.existsSync(absDir) || !fs.statSync(absDir).isDirectory()) {
    throw new PreviewError(`Program directory ${absDir} does not exist. Pass the directory that holds the program's Pulumi.yaml.`);
  }
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(absDir, f)).find((f) => fs.existsSync(f));
  if (!projectFile) {
    throw new PreviewError(`No Pulumi.yaml in ${absDir}. Pass the directory of a Pulumi program (the one holding its Pulumi.yaml).`);
  }
  const doc = readYaml(projectFile) as Record<string, unknown> | null;
  const name = doc?.name;
  if (typeof name !== "string" || name.length === 0) {
    throw new PreviewError(`${projectFile} has no 'name'. Add a project name, e.g. 'name: my-stack'.`);
  }
  const runtimeField = doc?.runtime;
  const runtime = typeof runtimeField === "string" ? runtimeField : (runtimeField as { name?: string } | undefined)?.name;
  if (runtime !== "nodejs") {
    throw new PreviewError(
      `${projectFile} declares runtime '${String(runtime)}'; netseg preview runs only Node.js (runtime: nodejs) programs.`,
    );
  }
  const main = path.resolve(absDir, typeof doc?.main === "string" ? doc.main : ".");
  if (!fs.existsSync(main)) {
    throw new PreviewError(`The program entry ${main} named by 'main' in ${projectFile} does not exist. Fix 'main' or add the file.`);
  }
  const chosen = chooseStack(absDir, stack);
  const stackFile = ["yaml", "yml"].map((e) => path.join(absDir, `Pulumi.${chosen}.${e}`)).find((f) => fs.existsSync(f));
  let config: Record<string, string> = {};
  if (stackFile) {
    const stackDoc = readYaml(stackFile) as { config?: Record<string, unknown> } | null;
    config = flattenConfig(name, stackDoc?.config ?? {}, stackFile);
  } else if (stack) {
    throw new PreviewError(`Stack '${stack}' has no config file Pulumi.${stack}.yaml in ${absDir}. Create it or pick another --stack.`);
  }
  return { dir: absDir, name, runtime, main, stack: chosen, config, stackFile };
}
