import { CORE_ERRORS, LifelineError } from '../errors/index.js';

/** One thing wrong in a config or profile file, located for a human. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path into the document, e.g. `devices[0].points.lel1.limits.hihi.value`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path ? ` ${issue.path}:` : '';
  return `${issue.file}:${issue.line}:${issue.column}:${where} ${issue.message}\n    fix: ${issue.fix}`;
}

/** LL_ERR_CONFIG_INVALID carrying every issue found, so one run reports them all. */
export class ConfigError extends LifelineError {
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super('LL_ERR_CONFIG_INVALID', CORE_ERRORS.LL_ERR_CONFIG_INVALID, [file, issues.length]);
    this.name = 'ConfigError';
    this.issues = [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  }

  report(): string {
    return [`${this.message}:`, ...this.issues.map(formatIssue)].join('\n');
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, seg) => (typeof seg === 'number' ? `${text}[${seg}]` : text ? `${text}.${seg}` : seg), '');
}
