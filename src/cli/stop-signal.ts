// Waits for SIGINT or SIGTERM, the way long-running commands (server, injector) stop; SIGHUP runs
// `onHangup` (reopen files, reload certificates) and keeps waiting.

export function untilStopSignal(onHangup: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', onHangup);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', onHangup);
  });
}
