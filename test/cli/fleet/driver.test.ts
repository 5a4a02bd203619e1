import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import type { EngineEvent, PulumiCommand } from "@pulumi/pulumi/automation";
import {
  findPulumiCli,
  fleetStacks,
  localWorkspaceStacks,
  runFleet,
  type AutomationApi,
  type FleetPreviewOptions,
  type FleetRefreshOptions,
  type FleetRunOptions,
  type FleetStack,
  type FleetStackSpec,
  type FleetUpOptions,
  type OpenFleetStack,
} from "../../../cli/fleet/driver";
import { PreviewError } from "../../../cli/preview/errors";

/** A fake workspace: each stack answers after a delay, as scripted; it logs opens, calls and concurrency. */
function fakeWorkspace(script: Record<string, { fail?: string; result?: string; delay?: number; changes?: Record<string, number> }> = {}) {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const open: OpenFleetStack = async (spec: FleetStackSpec) => {
    log.push(`open ${spec.name}`);
    const s = script[spec.name] ?? {};
    const act = async <T>(op: string, value: T): Promise<T> => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`${op} ${spec.name}`);
      await new Promise((r) => setTimeout(r, s.delay ?? 1));
      running--;
      if (s.fail) throw new Error(`${s.fail}\nsecond line`);
      return value;
    };
    const summary = () => ({ summary: { result: s.result ?? "succeeded", resourceChanges: s.changes ?? { create: 1 }, message: "engine says no" } });
    const stack: FleetStack = { up: () => act("up", summary()), refresh: () => act("refresh", summary()), preview: () => act("preview", { changeSummary: s.changes ?? { create: 1 } }) };
    return stack;
  };
  return { open, log, max: () => maxRunning };
}

describe("cli/fleet runFleet", () => {
  it("runs the transit stack first, then every shard; sums the changes; the summary lists transit then shards by index", async () => {
    const ws = fakeWorkspace({ transit: { changes: { create: 40 } }, "shard-2": { changes: { create: 600, same: 3 } } });
    const { transit, shards } = fleetStacks([2, 0, 1]);
    const s = await runFleet({ operation: "up", transit, shards, parallelism: 2, open: ws.open });
    assert.equal(ws.log[1], "up transit");
    assert.ok(ws.log.indexOf("up transit") < ws.log.indexOf("open shard-0"), "no shard opens before the transit stack is done");
    assert.deepEqual(s.stacks.map((o) => [o.stack, o.status]), [["transit", "succeeded"], ["shard-0", "succeeded"], ["shard-1", "succeeded"], ["shard-2", "succeeded"]]);
    assert.deepEqual(s.changes, { create: 642, same: 3 });
    assert.equal(s.ok, true);
  });

  it("a failing shard is reported with its error and does not stop the others; an up that ends 'failed' is a failure", async () => {
    const ws = fakeWorkspace({ "shard-1": { fail: "CommandError: code: 255" }, "shard-3": { result: "failed" } });
    const { transit, shards } = fleetStacks([0, 1, 2, 3]);
    const s = await runFleet({ operation: "up", transit, shards, parallelism: 3, open: ws.open });
    assert.equal(s.ok, false);
    assert.deepEqual(s.counts, { succeeded: 3, failed: 2, skipped: 0 });
    assert.equal(s.stacks.find((o) => o.stack === "shard-1")!.reason, "CommandError: code: 255 | second line");
    assert.equal(s.stacks.find((o) => o.stack === "shard-3")!.reason, 'up ended "failed": engine says no');
  });

  it("after a failed transit up the shards are skipped, each saying why; a preview still previews them", async () => {
    const ws = fakeWorkspace({ transit: { fail: "no credentials" } });
    const { transit, shards } = fleetStacks([0, 1]);
    const up = await runFleet({ operation: "up", transit, shards, open: ws.open });
    assert.deepEqual(up.stacks.map((o) => o.status), ["failed", "skipped", "skipped"]);
    assert.match(up.stacks[1].reason!, /transit stack transit failed/);
    assert.ok(!ws.log.some((l) => l.includes("shard")), "no shard was opened");
    const preview = await runFleet({ operation: "preview", transit, shards, open: ws.open });
    assert.deepEqual(preview.stacks.map((o) => o.status), ["failed", "succeeded", "succeeded"]);
  });

  it("never runs more shards at once than the parallelism, and uses it (random fleets)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom("up" as const, "preview" as const, "refresh" as const), async (n, parallelism, operation) => {
        const ws = fakeWorkspace(Object.fromEntries(Array.from({ length: n }, (_, i) => [`shard-${i}`, { delay: 2 + ((i * 7) % 5) }])));
        const { transit, shards } = fleetStacks(Array.from({ length: n }, (_, i) => i));
        const s = await runFleet({ operation, transit, shards, parallelism, open: ws.open });
        assert.equal(ws.max(), Math.min(parallelism, n));
        assert.equal(s.stacks.length, n + 1);
        assert.equal(ws.log.filter((l) => l.startsWith(`${operation} `)).length, n + 1, "each stack ran the operation once");
      }),
      { numRuns: 25 },
    );
  });
});

