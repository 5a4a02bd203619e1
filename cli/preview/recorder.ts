/**
 * Records every registration the program sends to the SDK's mock monitor, straight from the
 * gRPC request objects, so nothing is lost that the engine would see: parent, dependencies,
 * property dependencies, provider reference and options. The mock's own `newResource` hook only
 * sees type/name/inputs, which is why we wrap the monitor instead.
 *
 * It also does two things the real engine does and the SDK mock does not:
 * - URNs: a child of the root stack gets no `pulumi:pulumi:Stack$` type prefix;
 * - default providers: a custom resource without an explicit provider is managed by the
 *   engine's `default_<version>` provider of its package, registered before its first user.
 */
import type { RecordedOptions, RecordedResource } from "./types";
import { UNKNOWN } from "./types";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The slice of @pulumi/pulumi's MockMonitor this module relies on. */
export interface MonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: any, callback: (err: any, resp: any) => void): unknown;
  readResource(req: any, callback: (err: any, resp: any) => void): unknown;
  registerResourceOutputs(req: any, callback: (err: any, resp: any) => void): unknown;
}

/** Parse a Go duration ("5m", "1h30m", "90s") into seconds, as the engine stores custom timeouts. */
export function durationSeconds(text: string): number {
  if (!text) return 0;
  let total = 0;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  for (const [, n, unit] of text.matchAll(/([\d.]+)(ms|h|m|s)/g)) total += Number(n) * units[unit];
  return total;
}

function providerUrn(ref: string): string | undefined {
  if (!ref) return undefined;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : ref;
}

function optionsOf(req: any): RecordedOptions {
  const timeouts = req.getCustomtimeouts?.();
  const aliasUrns: string[] = [...(req.getAliasurnsList?.() ?? [])];
  for (const alias of req.getAliasesList?.() ?? []) {
    const urn = alias.getUrn?.();
    if (urn) aliasUrns.push(urn);
  }
  const opts: RecordedOptions = {
    protect: req.getProtect?.() === true,
    ignoreChanges: [...(req.getIgnorechangesList?.() ?? [])],
    additionalSecretOutputs: [...(req.getAdditionalsecretoutputsList?.() ?? [])],
    aliases: aliasUrns,
    customTimeouts: {
      create: durationSeconds(timeouts?.getCreate?.() ?? ""),
      update: durationSeconds(timeouts?.getUpdate?.() ?? ""),
      delete: durationSeconds(timeouts?.getDelete?.() ?? ""),
    },
  };
  if (req.getDeletebeforereplacedefined?.()) opts.deleteBeforeReplace = req.getDeletebeforereplace();
  return opts;
}

export interface RecorderHooks {
  /** Called after each registration completes (for progress). */
  onRegistered?(count: number): void;
  /**
   * Called as each resource is recorded, when the program registers it (a default provider just
   * before its first user): type, name, inputs, options, parent, dependencies and provider are
   * final then, what the engine hands analyzers. Id and outputs are filled in later.
   */
  onRecorded?(resource: RecordedResource): void;
}

/** Accumulates registrations; `resources()` returns them in registration order. */
export class Recorder {
  private readonly records: RecordedResource[] = [];
  private readonly byUrn = new Map<string, RecordedResource>();
  private readonly defaultProviders = new Map<string, RecordedResource>();
  private completed = 0;

  constructor(
    private readonly stack: string,
    private readonly project: string,
    private readonly config: Record<string, string>,
    private readonly hooks: RecorderHooks = {},
  ) {}

  /** The engine's URN rule: children of the root stack are not type-qualified by it. */
  urnFor(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentQualified = parent.split("::")[2] ?? "";
      const parentType = parentQualified.split("$").pop() ?? "";
      if (parentType !== STACK_TYPE) qualified = `${parentQualified}$${type}`;
    }
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  private defaultProviderFor(type: string, version: string): string {
    const pkg = type.split(":")[0];
    const key = `${pkg}@${version}`;
    let provider = this.defaultProviders.get(key);
    if (!provider) {
      const name = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
      const urn = `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${pkg}::${name}`;
      const inputs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(this.config)) {
        if (k.startsWith(`${pkg}:`)) inputs[k.slice(pkg.length + 1)] = v;
      }
      if (version) inputs.version = version;
      provider = this.push({
        urn,
        type: `pulumi:providers:${pkg}`,
        name,
        custom: true,
        defaultProvider: true,
        inputs,
        outputs: { ...inputs },
        id: UNKNOWN,
        dependencies: [],
        propertyDependencies: {},
        options: optionsOf({}),
      });
      this.defaultProviders.set(key, provider);
    }
    return provider.urn;
  }

  private push(r: Omit<RecordedResource, "index">): RecordedResource {
    const rec: RecordedResource = { index: this.records.length, ...r };
    this.records.push(rec);
    this.byUrn.set(rec.urn, rec);
    this.hooks.onRecorded?.(rec);
    return rec;
  }

  private fromRequest(req: any, read: boolean): RecordedResource {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const custom = read ? true : req.getCustom() === true;
    const inputs = ((read ? req.getProperties() : req.getObject())?.toJavaScript() ?? {}) as Record<string, unknown>;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap?.().forEach((v: any, k: string) => {
      propertyDependencies[k] = [...v.getUrnsList()];
    });
    let provider = providerUrn(req.getProvider());
    const isProviderType = type.startsWith("pulumi:providers:");
    if (!provider && custom && !isProviderType && !type.startsWith("pulumi:")) {
      provider = this.defaultProviderFor(type, req.getVersion?.() ?? "");
    }
    return this.push({
      urn: this.urnFor(parent, type, name),
      type,
      name,
      custom,
      ...(read ? { read: true } : {}),
      inputs,
      outputs: inputs,
      parent: parent || undefined,
      dependencies: read ? [] : [...req.getDependenciesList()],
      propertyDependencies,
      provider,
      options: optionsOf(read ? {} : req),
    });
  }

  /** Wrap the monitor's methods; the mock still does the work, we only observe. */
  attach(monitor: MonitorLike): void {
    monitor.newUrn = (parent, type, name) => this.urnFor(parent, type, name);
    const wrap = (method: "registerResource" | "readResource", read: boolean) => {
      const original = monitor[method].bind(monitor);
      monitor[method] = (req: any, callback: (err: any, resp: any) => void) => {
        const rec = this.fromRequest(req, read);
        return original(req, (err: any, resp: any) => {
          if (!err && resp) {
            rec.id = resp.getId?.() || undefined;
            const state = (read ? resp.getProperties() : resp.getObject())?.toJavaScript();
            // A bridged provider's state holds the id among its outputs (a known id in another
            // resource's inputs, such as a NACL's subnetIds, must be matchable to its owner).
            if (state) rec.outputs = rec.custom && rec.id && !("id" in state) && !rec.type.startsWith("kubernetes:") ? { id: rec.id, ...state } : state;
            this.completed += 1;
            this.hooks.onRegistered?.(this.completed);
          }
          callback(err, resp);
        });
      };
    };
    wrap("registerResource", false);
    wrap("readResource", true);
    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
      const rec = this.byUrn.get(req.getUrn());
      const outputs = req.getOutputs()?.toJavaScript();
      if (rec && outputs) rec.outputs = outputs;
      return originalOutputs(req, callback);
    };
  }

  resources(): RecordedResource[] {
    return this.records;
  }
}
