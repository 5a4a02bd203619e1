/**
 * Progress on stderr, only when stderr is a terminal: one line rewritten in place (resources
 * registered, packs started, resources analyzed). Off in CI logs and pipes, so the report on
 * stdout and the log stay clean.
 */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly enabled: boolean = process.stderr.isTTY === true,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Show `text`, at most ~10 times a second unless `force`. */
  update(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.stream.write(`\r\u001b[K${text}`);
  }

  /** Clear the progress line. */
  done(): void {
    if (this.enabled && this.shown) this.stream.write("\r\u001b[K");
    this.shown = false;
  }
}
