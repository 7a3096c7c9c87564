// What the library says while it works, on stderr: what synthesis did to the files it writes (GitOps), one line per
// folder; and the progress of a long operation (a report over a large assembly, a fleet spec of thousands of
// workloads) on a terminal only: one line, rewritten in place, cleared at the end. Progress is never written when
// stderr is not a TTY (CI logs, pipes, jest), nor for work that ends within the first second. The context key
// `cdk-eks-pod-identity:quiet` (true) silences both (`cdk synth -c cdk-eks-pod-identity:quiet=true`; the tests set
// it).
import { IConstruct } from 'constructs';

/** The context key that silences what the library prints during synthesis. */
export const QUIET_CONTEXT_KEY = 'cdk-eks-pod-identity:quiet';

/** Whether the app of `scope` asked for silence. */
export function isQuiet(scope: IConstruct): boolean {
  const value = scope.node.tryGetContext(QUIET_CONTEXT_KEY);
  return value === true || value === 'true';
}

/** Writes one line on stderr, unless the app asked for silence. */
export function tell(scope: IConstruct, line: string): void {
  if (!isQuiet(scope)) process.stderr.write(`${line}\n`);
}

/** Where a progress line goes: the text to show, or `undefined` to clear it. */
export type ProgressSink = (line: string | undefined) => void;

export class Progress {
  /** Progress on the process's stderr when it is a terminal (and the app of `scope`, if given, is not quiet); silent otherwise. */
  public static onTerminal(label: string, scope?: IConstruct): Progress {
    const stderr = process.stderr;
    const shown = stderr.isTTY && !(scope && isQuiet(scope));
    return new Progress(label, shown ? line => stderr.write(line === undefined ? '\r\x1b[K' : `\r\x1b[K${line}`) : undefined);
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
