import { createRequire } from 'node:module';
import type { IServiceVector, ServerTCP } from 'modbus-serial';

/** modbus-serial is CommonJS with typings that disagree with its runtime shape; bridge it once. */
const require = createRequire(import.meta.url);
const { ServerTCP: ServerTCPClass } = require('modbus-serial') as {
  ServerTCP: new (vector: IServiceVector, options: { host?: string; port?: number; unitID?: number }) => ServerTCP;
};

export function createServerTcp(vector: IServiceVector, options: { host: string; port: number }): ServerTCP {
  // unitID 255: answer every unit id, and let the vector route by unit (several devices per server).
  return new ServerTCPClass(vector, { ...options, unitID: 255 });
}
