import { simError } from '../errors.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { type FaultSpec, MODBUS_FAULTS } from './fault-book.js';

/**
 * Which fault applies to which device: Modbus faults to Modbus devices
 * (a corrupt CRC only where frames carry one, a dropped connection only on
 * TCP), OPC UA faults to OPC UA devices, a stuck value to any point.
 */
export function checkFault(spec: FaultSpec, devices: ReadonlyMap<string, SimulatedDevice>): void {
  const device = devices.get(spec.device);
  if (!device) throw simError('LL_ERR_SIM_UNKNOWN_DEVICE', spec.device);
  const config = device.config;
  const needsPoint = spec.kind === 'stuck' || spec.kind === 'opcua-bad-status';
  if (needsPoint && spec.point === undefined) throw simError('LL_ERR_SIM_BAD_FAULT', spec.kind, device.id, 'name the point');
  if (spec.point !== undefined) device.point(spec.point);
  const bad = (why: string) => simError('LL_ERR_SIM_BAD_FAULT', spec.kind, device.id, why);
  if (MODBUS_FAULTS.has(spec.kind)) {
    if (config.transport !== 'modbus') throw bad('it is served over OPC UA, not Modbus');
    if (spec.kind === 'corrupt-frame' && config.modbus.framing === 'tcp') throw bad('Modbus TCP frames carry no CRC; use an RTU device');
    if (spec.kind === 'disconnect' && config.modbus.framing === 'rtu') throw bad('a serial line has no connection to drop');
    if (spec.kind === 'exception' && spec.exceptionCode === undefined) throw bad('give exceptionCode (1–255)');
    if (spec.kind === 'delay' && spec.delayMs === undefined) throw bad('give delayMs');
  }
  if (spec.kind.startsWith('opcua-') && config.transport !== 'opcua') throw bad('it is served over Modbus, not OPC UA');
}
