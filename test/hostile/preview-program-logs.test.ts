/**
 * Hostile arguments to `pulumi.log.warn/error` under the preview: whatever a program passes as
 * the message or the resource, the log is kept (never dropped, never a crash), as text, with a
 * URN only when the argument really is a resource whose URN resolves.
 */
import assert from "node:assert/strict";
import { captureProgramLogs } from "../../cli/preview/program-logs";

type LogFn = (msg: string, resource?: unknown) => Promise<void>;

function sdkLog(): { warn: LogFn; error: LogFn } {
  return { warn: async () => undefined, error: async () => undefined };
}

describe("hostile: what a program passes to pulumi.log under the preview", () => {
  it("keeps every message as text, whatever its type, and cuts a huge one", async () => {
    const log = sdkLog();
    const echoed: string[] = [];
    const capture = captureProgramLogs(log, (line) => echoed.push(line));
    try {
      await log.warn({ not: "a string" } as unknown as string);
      await log.error(undefined as unknown as string);
      await log.warn({ toString: () => { throw new Error("no text for you"); } } as unknown as string);
      await log.warn(new Error("an error object") as unknown as string);
      await log.warn("x".repeat(100_000));
      const logs = await capture.logs();
      assert.deepEqual(logs.slice(0, 4).map((l) => [l.level, l.message]), [
        ["warning", "[object Object]"],
        ["error", "undefined"],
        ["warning", "(a value that cannot be shown as text)"],
        ["warning", "an error object"],
      ]);
      assert.equal(logs[4].message.length, 4003);
      assert.ok(logs.every((l) => l.urn === undefined && l.source === "pulumi.log"));
      assert.deepEqual(echoed.slice(0, 2), ["warning: [object Object]\n", "error: undefined\n"], "each is also echoed (to stderr by default)");
    } finally {
      capture.restore();
    }
  });

  it("names a resource only when its URN resolves to text; a fake, a rejected or a throwing URN still keeps the message", async () => {
    const log = sdkLog();
    const capture = captureProgramLogs(log, () => undefined);
    try {
      const urn = "urn:pulumi:s::p::aws:ec2/vpc:Vpc::main";
      await log.warn("real", { urn: { promise: () => Promise.resolve(urn) } });
      await log.warn("plain urn text", { urn });
      await log.warn("null", null);
      await log.warn("rejects", { urn: { promise: () => Promise.reject(new Error("never registered")) } });
      await log.warn("throws", { urn: { promise: () => { throw new Error("boom"); } } });
      await log.error("number urn", { urn: { promise: () => Promise.resolve(42) } });
      assert.deepEqual((await capture.logs()).map((l) => [l.message, l.urn]), [
        ["real", urn],
        ["plain urn text", undefined],
        ["null", undefined],
        ["rejects", undefined],
        ["throws", undefined],
        ["number urn", undefined],
      ]);
    } finally {
      capture.restore();
    }
  });

  it("keeps console.warn/console.error as warnings, formatted as the console would, and restores everything", async () => {
    const log = sdkLog();
    const { warn, error } = log;
    const consoleWarn = console.warn;
    const echoed: string[] = [];
    const capture = captureProgramLogs(log, (line) => echoed.push(line));
    console.warn("%s has %d zones", "vpc", 3, { extra: true });
    console.error("plain");
    capture.restore();
    assert.deepEqual((await capture.logs()).map((l) => [l.level, l.source, l.message]), [
      ["warning", "console", "vpc has 3 zones { extra: true }"],
      ["warning", "console", "plain"],
    ]);
    assert.deepEqual(echoed, ["vpc has 3 zones { extra: true }\n", "plain\n"]);
    assert.equal(log.warn, warn);
    assert.equal(log.error, error);
    assert.equal(console.warn, consoleWarn);
  });
});
