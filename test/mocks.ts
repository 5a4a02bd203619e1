/**
 * The one Pulumi mock runtime every component test shares.
 *
 * `pulumi.runtime.setMocks` is global to the process and mocha runs every test file in one
 * process, so `setupMocks()` is idempotent: it installs the mocks once (and again only if some
 * other code replaced the monitor). Isolation between tests comes from `resetRecorded()` plus
 * unique component names, not from re-installing mocks.
 *
 * Resources get their inputs plus deterministic computed fields, and provider functions are
 * answered from the same table as the offline preview (`cli/preview/mocks.ts`), so tests and
 * `netseg preview` see the same world. An unknown provider function throws: a silent gap in the
 * table must fail a test rather than pass it.
 *
 * Registrations are recorded from the monitor's requests (not the mock's `newResource` hook,
 * which never sees the parent), so tests can assert the topology too.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CALLS, answerCall, mockState, type MockContext } from "../cli/preview/mocks";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent; undefined for children of the stack. */
  readonly parent?: string;
  readonly custom: boolean;
  /** Inputs as the provider would receive them (outputs resolved, secrets unwrapped). */
  readonly inputs: Record<string, any>;
  /** The mock's physical id, once the registration has completed. */
  id?: string;
  /** When the request reached the monitor and when its answer left it, on one counter shared by every registration. */
  readonly requestedAt: number;
  answeredAt?: number;
}

export const MOCK_PROJECT = "netseg-test";
export const MOCK_STACK = "test";
export const MOCK_CONTEXT: MockContext = { project: MOCK_PROJECT, stack: MOCK_STACK, config: { "aws:region": "us-east-1", "gcp:project": "netseg-test", "gcp:region": "us-central1" } };

let installedMonitor: unknown;
let records: RecordedResource[] = [];
let clock = 0;
const calls: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own property decoder, not part of its typed surface
const rpc = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(struct: unknown): Record<string, any> };

function attach(monitor: any): void {
  const wrap = (method: "registerResource" | "readResource", read: boolean) => {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req: any, callback: (err: any, resp: any) => void) => {
      const type: string = req.getType();
      const name: string = req.getName();
      const parent: string = req.getParent();
      const rec: RecordedResource = {
        type,
        name,
        urn: monitor.newUrn(parent, type, name),
        parent: parent || undefined,
        custom: read ? true : req.getCustom() === true,
        inputs: rpc.deserializeProperties(read ? req.getProperties() : req.getObject()),
        requestedAt: ++clock,
      };
      records.push(rec);
      return original(req, (err: any, resp: any) => {
        if (!err && resp) rec.id = resp.getId?.() || undefined;
        rec.answeredAt = ++clock;
        callback(err, resp);
      });
    };
  };
  wrap("registerResource", false);
  wrap("readResource", true);
}

/** Installs the mocks once per process (again only if something else replaced them). */
export function setupMocks(): void {
  const current = pulumi.runtime.getMonitor();
  if (installedMonitor !== undefined && current === installedMonitor) return;
  pulumi.runtime.setAllConfig(MOCK_CONTEXT.config);
  // The SDK records each resource's source position with an unbounded, source-mapped stack
  // trace; under mocks nobody reads it, and it dominates large component tests. (Test failures
  // keep their normal stack traces: only this capture is skipped.)
  (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
  void pulumi.runtime.setMocks(
    {
      newResource: (args) => mockState(args.type, args.name, args.inputs, MOCK_CONTEXT, args.custom !== false),
      call: (args) => {
        calls.push(args.token);
        return answerCall(DEFAULT_CALLS, args.token, args.inputs, MOCK_CONTEXT);
      },
    },
    MOCK_PROJECT,
    MOCK_STACK,
    false,
  );
  installedMonitor = pulumi.runtime.getMonitor();
  attach(installedMonitor);
}

/** Every registration since the last reset, in registration order. */
export function recorded(): readonly RecordedResource[] {
  return records;
}

/**
 * Forgets what was recorded; call it (after `settle()`) at the start of each test. It also
 * re-installs the mocks if another test replaced them since (all files load before any runs).
 */
export function resetRecorded(): void {
  setupMocks();
  records = [];
  calls.length = 0;
}

/**
 * Every registration since the last reset as what a stack would hold (type, name, parent, custom,
 * inputs, id), one string each, sorted: two ways of building the same thing compare equal.
 */
export function registeredAsStack(): string[] {
  return records.map((r) => JSON.stringify([r.type, r.name, r.parent ?? "", r.custom, r.inputs, r.id ?? ""])).sort();
}

/** Provider function tokens called since the last reset. */
export function recordedCalls(): readonly string[] {
  return calls;
}

export function resourcesOfType(type: string): RecordedResource[] {
  return records.filter((r) => r.type === type);
}

/** The resource of `type` whose logical name is `name`; throws when there is none. */
export function resourceNamed(type: string, name: string): RecordedResource {
  const r = records.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} named "${name}" was registered; registered: ${records.filter((x) => x.type === type).map((x) => x.name).join(", ") || "none"}`);
  return r;
}

/** Counts of registered resources per type, for "counts per type" assertions. */
export function countsByType(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) out[r.type] = (out[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The value of an output, awaited (never assert inside `.apply`: a failure there only times out). */
export function unwrap<T>(output: pulumi.Input<T> | pulumi.Output<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      pulumi.output(output).apply((v) => {
        resolve(v as T);
        return v;
      });
    } catch (e) {
      reject(e);
    }
  });
}

/** Waits until every outstanding registration has been answered. */
export async function settle(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
  await new Promise((r) => setImmediate(r));
}
