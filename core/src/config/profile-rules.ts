import type { ConfigIssue } from './config-issue.js';
import { dataTypeConflict } from './point-data-type.js';
import type { Limit, LimitCondition, ModbusRegister, Profile } from './profile-schema.js';
import type { YamlSource } from './yaml-source.js';

/** Rules a JSON Schema cannot express: register shapes and limit ordering. */
export function checkProfile(profile: Profile, source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, point] of Object.entries(profile.points)) {
    const at = ['points', id];
    if (!point.modbus && !point.opcua) {
      issues.push(
        source.issueAt(at, `point "${id}" has no address`, 'add modbus: {table, address, type} and/or opcua: {nodeId | browsePath}'),
      );
    }
    if (point.modbus) issues.push(...checkRegister(point.modbus, source, [...at, 'modbus']));
    if (point.opcua && !point.opcua.nodeId && !point.opcua.browsePath) {
      issues.push(
        source.issueAt(
          [...at, 'opcua'],
          'an OPC UA address needs nodeId or browsePath',
          'add nodeId: ns=…;s=… or browsePath: /2:Folder/2:Variable',
        ),
      );
    }
    const conflict = dataTypeConflict(point);
    if (conflict) {
      issues.push(
        source.issueAt(
          [...at, 'opcua', 'dataType'],
          `point "${id}" is ${conflict}`,
          'serve a bit as Boolean and a number as a numeric type',
        ),
      );
    }
    if (point.limits) issues.push(...checkLimitOrder(point.limits, source, [...at, 'limits']));
    if (point.range && point.range.min >= point.range.max) {
      issues.push(source.issueAt([...at, 'range'], 'range.min must be below range.max', 'swap or correct the bounds'));
    }
  }
  for (const [i, coupling] of (profile.couplings ?? []).entries()) {
    for (const end of ['while', 'hold'] as const) {
      if (!profile.points[coupling[end].point]) {
        issues.push(
          source.issueAt(
            ['couplings', i, end, 'point'],
            `coupling names unknown point "${coupling[end].point}"`,
            'use a point id of this profile',
          ),
        );
      }
    }
  }
  return issues;
}

const BIT_TABLES = new Set(['coil', 'discrete']);
const WIDE_TYPES = new Set(['uint32', 'int32', 'float32']);

export function checkRegister(reg: ModbusRegister, source: YamlSource, at: (string | number)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (BIT_TABLES.has(reg.table) && reg.type !== 'bool') {
    issues.push(source.issueAt([...at, 'type'], `a ${reg.table} holds one bit, not ${reg.type}`, 'use type: bool'));
  }
  if (!BIT_TABLES.has(reg.table) && reg.type === 'bool' && reg.bit === undefined) {
    issues.push(source.issueAt([...at, 'type'], `a bool in a ${reg.table} register needs the bit to read`, 'add bit: 0…15'));
  }
  if (reg.bit !== undefined && reg.type !== 'bool') {
    issues.push(source.issueAt([...at, 'bit'], 'bit applies only to type bool', 'set type: bool or remove bit'));
  }
  if (reg.wordOrder !== undefined && !WIDE_TYPES.has(reg.type)) {
    issues.push(source.issueAt([...at, 'wordOrder'], 'wordOrder applies only to 32-bit types', 'remove wordOrder'));
  }
  if (WIDE_TYPES.has(reg.type) && reg.address > 65534) {
    issues.push(source.issueAt([...at, 'address'], 'a 32-bit value needs two registers', 'use an address ≤ 65534'));
  }
  return issues;
}

/** hihi above hi above lo above lolo, where both of a pair exist. */
export function checkLimitOrder(
  limits: Partial<Record<LimitCondition, Pick<Limit, 'value'>>>,
  source: YamlSource,
  at: (string | number)[],
): ConfigIssue[] {
  const order: LimitCondition[] = ['hihi', 'hi', 'lo', 'lolo'];
  const present = order.filter((c) => limits[c] !== undefined);
  const issues: ConfigIssue[] = [];
  for (let i = 1; i < present.length; i++) {
    const upper = present[i - 1] as LimitCondition;
    const lower = present[i] as LimitCondition;
    if ((limits[upper]?.value ?? 0) <= (limits[lower]?.value ?? 0)) {
      issues.push(
        source.issueAt(
          [...at, lower, 'value'],
          `${lower} (${limits[lower]?.value}) must be below ${upper} (${limits[upper]?.value})`,
          `order the limits hihi > hi > lo > lolo`,
        ),
      );
    }
  }
  return issues;
}
