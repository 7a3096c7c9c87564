// Runs code as if stderr were a terminal, with a clock that moves one second per reading: what a progress line
// writes is captured, and stderr and the clock are restored after.

/** What `run` wrote to stderr, one entry per write. */
export function stderrOnATerminal(run: () => void): string[] {
  const lines: string[] = [];
  let clock = 0;
  const now = jest.spyOn(Date, 'now').mockImplementation(() => (clock += 1000));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    lines.push(String(chunk));
    return true;
  });
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  try {
    run();
  } finally {
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
    stderr.mockRestore();
    now.mockRestore();
  }
  return lines;
}
