import { ModbusException } from '../simulated-device.js';

/**
 * Read Device Identification, function 43 / MEI type 14 (Modbus Application
 * Protocol V1.1b3 §6.21): the identity objects a device reports, by object id.
 * 0 VendorName, 1 ProductCode, 2 MajorMinorRevision are the basic category;
 * 3 VendorUrl, 4 ProductName, 5 ModelName, 6 UserApplicationName the regular one.
 */
export type DeviceIdentity = ReadonlyMap<number, string>;

export const MEI_READ_DEVICE_ID = 0x0e;
const ILLEGAL_DATA_ADDRESS = 0x02;
const ILLEGAL_DATA_VALUE = 0x03;
/** §6.21: conformity level 0x82 = regular identification, stream and individual access. */
const CONFORMITY_LEVEL = 0x82;
const LAST_OBJECT: Record<number, number> = { 1: 0x02, 2: 0x06, 3: 0x06 };
/** The PDU limit (§4.1) less the 8-byte answer header (function, MEI, code, conformity, more, next, count). */
const MAX_OBJECT_BYTES = 253 - 7;

/** The answer PDU to a `2B 0E code object` request; throws ModbusException as §6.21 prescribes. */
export function answerDeviceIdentification(identity: DeviceIdentity, pdu: Buffer): Buffer {
  if (pdu.length < 4 || pdu[1] !== MEI_READ_DEVICE_ID) throw new ModbusException(ILLEGAL_DATA_VALUE, 'MEI type must be 14');
  const code = pdu[2] ?? 0;
  const requested = pdu[3] ?? 0;
  if (code === 4) {
    // Individual access: one object, or exception 2 when the device has no such object.
    const value = identity.get(requested);
    if (value === undefined) throw new ModbusException(ILLEGAL_DATA_ADDRESS, `no identification object ${requested}`);
    return header(code, 0, 0, [[requested, ascii(value)]]);
  }
  const last = LAST_OBJECT[code];
  if (last === undefined) throw new ModbusException(ILLEGAL_DATA_VALUE, `read device id code ${code}`);
  // Stream access: an unknown starting object restarts the stream at object 0.
  let id = requested <= last && identity.has(requested) ? requested : 0;
  const objects: [number, Buffer][] = [];
  let bytes = 0;
  for (; id <= last; id++) {
    const value = identity.get(id);
    if (value === undefined) continue;
    const data = ascii(value).subarray(0, 245);
    if (bytes + 2 + data.length > MAX_OBJECT_BYTES) return header(code, 0xff, id, objects);
    objects.push([id, data]);
    bytes += 2 + data.length;
  }
  return header(code, 0, 0, objects);
}

/** §6.21 types every object as an ASCII string: dashes and accents folded, anything else becomes "?". */
function ascii(value: string): Buffer {
  const folded = value
    .normalize('NFKD')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/[\u0300-\u036f]/g, '');
  return Buffer.from(folded.replace(/[^\x20-\x7e]/g, '?'), 'latin1');
}

function header(code: number, moreFollows: number, nextObject: number, objects: readonly [number, Buffer][]): Buffer {
  const head = Buffer.from([0x2b, MEI_READ_DEVICE_ID, code, CONFORMITY_LEVEL, moreFollows, nextObject, objects.length]);
  return Buffer.concat([head, ...objects.flatMap(([id, data]) => [Buffer.from([id, data.length]), data])]);
}
