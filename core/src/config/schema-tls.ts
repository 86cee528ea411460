import { isAbsolute, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';

/**
 * `tls:` of a listener (http, mqtt.local): a certificate and key in PEM, or
 * `selfSigned: true` for one the gateway makes into its state folder at first
 * start (clients must pin it: docs/security.md). With it the listener speaks
 * only TLS: a plain connection is refused.
 */
export const listenerTlsSchema = (description: string) =>
  Type.Object(
    {
      certFile: Type.Optional(
        Type.String({ minLength: 1, description: 'PEM certificate (chain) of this listener; relative to the site file' }),
      ),
      keyFile: Type.Optional(Type.String({ minLength: 1, description: 'its PEM private key; relative to the site file' })),
      selfSigned: Type.Optional(
        Type.Boolean({
          description: 'without certFile/keyFile: make a self-signed certificate into stateDir/tls at first start and reuse it',
        }),
      ),
    },
    { additionalProperties: false, description },
  );

export const ListenerTlsSchema = listenerTlsSchema('TLS of a listener');
export type ListenerTlsInput = Static<typeof ListenerTlsSchema>;

/** A listener's resolved TLS: files to read, or a self-signed pair kept in the state folder. */
export type ListenerTls = { readonly certFile: string; readonly keyFile: string } | { readonly selfSigned: true };

/** Undefined: plain. A half-given pair is a config issue, reported by `tlsProblem`. */
export function resolveListenerTls(input: ListenerTlsInput | undefined, baseDir: string): ListenerTls | undefined {
  if (!input) return undefined;
  if (input.certFile && input.keyFile) {
    const at = (f: string) => (isAbsolute(f) ? f : resolve(baseDir, f));
    return { certFile: at(input.certFile), keyFile: at(input.keyFile) };
  }
  return input.selfSigned ? { selfSigned: true } : undefined;
}

/** What is wrong with a `tls:` block, if anything: both files or selfSigned, not half of it. */
export function tlsProblem(input: ListenerTlsInput | undefined): string | undefined {
  if (!input) return undefined;
  const files = [input.certFile, input.keyFile].filter((f) => f !== undefined).length;
  if (files === 1) return 'give both certFile and keyFile';
  if (files === 0 && !input.selfSigned) return 'give certFile and keyFile, or selfSigned: true';
  if (files === 2 && input.selfSigned) return 'give certFile and keyFile or selfSigned, not both';
  return undefined;
}