/** An engine event as the Automation API hands it to `onEvent` (its PolicyEvent, field for field). */
function policyEvent(sequence: number, pack: string, policy: string, level: "mandatory" | "warning", urn?: string): EngineEvent {
  return {
    sequence,
    timestamp: 1765000000 + sequence,
    policyEvent: {
      ...(urn ? { resourceUrn: urn } : {}),
      message: `${policy} says no\nfix it`,
      color: "never",
      policyName: policy,
      policyPackName: pack,
      policyPackVersion: "0.1.0",
      policyPackVersionTag: "0.1.0",
      enforcementLevel: level,
    },
  };
}

type Received = { op: string; stack: string; opts: FleetUpOptions | FleetPreviewOptions | FleetRefreshOptions };

/**
 * A fake Automation API stack per spec: records the options each operation got, replays the
 * scripted engine events and output through them, and fails as the CLI does (a CommandError)
 * when told to, or when its signal aborts while it runs.
 */
function engineWorkspace(script: Record<string, { events?: EngineEvent[]; output?: string[]; errors?: string[]; fail?: boolean; hold?: boolean }> = {}) {
  const received: Received[] = [];
  const opened: string[] = [];
  let holding: (() => void) | undefined;
  const open: OpenFleetStack = async (spec) => {
    opened.push(spec.name);
    const s = script[spec.name] ?? {};
    const act = async (op: string, opts: Received["opts"]) => {
      received.push({ op, stack: spec.name, opts });
      for (const e of s.events ?? []) opts.onEvent?.(e);
      for (const chunk of s.output ?? []) opts.onOutput?.(chunk);
      for (const chunk of s.errors ?? []) opts.onError?.(chunk);
      if (s.hold) {
        await new Promise<void>((resolve, reject) => {
          holding = resolve;
          opts.signal?.addEventListener("abort", () => reject(new Error("code: 255\n stderr: error: update canceled")));
        });
      }
      if (s.fail) throw new Error("code: 255\n stdout: \n stderr: error: preview failed");
    };
    return {
      up: async (opts) => (await act("up", opts), { summary: { result: "succeeded", resourceChanges: { create: 2 } } }),
      preview: async (opts) => (await act("preview", opts), { changeSummary: { create: 2 } }),
      refresh: async (opts) => (await act("refresh", opts), { summary: { result: "succeeded", resourceChanges: { same: 2 } } }),
    };
  };
  return { open, received, opened, release: () => holding?.() };
}

