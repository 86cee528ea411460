import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigIssue, PathSegment } from './config-issue.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Secrets stay out of site files: any string value may reference
 * `${env:NAME}` (an environment variable) or `${file:PATH}` (a file, e.g. a
 * Docker or systemd credential; relative to the site file; one trailing
 * newline dropped). References are resolved before validation; the resolved
 * values are never echoed in error messages.
 */
const REFERENCE = /\$\{(env|file):([^}]*)\}/g;

export function resolveSecrets(source: YamlSource, env: NodeJS.ProcessEnv, baseDir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') return substitute(value, path);
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    }
    return value;
  };
  const substitute = (text: string, path: PathSegment[]): string => {
    if (!text.includes('${')) return text;
    let secret = false;
    const out = text.replace(REFERENCE, (_all, kind: string, ref: string) => {
      secret = true;
      const value = kind === 'env' ? fromEnv(ref, env) : fromFile(ref, baseDir);
      if (typeof value === 'string') return value;
      issues.push(source.issueAt(path, value.message, value.fix));
      return '';
    });
    if (secret) source.secretPaths.add(JSON.stringify(path));
    return out;
  };
  source.data = visit(source.data, []);
  return issues;
}

type Failure = { message: string; fix: string };

function fromEnv(name: string, env: NodeJS.ProcessEnv): string | Failure {
  const value = env[name];
  if (value !== undefined) return value;
  return { message: `environment variable ${name} is not set`, fix: `export ${name}=… before starting, or use \${file:PATH}` };
}

function fromFile(path: string, baseDir: string): string | Failure {
  try {
    return readFileSync(resolve(baseDir, path), 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    return {
      message: `cannot read secret file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      fix: 'check the path (relative to this file) and its permissions',
    };
  }
}
