import type { PointConfig } from '@lifeline/core';
import type { ClientSession } from 'node-opcua';
import type { Opcua } from './opcua-module.js';

/** Runs one service call with the device's request accounting. */
export type ServiceCall = <T>(fn: () => Promise<T>) => Promise<T>;

/** Points whose variable has a numeric DataType (ns=0 ids 2–11 SByte…Double, 26–28 Number/Integer/UInteger). */
export async function numericPoints(
  opcua: Opcua,
  call: ServiceCall,
  session: ClientSession,
  points: readonly PointConfig[],
  nodeIds: ReadonlyMap<string, string>,
): Promise<Set<string>> {
  const types = await call(() =>
    session.read(points.map((p) => ({ nodeId: nodeIds.get(p.id) as string, attributeId: opcua.AttributeIds.DataType }))),
  );
  const numeric = new Set<string>();
  for (const [i, dv] of types.entries()) {
    const id = dv.value?.value as { namespace?: number; value?: unknown } | undefined;
    const n = typeof id?.value === 'number' && id.namespace === 0 ? id.value : -1;
    if ((n >= 2 && n <= 11) || (n >= 26 && n <= 28)) numeric.add((points[i] as PointConfig).id);
  }
  return numeric;
}

/**
 * Node ids for every point: given ones as is, browse paths translated now
 * (OPC 10000-4 §5.8.4), so a server restarted with new node ids is followed.
 */
export async function resolveNodeIds(
  opcua: Opcua,
  call: ServiceCall,
  session: ClientSession,
  points: readonly PointConfig[],
): Promise<{ ids: Map<string, string>; unresolved: { point: PointConfig; why: string }[] }> {
  const ids = new Map<string, string>();
  const unresolved: { point: PointConfig; why: string }[] = [];
  const byPath = points.filter((p) => !p.opcua?.nodeId && p.opcua?.browsePath);
  for (const p of points) if (p.opcua?.nodeId) ids.set(p.id, p.opcua.nodeId);
  if (byPath.length === 0) return { ids, unresolved };
  const results = await call(() =>
    session.translateBrowsePath(byPath.map((p) => opcua.makeBrowsePath('ObjectsFolder', p.opcua?.browsePath as string))),
  );
  for (const [i, result] of results.entries()) {
    const point = byPath[i] as PointConfig;
    const target = result.targets?.[0];
    if (result.statusCode.value === 0 && target) ids.set(point.id, target.targetId.toString());
    else unresolved.push({ point, why: `browse path ${point.opcua?.browsePath} not found (${result.statusCode.name})` });
  }
  return { ids, unresolved };
}
