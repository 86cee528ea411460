import { GATEWAY_ERRORS, gatewayError, LifelineError } from '../../errors.js';

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

/** modbus-serial's own wording for frames it rejected (index.js `_onReceive`, tcpport.js). */
const BAD_FRAME = /CRC error|Data length error|Unexpected data error|Bad response|buffer/i;

interface ModbusSerialError {
  modbusCode?: number;
  /** Set by transports/modbus-connection.ts: two unclean exchanges in a row after a framing error. */
  outOfStep?: boolean;
  errno?: string | number;
  code?: string;
  message?: string;
}

export interface RequestContext {
  readonly what: string;
  readonly device: string;
  readonly unitId: number | string;
  readonly timeoutMs: number;
}

/**
 * Classifies a modbus-serial failure into the catalog, so retry and counting
 * go by type: exception (the device answered "no"), timeout (no answer),
 * bad frame (an answer we cannot use) or I/O (the link itself failed).
 */
export function classifyModbusError(e: unknown, ctx: RequestContext): LifelineError {
  if (e instanceof LifelineError) return e;
  const err = (e ?? {}) as ModbusSerialError;
  if (err.outOfStep === true) return gatewayError('LL_ERR_MODBUS_OUT_OF_STEP', ctx.device, ctx.unitId, err.message ?? String(e));
  if (typeof err.modbusCode === 'number') {
    const name = MODBUS_EXCEPTIONS[err.modbusCode] ?? 'unknown exception';
    const spec = GATEWAY_ERRORS.LL_ERR_MODBUS_EXCEPTION;
    const transient = TRANSIENT_EXCEPTIONS.has(err.modbusCode);
    return new LifelineError('LL_ERR_MODBUS_EXCEPTION', { ...spec, transient }, [ctx.device, ctx.unitId, err.modbusCode, name]);
  }
  if (err.errno === 'ETIMEDOUT' || err.message === 'Timed out') {
    return gatewayError('LL_ERR_MODBUS_TIMEOUT', ctx.device, ctx.unitId, ctx.what, ctx.timeoutMs);
  }
  const detail = err.message ?? String(e);
  if (BAD_FRAME.test(detail)) return gatewayError('LL_ERR_MODBUS_BAD_FRAME', ctx.device, ctx.unitId, ctx.what, detail);
  // Node sets `code` to the symbolic name (ECONNREFUSED); modbus-serial sometimes puts a number in errno.
  const name = typeof err.code === 'string' ? err.code : typeof err.errno === 'string' ? err.errno : undefined;
  return gatewayError('LL_ERR_MODBUS_IO', ctx.what, ctx.device, ctx.unitId, name && !detail.includes(name) ? `${name} ${detail}` : detail);
}

/**
 * A failure that leaves the link unusable: close it and reconnect. A stream out
 * of step is one (issue 18): only a fresh connection resynchronises the framing.
 */
export function isLinkFailure(e: LifelineError): boolean {
  return e.code === 'LL_ERR_MODBUS_IO' || e.code === 'LL_ERR_MODBUS_OUT_OF_STEP';
}

/** The exception code of a classified error, for counting. */
export function isModbusException(e: LifelineError): boolean {
  return e.code === 'LL_ERR_MODBUS_EXCEPTION';
}
