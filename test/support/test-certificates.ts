import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';

/**
 * Certificates made by openssl for a test, in `dir`: CAs, and leaf
 * certificates signed by `ca.crt` with the given extensions (written to
 * `<name>.ext`). Files are `<name>.key` / `<name>.crt`.
 */
export async function makeCertificates(
  dir: string,
  spec: { readonly cas: readonly string[]; readonly leaves: readonly { name: string; cn: string; ext: string }[] },
): Promise<void> {
  // node-opcua's PKI (loaded by other suites in this process) points OPENSSL_CONF at its own config: not ours.
  const { OPENSSL_CONF: _conf, RANDFILE: _rand, ...env } = process.env;
  const ssl = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  for (const ca of spec.cas) {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`);
  }
  for (const { name, cn, ext } of spec.leaves) {
    await writeFile(join(dir, `${name}.ext`), `${ext}\n`);
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    );
  }
}
