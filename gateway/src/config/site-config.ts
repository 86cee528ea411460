import type { LimitCondition, ModbusRegister, Profile } from './profile-schema.js';

/** The validated, defaulted, frozen site: what the gateway and simulator run on. */
export interface SiteConfig {
  readonly file: string;
  readonly site: string;
  readonly gateway: string;
  readonly http: Endpoint;
  readonly mqtt: {
    readonly local: Endpoint & { readonly enabled: boolean };
    readonly centre?: CentreLink;
  };
  readonly simulator: { readonly http: Endpoint };
  readonly devices: readonly DeviceConfig[];
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface CentreLink {
  readonly url: string;
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  readonly protocolVersion: 4 | 5;
}

export interface DeviceConfig {
  readonly id: string;
  readonly name: string;
  readonly profile: Profile;
  readonly modbus: Endpoint & { readonly unitId: number; readonly timeoutMs: number };
  readonly pollIntervalMs: number;
  readonly points: readonly PointConfig[];
}

export interface PointConfig {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  readonly register: Required<Omit<ModbusRegister, 'bit'>> & Pick<ModbusRegister, 'bit'>;
  readonly writable: boolean;
  readonly range?: { readonly min: number; readonly max: number };
  readonly limits: readonly LimitConfig[];
  readonly initial?: number | boolean;
}

export interface LimitConfig {
  readonly condition: LimitCondition;
  readonly value: number;
  readonly hysteresis: number;
  readonly priority: 1 | 2 | 3 | 4;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly basis?: string;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
