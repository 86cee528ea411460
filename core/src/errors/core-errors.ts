import { type ErrorSpec, errorFactory } from './lifeline-error.js';

/** Errors of the shared core: reading site and profile files, ports (what gateway, simulator and centre all meet). */
export const CORE_ERRORS = {
  LL_ERR_CONFIG_NOT_FOUND: {
    message: 'cannot read %s: %s',
    hint: 'check the path; relative paths are resolved from the current directory',
    transient: false,
  },
  LL_ERR_CONFIG_INVALID: {
    message: '%s has %s error(s)',
    hint: 'fix each listed line; `lifeline-gateway validate FILE` checks a file without starting anything',
    transient: false,
  },
  LL_ERR_CONFIG_ENV: {
    message: 'environment variable %s="%s" is not %s',
    hint: 'unset it or give it a valid value',
    transient: false,
  },
  LL_ERR_PROFILE_NOT_FOUND: {
    message: 'device profile "%s" not found in %s',
    hint: 'use the id of a YAML file in device-profiles/ (its `id:`), or set profilesDir in the site config',
    transient: false,
  },
  LL_ERR_PORT_IN_USE: {
    message: '%s port %s on %s is already in use',
    hint: 'stop whatever holds it, or set %s to a free port',
    transient: false,
  },
  LL_ERR_INSECURE_LISTENER: {
    message: 'refusing to open the %s on %s without authentication',
    hint: 'listen on 127.0.0.1, or configure authentication (docs/security.md); only for a closed test network set %s.allowInsecure: true',
    transient: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type CoreErrorCode = keyof typeof CORE_ERRORS;

export const coreError = errorFactory<CoreErrorCode>(CORE_ERRORS);

/** A config error: exit code 2 from every CLI, fixed by editing the site or profile file. */
export function isConfigErrorCode(code: string): boolean {
  return code.startsWith('LL_ERR_CONFIG') || code === 'LL_ERR_PROFILE_NOT_FOUND';
}
