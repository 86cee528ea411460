/**
 * The one error shape of every package (STYLE habit 2): a stable code, a
 * message and a hint that says how to fix it, whether retrying can help, and
 * the HTTP status an API answers it with. Each package keeps one catalog of
 * these specs; `docs/errors.md` is generated from all of them.
 */
export interface ErrorSpec {
  readonly message: string;
  readonly hint: string;
  /** Transient errors are retried; the rest are reported and wait for a fix. */
  readonly transient: boolean;
  /** The status an HTTP API answers with; absent for errors no API returns. */
  readonly httpStatus?: number;
}

export class LifelineError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly transient: boolean;
  readonly httpStatus: number | undefined;

  constructor(code: string, spec: ErrorSpec, args: readonly unknown[], options?: { cause?: unknown }) {
    super(format(spec.message, args), options);
    this.name = 'LifelineError';
    this.code = code;
    this.hint = format(spec.hint, args.slice(countPlaceholders(spec.message)));
    this.transient = spec.transient;
    this.httpStatus = spec.httpStatus;
  }
}

/** The factory of one catalog: `(code, ...args)`, the message's `%s` first, then the hint's. */
export function errorFactory<Code extends string>(
  catalog: Readonly<Record<Code, ErrorSpec>>,
): (code: Code, ...args: unknown[]) => LifelineError {
  return (code, ...args) => new LifelineError(code, catalog[code], args);
}

export function isLifelineError(e: unknown, code?: string): e is LifelineError {
  return e instanceof LifelineError && (code === undefined || e.code === code);
}

/** Only transient errors (timeouts, resets, busy devices) are worth retrying. */
export function isTransientError(e: unknown): boolean {
  return isLifelineError(e) && e.transient;
}

/** Substitutes `%s` placeholders in order; the hint takes the arguments the message did not use. */
function format(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => String(args[i++] ?? '?'));
}

function countPlaceholders(template: string): number {
  return template.match(/%s/g)?.length ?? 0;
}
