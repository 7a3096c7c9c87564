// Progress of a long operation (a report over a large assembly, a fleet spec of thousands of workloads), on a
// terminal only: one line on stderr, rewritten in place, cleared at the end. Nothing is written when stderr is not a
// TTY (CI logs, pipes, jest), nor for work that ends within the first second.

/** Where a progress line goes: the text to show, or `undefined` to clear it. */
export type ProgressSink = (line: string | undefined) => void;

export class Progress {
  /** Progress on the process's stderr when it is a terminal; silent otherwise. */
  public static onTerminal(label: string): Progress {
    const stderr = process.stderr;
    return new Progress(label, stderr.isTTY ? line => stderr.write(line === undefined ? '\r\x1b[K' : `\r\x1b[K${line}`) : undefined);
  }

  private readonly started: number;
  private lastWrite = 0;
  private shown = false;

  constructor(
    private readonly label: string,
    private readonly sink: ProgressSink | undefined,
    private readonly now: () => number = Date.now,
    /** Nothing is shown before this many milliseconds (short work stays silent). */
    private readonly delay = 1000,
    /** At most one line per this many milliseconds. */
    private readonly interval = 200,
  ) {
    this.started = now();
  }

  /** `done` of `total` items are finished. */
  public update(done: number, total: number): void {
    if (!this.sink) return;
    const time = this.now();
    if (time - this.started < this.delay || time - this.lastWrite < this.interval) return;
    this.lastWrite = time;
    this.shown = true;
    this.sink(`cdk-eks-pod-identity: ${this.label}: ${done}/${total}`);
  }

  /** The work is over: clears the line if one was shown. */
  public end(): void {
    if (this.sink && this.shown) this.sink(undefined);
    this.shown = false;
  }
}