describe("cli/fleet runFleet with policy packs, output and cancellation", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-fleet-run-"));
  const pack = (name: string) => {
    const d = path.join(tmp, name);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    return d;
  };
  const config = (name: string, text: string) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, text);
    return f;
  };
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("gives up and preview the packs and configs by the Automation API's names, refresh none; relays each stack's output", async () => {
    const packs = [pack("aws"), pack("conformance")];
    const configs = [config("aws.json", '{"all": "mandatory"}'), config("conformance.json", "{}")];
    const chunks: string[] = [];
    for (const operation of ["up", "preview", "refresh"] as const) {
      const ws = engineWorkspace({ transit: { output: ["Previewing", " update (transit)\n"], errors: ["warning: slow\n"] } });
      const { transit, shards } = fleetStacks([0]);
      const s = await runFleet({
        operation,
        transit,
        shards,
        open: ws.open,
        ...(operation === "refresh" ? {} : { policyPacks: packs, policyPackConfigs: configs }),
        onOutput: (stack, text, stream) => chunks.push(`${stack}:${stream}:${text}`),
      });
      assert.equal(s.exitCode, 0);
      assert.deepEqual(ws.received.map((r) => [r.op, r.stack]), [[operation, "transit"], [operation, "shard-0"]]);
      for (const r of ws.received) {
        const o = r.opts as FleetUpOptions;
        if (operation === "refresh") assert.ok(!("policyPacks" in o) && !("policyPackConfigs" in o), "refresh gets no packs");
        else {
          assert.deepEqual(o.policyPacks, packs);
          assert.deepEqual(o.policyPackConfigs, configs);
        }
        assert.equal(typeof o.onEvent, "function", "every operation reports its engine events");
      }
      // With packs, a stack without violations still says it was judged (0 and 0); refresh judges nothing.
      if (operation === "refresh") assert.equal(s.policy, undefined);
      else assert.deepEqual(s.policy, { mandatory: 0, advisory: 0, failingStacks: [] });
    }
    assert.deepEqual(chunks.slice(0, 2), ["transit:stdout:Previewing", "transit:stdout: update (transit)\n"]);
    assert.ok(chunks.includes("transit:stderr:warning: slow\n"), "stderr goes through onOutput too, said to be");
  });

  it("a stack the engine failed for mandatory violations says which policies, keeps its advisories; exit 1, not 2", async () => {
    const urn = "urn:pulumi:shard-1::fleet::aws:ec2/securityGroup:SecurityGroup::hand-ssh";
    const ws = engineWorkspace({
      "shard-0": { events: [policyEvent(1, "netseg-aws", "netseg-aws-vpc-flow-logs", "warning")] },
      "shard-1": {
        events: [
          policyEvent(1, "netseg-aws", "netseg-aws-sg-no-internet-admin-ports", "mandatory", urn),
          policyEvent(2, "netseg-aws", "netseg-aws-sg-no-internet-admin-ports", "mandatory", urn + "2"),
          policyEvent(3, "netseg-aws", "netseg-aws-vpc-flow-logs", "warning"),
        ],
        fail: true,
      },
    });
    const { transit, shards } = fleetStacks([0, 1]);
    const s = await runFleet({ operation: "preview", transit, shards, open: ws.open, policyPacks: [pack("aws")] });
    const [, shard0, shard1] = s.stacks;
    assert.equal(shard0.status, "succeeded");
    assert.deepEqual(shard0.policy, { mandatory: 0, advisory: 1, violations: [{ policyPack: "netseg-aws", policy: "netseg-aws-vpc-flow-logs", level: "advisory", message: "netseg-aws-vpc-flow-logs says no\nfix it" }] });
    assert.equal(shard1.status, "failed");
    assert.equal(shard1.reason, "2 mandatory policy violation(s): netseg-aws/netseg-aws-sg-no-internet-admin-ports");
    assert.equal(shard1.policy!.mandatory, 2);
    assert.equal(shard1.policy!.advisory, 1);
    assert.equal(shard1.policy!.violations[0].urn, urn);
    assert.deepEqual(s.policy, { mandatory: 2, advisory: 2, failingStacks: ["shard-1"] });
    assert.equal(s.ok, false);
    assert.equal(s.exitCode, 1);
    // Another failure beside it (no violation: the CLI failed) makes the run an error.
    const worse = engineWorkspace({ "shard-0": { fail: true }, "shard-1": { events: [policyEvent(1, "p", "q", "mandatory")], fail: true } });
    const w = await runFleet({ operation: "up", transit, shards, open: worse.open, policyPacks: [pack("aws")] });
    assert.equal(w.stacks[1].reason, "code: 255 | stdout: | stderr: error: preview failed");
    assert.equal(w.exitCode, 2);
  });

  it("expectNoChanges and refresh reach the operations by their API names; changes the engine counted fail the stack as drift, exit 1", async () => {
    const summary = (sequence: number, resourceChanges: Record<string, number>): EngineEvent => ({ sequence, timestamp: 1765000000, summaryEvent: { maybeCorrupt: false, durationSeconds: 3, resourceChanges, policyPacks: {} } });
    const ws = engineWorkspace({
      transit: { events: [summary(1, { same: 31 })] },
      "shard-0": { events: [summary(1, { update: 2, same: 40 })], fail: true },
      "shard-1": { events: [policyEvent(1, "netseg-aws", "netseg-aws-sg-no-internet-admin-ports", "mandatory"), summary(2, { create: 1 })], fail: true },
    });
    const { transit, shards } = fleetStacks([0, 1]);
    const s = await runFleet({ operation: "preview", transit, shards, open: ws.open, refresh: true, expectNoChanges: true, policyPacks: [pack("aws")] });
    for (const r of ws.received) assert.deepEqual([(r.opts as FleetPreviewOptions).refresh, r.opts.expectNoChanges], [true, true]);
    assert.deepEqual(s.stacks.map((o) => o.status), ["succeeded", "failed", "failed"]);
    assert.deepEqual(s.stacks[1].unexpectedChanges, { update: 2 });
    assert.deepEqual(s.stacks[1].changes, { update: 2, same: 40 }, "what the engine counted, though the stack failed");
    assert.equal(s.stacks[1].reason, "changes proposed where none were expected: update 2");
    assert.equal(s.stacks[2].reason, "1 mandatory policy violation(s): netseg-aws/netseg-aws-sg-no-internet-admin-ports; changes proposed where none were expected: create 1");
    assert.deepEqual(s.changedStacks, ["shard-0", "shard-1"]);
    assert.equal(s.exitCode, 1);
    // Without expectNoChanges the same failure is no drift: an error (exit 2), its changes not called unexpected.
    const plain = await runFleet({ operation: "preview", transit, shards, open: engineWorkspace({ "shard-0": { events: [summary(1, { update: 2 })], fail: true } }).open });
    assert.equal(plain.stacks[1].unexpectedChanges, undefined);
    assert.equal(plain.changedStacks, undefined);
    assert.equal(plain.exitCode, 2);
    // refresh: expectNoChanges yes, refresh (it refreshes already) refused.
    const rws = engineWorkspace();
    await runFleet({ operation: "refresh", transit, shards, open: rws.open, expectNoChanges: true });
    assert.ok(rws.received.every((r) => r.opts.expectNoChanges === true && !("refresh" in r.opts)));
    await assert.rejects(runFleet({ operation: "refresh", transit, shards, open: rws.open, refresh: true }), /--refresh is for up and preview/);
  });

  it("cancelling gives the running stack the signal, starts no other, and says each was skipped", async () => {
    const ws = engineWorkspace({ "shard-0": { hold: true } });
    const { transit, shards } = fleetStacks([0, 1, 2]);
    const controller = new AbortController();
    const done: string[] = [];
    const run = runFleet({ operation: "up", transit, shards, parallelism: 1, open: ws.open, signal: controller.signal, onStack: (o) => done.push(o.stack) });
    while (!ws.received.some((r) => r.stack === "shard-0")) await new Promise((r) => setTimeout(r, 1));
    assert.equal(ws.received.find((r) => r.stack === "shard-0")!.opts.signal, controller.signal);
    controller.abort();
    const s = await run;
    assert.deepEqual(ws.opened, ["transit", "shard-0"], "no stack opened after the cancel");
    assert.deepEqual(s.stacks.map((o) => o.status), ["succeeded", "failed", "skipped", "skipped"]);
    assert.match(s.stacks[1].reason!, /^cancelled while running: code: 255/);
    assert.equal(s.stacks[2].reason, "cancelled before it started");
    assert.equal(s.cancelled, true);
    assert.equal(s.exitCode, 2);
    assert.deepEqual(done, ["transit", "shard-0", "shard-1", "shard-2"]);
  });

  it("refuses bad pack input before any stack opens: packs on refresh, a missing or non-pack folder, a config per pack, a bad config", async () => {
    const { transit, shards } = fleetStacks([0]);
    const good = pack("good");
    const notPack = path.join(tmp, "plain");
    fs.mkdirSync(notPack, { recursive: true });
    const cases: [Partial<FleetRunOptions>, RegExp][] = [
      [{ operation: "refresh", policyPacks: [good] }, /refresh runs no policy packs/],
      [{ policyPacks: [path.join(tmp, "nope")] }, /Policy pack directory .*nope does not exist/],
      [{ policyPacks: [notPack] }, /plain is not a policy pack: it has no PulumiPolicy.yaml/],
      [{ policyPacks: [good, good], policyPackConfigs: [config("one.json", "{}")] }, /Got 1 --policy-pack-config file\(s\) for 2 policy pack\(s\)/],
      [{ policyPacks: [good], policyPackConfigs: [config("bad.json", '{"all": "loud"}')] }, /bad.json, policy 'all': "loud" is not a valid enforcement level/],
      [{ policyPacks: [good], policyPackConfigs: [path.join(tmp, "missing.json")] }, /missing.json does not exist/],
    ];
    for (const [extra, error] of cases) {
      const ws = engineWorkspace();
      await assert.rejects(runFleet({ operation: "preview", transit, shards, open: ws.open, ...extra }), error);
      assert.deepEqual(ws.opened, [], `nothing opened for ${error}`);
    }
  });
});

