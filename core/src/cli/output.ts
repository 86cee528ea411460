import { isConfigError } from '../config/index.js';
import { isConfigErrorCode, isLifelineError } from '../errors/index.js';

/** Exit codes: 2 for a config the user must fix, 1 for anything else that stopped us. */
export const EXIT_CONFIG = 2;
export const EXIT_FAILURE = 1;

/** Prints an error for a human: config issues in full, coded errors on one line, the rest with a stack. */
export function explain(e: unknown): number {
  if (isConfigError(e)) {
    process.stderr.write(`${e.report()}\n`);
    return EXIT_CONFIG;
  }
  if (isLifelineError(e)) {
    process.stderr.write(`error ${e.code}: ${e.message} — ${e.hint}\n`);
    return isConfigErrorCode(e.code) ? EXIT_CONFIG : EXIT_FAILURE;
  }
  process.stderr.write(`unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT_FAILURE;
}

/**
 * Runs until SIGINT or SIGTERM, then stops once and exits 0 (a second signal
 * forces exit). The stop gets `deadlineMs`: a stop still waiting then (a
 * half-open link, a hung device) exits 1 rather than hang (issue 18); what is
 * durable is already on disk (SQLite WAL), what was not delivered stays queued.
 */
export function stopOnSignals(stop: () => Promise<void>, deadlineMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(EXIT_FAILURE);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    setTimeout(() => {
      process.stderr.write(`stop did not finish within ${deadlineMs} ms: exiting (undelivered messages stay in the outbox)\n`);
      process.exit(EXIT_FAILURE);
    }, deadlineMs);
    stop().then(
      () => process.exit(0),
      (e: unknown) => process.exit(explain(e)),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** What a command returns to keep the process running until a signal. */
export const KEEP_RUNNING = -1;

/** Runs a CLI entry point: its exit code, or a human explanation of what stopped it. */
export function runCli(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== KEEP_RUNNING) process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = explain(e);
      process.exit();
    },
  );
}
