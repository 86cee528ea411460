import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Real servers come from Debian packages (scripts/test-services.sh). A missing
 * one skips its tests with a line naming the package, except under CI=true,
 * where it fails them: CI must never go green by skipping.
 */
export function requireBinary(ctx: Mocha.Context, binary: string, debianPackage: string): string {
  if (existsSync(binary)) return binary;
  return missing(ctx, `${binary} not found`, debianPackage);
}

/** A Python module importable by the system interpreter (Debian's python3-* packages install there). */
export function requirePythonModule(ctx: Mocha.Context, module: string, debianPackage: string): string {
  requireBinary(ctx, SYSTEM_PYTHON, 'python3');
  if (spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`]).status === 0) return SYSTEM_PYTHON;
  return missing(ctx, `${SYSTEM_PYTHON} cannot import ${module}`, debianPackage);
}

function missing(ctx: Mocha.Context, what: string, debianPackage: string): never {
  const why = `${what}: install the Debian package "${debianPackage}" (scripts/test-services.sh)`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI=true makes a missing component a failure`);
  process.stdout.write(`      skipped: ${why}\n`);
  ctx.skip();
}

export { MOSQUITTO } from '../../scripts/servers/mosquitto.js';
export const MOSQUITTO_SUB = '/usr/bin/mosquitto_sub';
export const MBPOLL = '/usr/bin/mbpoll';
/** Debian's pymodbus is importable only by the system interpreter. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
