import { performance } from 'node:perf_hooks';
import type { Clock } from '@lifeline/core';
import type { ModbusConnection } from '../../transports/modbus-connection.js';
import type { ModbusClient } from '../../transports/modbus-serial.js';
import type { ModbusDeviceState } from './modbus-device-state.js';
import { classifyModbusError, isModbusException } from './modbus-errors.js';

/**
 * One transaction of a unit on its connection, counted where the unit's health
 * and bus-time share need it: requests, latency (answers and exceptions —
 * both are round trips), timeouts, bad frames, and the bus time it held.
 * Rejects with the classified, coded error.
 */
export async function accountedRequest<T>(
  connection: ModbusConnection,
  clock: Clock,
  state: ModbusDeviceState,
  what: string,
  exchange: (c: ModbusClient) => Promise<T>,
): Promise<T> {
  const { unitId, timeoutMs } = state.config.modbus;
  state.health.count('requests');
  const t0 = performance.now();
  const started = clock.now();
  try {
    const result = await connection.transact(unitId, timeoutMs, exchange);
    state.health.observeLatency(performance.now() - t0);
    return result;
  } catch (e) {
    const error = classifyModbusError(e, { what, device: state.config.id, unitId, timeoutMs });
    if (error.code === 'LL_ERR_MODBUS_TIMEOUT') state.health.count('timeouts');
    else if (error.code === 'LL_ERR_MODBUS_BAD_FRAME') state.health.count('badFrames');
    else if (isModbusException(error)) {
      state.health.count('exceptions');
      state.health.observeLatency(performance.now() - t0);
    }
    throw error;
  } finally {
    const now = clock.now();
    state.chargeBus(now, now - started);
  }
}
