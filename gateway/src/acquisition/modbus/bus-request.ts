import { performance } from 'node:perf_hooks';
import type { Clock } from '@lifeline/core';
import type { ModbusConnection } from '../../transports/modbus-connection.js';
import type { ModbusClient } from '../../transports/modbus-serial.js';
import type { ModbusDeviceState } from './modbus-device-state.js';
import { classifyModbusError, isModbusException } from './modbus-errors.js';

export interface RequestTiming {
  readonly timeoutMs: number;
  /** Registers or bits asked for: the response timer's size class. */
  readonly quantity: number;
  /** A timeout will be retried with the full timeout, so it is not counted yet. */
  readonly retryIfLate: boolean;
}

/**
 * One transaction of a unit on its connection, counted where the unit's health
 * and bus-time share need it: requests, latency (answers and exceptions —
 * both are round trips), timeouts, bad frames, and the bus time it held.
 * A successful round trip (or an exception answer) teaches the unit's
 * response timer. A timeout of a request cut short under the full timeout
 * that the scheduler retries with the full timeout (`retryIfLate`) is not
 * counted as a timeout but as a late retry (only the retry's outcome counts),
 * and its answer, if it still comes (Modbus TCP), teaches the response timer
 * how late it was (late-answers.ts). Rejects with the classified, coded error.
 */
export async function accountedRequest<T>(
  connection: ModbusConnection,
  clock: Clock,
  state: ModbusDeviceState,
  what: string,
  exchange: (c: ModbusClient) => Promise<T>,
  timing: RequestTiming = { timeoutMs: state.config.modbus.timeoutMs, quantity: 1, retryIfLate: false },
): Promise<T> {
  const { unitId } = state.config.modbus;
  const { timeoutMs, quantity, retryIfLate } = timing;
  state.health.count('requests');
  const t0 = performance.now();
  const started = clock.now();
  try {
    const onLate = retryIfLate ? (rttMs: number) => state.timer.observe(quantity, rttMs) : undefined;
    const result = await connection.transact(unitId, timeoutMs, exchange, onLate);
    const rtt = performance.now() - t0;
    state.health.observeLatency(rtt);
    state.timer.observe(quantity, rtt);
    return result;
  } catch (e) {
    const error = classifyModbusError(e, { what, device: state.config.id, unitId, timeoutMs });
    if (error.code === 'LL_ERR_MODBUS_TIMEOUT') {
      state.health.count(retryIfLate ? 'lateRetries' : 'timeouts');
    } else if (error.code === 'LL_ERR_MODBUS_BAD_FRAME') state.health.count('badFrames');
    else if (isModbusException(error)) {
      state.health.count('exceptions');
      const rtt = performance.now() - t0;
      state.health.observeLatency(rtt);
      state.timer.observe(quantity, rtt);
    }
    throw error;
  } finally {
    const now = clock.now();
    state.chargeBus(now, now - started);
  }
}
