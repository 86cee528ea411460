/**
 * Partitioning by site: instance `index` of `count` mirrors the sites whose
 * FNV-1a hash falls to it. Every gateway of a site lands on one instance, and
 * that instance sees all of its snapshots and patches in order — which MQTT 5
 * shared subscriptions cannot promise (they spread messages, not topics).
 */
export interface Partition {
  readonly index: number;
  readonly count: number;
}

export function partitionOf(site: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) {
    hash ^= site.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

/** `"k/n"` (0 ≤ k < n) → a partition, or a message saying what is wrong. */
export function parsePartition(text: string): Partition | string {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return `--partition "${text}": write k/n, e.g. 0/3`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) return `--partition "${text}": need 0 ≤ k < n`;
  return { index, count };
}
