/**
 * Entry of the forked program runner (see program.ts for why a child process): receives the
 * project over IPC, records the program under mocks, sends the resources back, exits.
 */
import { PreviewError, errorText, oneParagraph } from "./errors";
import type { ChildMessage, ChildRequest } from "./program";
import { loadCallsFile, recordProgram } from "./program";

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(msg, () => resolve()));
}

process.once("message", async (req: ChildRequest) => {
  let lastSent = 0;
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
    });
    await send({ kind: "done", result });
  } catch (err) {
    const message = err instanceof PreviewError ? err.message : `The preview runner failed: ${oneParagraph(errorText(err))}`;
    await send({ kind: "error", message });
  }
  process.exit(0);
});
