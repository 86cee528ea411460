import { GATEWAY_ERRORS, gatewayError, LifelineError } from '../errors.js';

// Modbus Application Protocol V1.1b3 §7: exception codes.
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** Exceptions that mean "try again later" rather than "this request is wrong". */
const TRANSIENT_EXCEPTIONS = new Set([5, 6, 10, 11]);

interface ModbusSerialError {
  modbusCode?: number;
  errno?: string;
  code?: string;
  message?: string;
}

/** Classifies a modbus-serial failure into the catalog, so retry decisions go by type. */
export function classifyModbusError(e: unknown, what: string, device: string, unitId: number): LifelineError {
  const err = (e ?? {}) as ModbusSerialError;
  if (typeof err.modbusCode === 'number') {
    const name = MODBUS_EXCEPTIONS[err.modbusCode] ?? 'unknown exception';
    const spec = GATEWAY_ERRORS.LL_ERR_MODBUS_EXCEPTION;
    const transient = TRANSIENT_EXCEPTIONS.has(err.modbusCode);
    return new LifelineError('LL_ERR_MODBUS_EXCEPTION', { ...spec, transient }, [device, unitId, err.modbusCode, name]);
  }
  return gatewayError('LL_ERR_MODBUS_IO', what, device, unitId, err.errno ?? err.code ?? err.message ?? String(e));
}

/** A failure that leaves the TCP link unusable: close it and reconnect. */
export function isLinkFailure(e: LifelineError): boolean {
  return e.code === 'LL_ERR_MODBUS_IO' && !/ETIMEDOUT/.test(e.message);
}
