import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ListenerTls } from '@lifeline/core';
import { gatewayError } from '../errors.js';

/** PEM key and certificate of a TLS listener, read once at start. */
export interface TlsMaterial {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** Where the certificate came from: to pin it on a client, or to log. */
  readonly certFile: string;
}

const run = promisify(execFile);

/**
 * Reads a listener's certificate and key, or makes a self-signed pair into
 * `stateDir/tls/{name}.{crt,key}` at first start (P-256, ~2 years, SAN
 * localhost and 127.0.0.1) and reuses it afterwards, so a pinned certificate
 * stays valid across restarts. Fails with LL_ERR_TLS_MATERIAL.
 */
export async function loadTlsMaterial(tls: ListenerTls, stateDir: string, name: string, what: string): Promise<TlsMaterial> {
  try {
    if ('certFile' in tls) {
      return { key: await readFile(tls.keyFile), cert: await readFile(tls.certFile), certFile: tls.certFile };
    }
    const dir = join(stateDir, 'tls');
    const certFile = join(dir, `${name}.crt`);
    const keyFile = join(dir, `${name}.key`);
    if (!(await exists(certFile)) || !(await exists(keyFile))) await makeSelfSigned(dir, certFile, keyFile);
    return { key: await readFile(keyFile), cert: await readFile(certFile), certFile };
  } catch (e) {
    throw gatewayError('LL_ERR_TLS_MATERIAL', what, (e as Error).message);
  }
}

async function makeSelfSigned(dir: string, certFile: string, keyFile: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A site's OPENSSL_CONF (node-opcua points it at its own PKI) must not change what this makes.
  const { OPENSSL_CONF: _conf, ...env } = process.env;
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '825',
      '-subj',
      '/CN=lifeline-gateway',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { env },
  );
  await chmod(keyFile, 0o600);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
