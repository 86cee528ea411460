import { decodeRegisters, encodeRegisters, type ModbusPointConfig, registerCount } from '@lifeline/core';
import type { ModbusClient } from '../../transports/modbus-serial.js';
import type { ReadBlock } from './register-plan.js';

/** Function codes 1–4 (Modbus Application Protocol V1.1b3 §6.1–6.4): one request per block. */
export async function readBlock(client: ModbusClient, block: Pick<ReadBlock, 'table' | 'address' | 'length'>): Promise<number[]> {
  let words: number[];
  switch (block.table) {
    case 'holding':
      words = (await client.readHoldingRegisters(block.address, block.length)).data;
      break;
    case 'input':
      words = (await client.readInputRegisters(block.address, block.length)).data;
      break;
    case 'coil':
      words = (await client.readCoils(block.address, block.length)).data.map(Number);
      break;
    case 'discrete':
      words = (await client.readDiscreteInputs(block.address, block.length)).data.map(Number);
      break;
  }
  // A response with fewer registers than asked for is a malformed frame, not zeros.
  if (words.length < block.length) throw new Error(`Data length error, expected ${block.length} values got ${words.length}`);
  return words;
}

/** The words of one point inside a block read, decoded by the shared codec. */
export function decodePoint(block: ReadBlock, words: readonly number[], point: ModbusPointConfig): number | boolean {
  return decodeRegisters(point.register, words, point.register.address - block.address);
}

/**
 * Writes a point with the narrowest function code: 5 for a coil, 6 for one
 * register, 16 for two; a bit inside a register is read, modified and written
 * (only that bit changes). Returns the words the device must then hold.
 */
export async function writePointWords(client: ModbusClient, point: ModbusPointConfig, value: number | boolean): Promise<number[]> {
  const reg = point.register;
  if (reg.table === 'coil') {
    await client.writeCoil(reg.address, Boolean(value));
    return [value ? 1 : 0];
  }
  if (reg.type === 'bool' && reg.bit !== undefined) {
    const [current = 0] = await readBlock(client, { table: 'holding', address: reg.address, length: 1 });
    const mask = 1 << reg.bit;
    const word = value ? current | mask : current & ~mask & 0xffff;
    await client.writeRegister(reg.address, word);
    return [word];
  }
  const words = encodeRegisters(reg, value);
  if (words.length === 1) await client.writeRegister(reg.address, words[0] as number);
  else await client.writeRegisters(reg.address, words);
  return words;
}

/** Reads back what a write should have left, for verification. */
export function readBack(client: ModbusClient, point: ModbusPointConfig): Promise<number[]> {
  const reg = point.register;
  return readBlock(client, { table: reg.table, address: reg.address, length: registerCount(reg) });
}
