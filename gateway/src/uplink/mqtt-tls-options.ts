import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

/** The TLS settings of a broker link (mqtt.centre.tls, mqtt.sparkplug.tls) as they reach the client. */
export interface LinkTls {
  readonly rejectUnauthorized: boolean;
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly servername?: string | undefined;
}

/** MQTT.js options for a link's TLS, its files read at connect; none without TLS. */
export function mqttTlsOptions(tls: LinkTls | undefined): Partial<IClientOptions> {
  if (!tls) return {};
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  };
}
