/**
 * Entry of the forked program runner (see program.ts for why a child process): receives the
 * project over IPC, records the program under mocks, sends the resources back, exits. When
 * asked to stream, it also sends each resource as it registers, in batches (one message per
 * turn of the event loop, at most 256 resources), so the CLI can analyze while the program runs;
 * the final message then carries only each record's id and state, which the registration answers
 * (or a component's registered outputs) fill in after the record was sent.
 * It exits as soon as the CLI's end of the IPC channel closes, so it never outlives the CLI
 * (unless the program blocks the event loop; the CLI then kills it, see cleanup.ts).
 */
import { PreviewError, errorText, oneParagraph } from "./errors";
import type { ChildMessage, ChildRequest } from "./program";
import { loadCallsFile, recordProgram } from "./program";
import { deferSdkClosureModules } from "./sdk-startup";
import type { RecordedResource } from "./types";

// The SDK is loaded by recordProgram, after this: without its closure serializer's compilers.
deferSdkClosureModules();

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(msg, () => resolve()));
}

// The CLI gone (killed even with SIGKILL, which it cannot clean up after): nobody reads the result.
process.once("disconnect", () => process.exit(2));

process.once("message", async (req: ChildRequest) => {
  let lastSent = 0;
  let pending: RecordedResource[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending.length === 0) return;
    process.send!({ kind: "recorded", resources: pending } satisfies ChildMessage);
    pending = [];
  };
  try {
    const calls = req.callsFile ? loadCallsFile(req.callsFile) : undefined;
    const result = await recordProgram({
      project: req.project,
      calls,
      onProgress: (n) => {
        if (n - lastSent >= 100) {
          lastSent = n;
          process.send!({ kind: "progress", registered: n } satisfies ChildMessage);
        }
      },
      ...(req.stream
        ? {
            onRecorded: (r: RecordedResource) => {
              pending.push(r);
              if (pending.length >= 256) flush();
              else if (!flushScheduled) {
                flushScheduled = true;
                setImmediate(flush);
              }
            },
          }
        : {}),
    });
    flush();
    // Streamed: every record went out already (IPC keeps the order), so only what changed since does.
    if (req.stream) {
      const states = result.resources.map((r) => ({ id: r.id, outputs: r.outputs }));
      await send({ kind: "done-streamed", states, outputs: result.outputs, logs: result.logs });
    } else await send({ kind: "done", result });
  } catch (err) {
    const message = err instanceof PreviewError ? err.message : `The preview runner failed: ${oneParagraph(errorText(err))}`;
    await send({ kind: "error", message });
  }
  process.exit(0);
});
