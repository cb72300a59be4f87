/**
 * Ctrl-C: a long command registers what to do (stop after the batch in hand,
 * say where it got to); without one the process ends at once, quietly.
 */
let handler: (() => void) | undefined;

export function onInterrupt(fn: (() => void) | undefined): void {
  handler = fn;
}

export function installInterruptHandler(exit: (code: number) => void): void {
  const interrupt = () => {
    if (handler) {
      const stop = handler;
      handler = undefined;
      stop();
      return;
    }
    exit(130);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
}
