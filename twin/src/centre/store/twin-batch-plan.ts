import type { TwinPatch, TwinSnapshot } from '../../twin-document.js';
import type { TwinReplica } from '../../twin-replica.js';
import type { StoreWrite, WriteOutcome } from './centre-store.js';

export type TwinWrite = { readonly index: number; readonly snapshot: TwinSnapshot } | { readonly index: number; readonly patch: TwinPatch };

/** The snapshot or patch of a twin write. */
export const twinBody = (w: TwinWrite): TwinSnapshot | TwinPatch => ('snapshot' in w ? w.snapshot : w.patch);

/** `site/gateway`: the key both stores group a batch by. */
export const gatewayKey = (site: string, gateway: string): string => `${site}/${gateway}`;

/** The twin writes of a batch by gateway, each with its place in the batch. */
export function twinWritesByGateway(batch: readonly StoreWrite[]): Map<string, TwinWrite[]> {
  const groups = new Map<string, TwinWrite[]>();
  batch.forEach((w, index) => {
    if (w.kind === 'alarm') return;
    const body = w.kind === 'snapshot' ? w.snapshot : w.patch;
    const key = gatewayKey(body.site, body.gateway);
    const entry: TwinWrite = w.kind === 'snapshot' ? { index, snapshot: w.snapshot } : { index, patch: w.patch };
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  });
  return groups;
}

/**
 * Applies one gateway's snapshots and patches of a batch to its replica, as
 * a sequence that lets as many apply as possible: snapshots first (oldest
 * first), then patches pass after pass while any applies, so `6→7` before
 * `5→6` in the batch (two consumers' arrival order) still both apply. What
 * is left is stale or a gap, as it would be after every other write.
 * Writes each outcome into `outcomes` at the write's index; true if the
 * replica changed.
 */
export function applyTwinWrites(replica: TwinReplica, writes: readonly TwinWrite[], outcomes: WriteOutcome[]): boolean {
  const snapshots = writes.flatMap((w) => ('snapshot' in w ? [w] : []));
  snapshots.sort((a, b) => Date.parse(a.snapshot.ts) - Date.parse(b.snapshot.ts) || a.snapshot.version - b.snapshot.version);
  for (const w of snapshots) outcomes[w.index] = replica.applySnapshot(w.snapshot);
  let pending = writes.flatMap((w) => ('patch' in w ? [w] : [])).sort((a, b) => a.patch.base - b.patch.base);
  for (let progress = true; progress && pending.length; ) {
    progress = false;
    pending = pending.filter((w) => {
      const outcome = replica.applyPatch(w.patch);
      outcomes[w.index] = outcome;
      if (outcome.kind !== 'applied') return true;
      progress = true;
      return false;
    });
  }
  return writes.some((w) => outcomes[w.index]?.kind === 'applied');
}
