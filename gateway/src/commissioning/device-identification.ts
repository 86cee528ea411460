import type { ModbusClient } from '../transports/modbus-serial.js';

/** Modbus Application Protocol V1.1b3 §6.21, table of object ids: the basic (0–2) and regular (3–6) objects. */
export const IDENTIFICATION_OBJECTS: Readonly<Record<number, string>> = {
  0: 'vendorName',
  1: 'productCode',
  2: 'revision',
  3: 'vendorUrl',
  4: 'productName',
  5: 'modelName',
  6: 'userApplicationName',
};

/** What a unit says about itself, by object name (unknown ids as `object<N>`). */
export type DeviceIdentification = Readonly<Record<string, string>>;

/** Read Device Id codes (§6.21): 01 basic stream, 02 regular stream. */
const REGULAR = 2;
const BASIC = 1;
/** §7: the unit does not implement the function, or not that read device id code. */
const ILLEGAL_FUNCTION = 1;
const ILLEGAL_DATA_VALUE = 3;

/**
 * Reads function 43 / MEI 14 from the unit the client is set to: the regular
 * stream, or the basic one when the unit refuses the regular code. Resolves
 * undefined when the unit does not implement the function (exception 1, or 3
 * on both codes); other failures (no answer, a broken link) are thrown.
 */
export async function readDeviceIdentification(client: ModbusClient): Promise<DeviceIdentification | undefined> {
  for (const code of [REGULAR, BASIC]) {
    try {
      const answer = await client.readDeviceIdentification(code, 0);
      // modbus-serial types `data` as an array; it is an object keyed by object id (index.js _readFC43).
      return named(answer.data as unknown as Record<string, string>);
    } catch (e) {
      const modbusCode = (e as { modbusCode?: number }).modbusCode;
      if (modbusCode === ILLEGAL_FUNCTION) return undefined;
      if (modbusCode === ILLEGAL_DATA_VALUE && code === REGULAR) continue;
      if (modbusCode === ILLEGAL_DATA_VALUE) return undefined;
      throw e;
    }
  }
  return undefined;
}

function named(objects: Readonly<Record<string, string>>): DeviceIdentification {
  return Object.fromEntries(
    Object.entries(objects).map(([id, value]) => [IDENTIFICATION_OBJECTS[Number(id)] ?? `object${id}`, value.replace(/\0+$/, '')]),
  );
}
