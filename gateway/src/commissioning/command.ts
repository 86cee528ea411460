import { EXIT_CONFIG, EXIT_FAILURE, explain, isConfigError, isConfigErrorCode, isLifelineError } from '@lifeline/core';

/** Where a command writes: results on `out` (a table or JSON for scripts), progress and errors on `err`. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const PROCESS_IO: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A commissioning command: parses its own arguments (they differ per command), `--help` shows `help`. */
export interface CommissioningCommand {
  /** One line after `lifeline-gateway `, for the overview. */
  readonly usage: string;
  /** The full `--help` text, with examples. */
  readonly help: string;
  run(argv: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv): Promise<number>;
}

/** Wrong or missing arguments: exit 2 with the reason and a pointer to `--help`. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs a command's body: usage errors and coded errors become one clear line and an exit code, never a stack. */
export async function runCommand(name: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`lifeline-gateway ${name}: ${(e as Error).message}\nsee: lifeline-gateway ${name} --help\n`);
      return EXIT_CONFIG;
    }
    // As core's explain(), but on the command's own stream (tests run commands in-process).
    if (isConfigError(e)) {
      io.err(`${e.report()}\n`);
      return EXIT_CONFIG;
    }
    if (isLifelineError(e)) {
      io.err(`error ${e.code}: ${e.message} — ${e.hint}\n`);
      return isConfigErrorCode(e.code) ? EXIT_CONFIG : EXIT_FAILURE;
    }
    return explain(e);
  }
}

/** An integer option in [min, max], or `fallback` when absent. */
export function intOption(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} takes an integer ${min}..${max}, got "${value}"`);
  return n;
}

/** A finite number option, or `fallback` when absent. */
export function numberOption(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} takes a number, got "${value}"`);
  return n;
}

/** One of `choices`, or `fallback` when absent. */
export function choiceOption<T extends string>(value: string | undefined, flag: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${flag} takes one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}