describe("cli/fleet localWorkspaceStacks on the Automation API", () => {
  /** The LocalWorkspace and PulumiCommand statics the opener calls, recorded. */
  function fakeAutomation(cli: "found" | "missing") {
    const calls: unknown[][] = [];
    const command = { command: "/usr/bin/pulumi", version: null } as unknown as PulumiCommand;
    const automation: AutomationApi = {
      PulumiCommand: {
        get: async () => {
          calls.push(["get"]);
          if (cli === "missing") throw new Error("Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT");
          return command;
        },
      },
      LocalWorkspace: {
        createOrSelectStack: (async (args: unknown, opts: unknown) => {
          calls.push(["createOrSelectStack", args, opts]);
          const op = (name: string) => async (o: unknown) => (calls.push([name, o]), name === "preview" ? { changeSummary: {} } : { summary: { result: "succeeded" } });
          return { setConfig: async (k: string, v: unknown) => void calls.push(["setConfig", k, v]), up: op("up"), preview: op("preview"), refresh: op("refresh") };
        }) as unknown as AutomationApi["LocalWorkspace"]["createOrSelectStack"],
      },
    };
    return { automation, calls, command };
  }

  it("finds the CLI once for every stack, selects each stack in the program folder, sets a shard's index, passes the options on as given", async () => {
    const { automation, calls, command } = fakeAutomation("found");
    const open = localWorkspaceStacks("/work/fleet", "shard", automation);
    const transit = await open({ name: "transit", role: "transit" });
    const shard = await open({ name: "shard-7", role: "shard", shard: 7 });
    const opts = { policyPacks: ["/p/aws"], policyPackConfigs: ["/p/aws.json"], onEvent: () => {} };
    await shard.preview(opts);
    await transit.refresh({ onOutput: () => {} });
    assert.equal(calls.filter((c) => c[0] === "get").length, 1);
    assert.deepEqual(calls.filter((c) => c[0] === "createOrSelectStack"), [
      ["createOrSelectStack", { stackName: "transit", workDir: "/work/fleet" }, { pulumiCommand: command }],
      ["createOrSelectStack", { stackName: "shard-7", workDir: "/work/fleet" }, { pulumiCommand: command }],
    ]);
    assert.deepEqual(calls.filter((c) => c[0] === "setConfig"), [["setConfig", "shard", { value: "7" }]]);
    assert.equal(calls.find((c) => c[0] === "preview")![1], opts);
  });

  it("without the Pulumi CLI: one error that says to install it or preview offline", async () => {
    const { automation } = fakeAutomation("missing");
    await assert.rejects(findPulumiCli(automation), (err: Error) => err instanceof PreviewError && /Pulumi CLI, which was not found or could not run \(Command failed with ENOENT: pulumi version \| spawn pulumi ENOENT\)/.test(err.message) && /netseg fleet preview/.test(err.message));
    await assert.rejects(localWorkspaceStacks("/w", "shard", automation)({ name: "transit", role: "transit" }), /https:\/\/www.pulumi.com\/docs\/install/);
  });
});
