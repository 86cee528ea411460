import type pg from 'pg';
import type { TwinReported } from '../../twin-document.js';
import { TwinReplica } from '../../twin-replica.js';
import type { StoreWrite, WriteOutcome } from './centre-store.js';
import { applyTwinWrites, gatewayKey, type TwinWrite, twinBody, twinWritesByGateway } from './twin-batch-plan.js';

/** The NOTIFY channel every instance listens on: its WebSocket feed shows what any instance stored. */
export const CHANGES_CHANNEL = 'lifeline_centre';

/*
 * A batch is one statement, whatever its size (issue 21: a statement or two
 * per message kept PostgreSQL busy with per-statement overhead); a batch with
 * twin writes is three, in one transaction: lock and read the twins, write
 * everything, commit. Named statements are parsed and planned once per
 * connection.
 *
 * Locks are taken in one order everywhere — twins rows (sorted), then
 * gateways rows (sorted); status, refusals and resync claims lock one
 * gateways row each — so two instances' batches that share gateways wait
 * for each other instead of deadlocking.
 */

// FOR UPDATE: no other batch changes these twins until we commit, so what we merge onto is what we overwrite.
const LOCK_TWINS = {
  name: 'centre-batch-lock-twins',
  text: `SELECT t.site, t.gateway, t.boot_id, t.version, t.ts, t.reported FROM twins t
  JOIN unnest($1::text[], $2::text[]) AS k(site, gateway) ON t.site = k.site AND t.gateway = k.gateway
  ORDER BY t.site, t.gateway FOR UPDATE OF t`,
};

// Touches every gateway's last_seen, writes the merged twins, journals the events (ON CONFLICT DO NOTHING covers both
// unique keys, pg-migrations.ts) and NOTIFYs each change. A twin absent at the lock may have been inserted meanwhile
// (two instances' first snapshots of a gateway): the newer wins, as it would alone.
const WRITE = {
  name: 'centre-batch-write',
  text: `WITH seen AS (
  INSERT INTO gateways (site, gateway, last_seen) SELECT site, gateway, now() FROM unnest($1::text[], $2::text[]) AS k(site, gateway)
  ON CONFLICT (site, gateway) DO UPDATE SET last_seen = EXCLUDED.last_seen),
up AS (
  INSERT INTO twins (site, gateway, boot_id, version, ts, ts_ms, reported, alarm_seq)
  SELECT site, gateway, boot_id, version, ts, ts_ms, reported::jsonb, alarm_seq
  FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bigint[], $9::text[], $10::int[])
    AS w(site, gateway, boot_id, version, ts, ts_ms, reported, alarm_seq)
  ON CONFLICT (site, gateway) DO UPDATE SET boot_id = EXCLUDED.boot_id, version = EXCLUDED.version, ts = EXCLUDED.ts,
    ts_ms = EXCLUDED.ts_ms, reported = EXCLUDED.reported, alarm_seq = EXCLUDED.alarm_seq
  WHERE (twins.boot_id = EXCLUDED.boot_id AND twins.version <= EXCLUDED.version)
     OR (twins.boot_id <> EXCLUDED.boot_id AND twins.ts_ms <= EXCLUDED.ts_ms)
  RETURNING site, gateway),
ins AS (
  INSERT INTO alarm_journal (site, gateway, boot_id, seq, event_id, alarm_id, event, priority, received_at, body)
  SELECT site, gateway, boot_id, seq, event_id, alarm_id, event, priority, received_at::timestamptz, body::jsonb
  FROM unnest($15::text[], $16::text[], $17::text[], $18::int[], $19::text[], $20::text[], $21::text[], $22::smallint[], $23::text[], $24::text[])
    AS a(site, gateway, boot_id, seq, event_id, alarm_id, event, priority, received_at, body)
  ON CONFLICT DO NOTHING RETURNING site, gateway, boot_id, seq, body)
SELECT 'twin' AS kind, n.site, n.gateway, NULL::text AS boot_id, NULL::int AS seq, pg_notify('${CHANGES_CHANNEL}',
  json_build_object('type', 'twin', 'site', n.site, 'gateway', n.gateway, 'bootId', n.boot_id, 'version', n.version)::text) AS notified
FROM unnest($11::text[], $12::text[], $13::text[], $14::int[]) AS n(site, gateway, boot_id, version) JOIN up USING (site, gateway)
UNION ALL
SELECT 'alarm', site, gateway, boot_id, seq, pg_notify('${CHANGES_CHANNEL}',
  json_build_object('type', 'alarm', 'site', site, 'gateway', gateway, 'event', body)::text) FROM ins`,
};

interface StoredTwin {
  readonly site: string;
  readonly gateway: string;
  readonly boot_id: string;
  readonly version: number;
  readonly ts: string;
  readonly reported: TwinReported;
}

interface Written {
  readonly kind: 'twin' | 'alarm';
  readonly site: string;
  readonly gateway: string;
  readonly boot_id: string | null;
  readonly seq: number | null;
}

/** Twins to write and the changes to NOTIFY, planned from the locked rows. */
interface TwinPlan {
  readonly twins: unknown[][];
  readonly notices: unknown[][];
}

/** Writes a batch (one transaction); rolls back and throws if a statement fails, and then nothing in it is acknowledged. */
export async function writeBatch(client: pg.PoolClient, batch: readonly StoreWrite[]): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array(batch.length);
  const groups = twinWritesByGateway(batch);
  // Without twins there is nothing to read first: the one statement is its own transaction.
  if (groups.size === 0) {
    settle(batch, groups, outcomes, await write(client, batch, { twins: [], notices: [] }));
    return outcomes;
  }
  await client.query('BEGIN');
  try {
    const plan = await planTwins(client, groups, outcomes);
    settle(batch, groups, outcomes, await write(client, batch, plan));
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  return outcomes;
}

async function planTwins(client: pg.PoolClient, groups: Map<string, TwinWrite[]>, outcomes: WriteOutcome[]): Promise<TwinPlan> {
  const keys = sortedKeys([...groups.values()].map((ws) => twinBody(ws[0] as TwinWrite)));
  const stored = await client.query<StoredTwin>({ ...LOCK_TWINS, values: columns(keys, 2) });
  const rows = new Map(stored.rows.map((r) => [gatewayKey(r.site, r.gateway), r]));
  const plan: TwinPlan = { twins: [], notices: [] };
  for (const [site, gateway] of keys) {
    const writes = groups.get(gatewayKey(site, gateway)) as TwinWrite[];
    const replica = replicaOf(site, gateway, rows.get(gatewayKey(site, gateway)));
    if (!applyTwinWrites(replica, writes, outcomes)) continue;
    const r = replica.reported as TwinReported;
    plan.twins.push([site, gateway, replica.bootId, replica.version, replica.ts, Date.parse(replica.ts), JSON.stringify(r), r.alarmSeq]);
    for (const w of writes)
      if (outcomes[w.index]?.kind === 'applied') plan.notices.push([site, gateway, twinBody(w).bootId, twinBody(w).version]);
  }
  return plan;
}

async function write(client: pg.PoolClient, batch: readonly StoreWrite[], plan: TwinPlan): Promise<Written[]> {
  const alarms = batch.flatMap((w) => (w.kind === 'alarm' ? [w] : []));
  const rows = alarms.map(({ event: e, receivedAt }) => [
    e.site,
    e.gateway,
    e.bootId,
    e.seq,
    typeof e.eventId === 'string' ? e.eventId : null,
    e.alarmId,
    e.event,
    e.priority,
    receivedAt,
    JSON.stringify(e),
  ]);
  const seen = columns(sortedKeys(batch.map(siteAndGateway)), 2);
  const values = [...seen, ...columns(plan.twins, 8), ...columns(plan.notices, 4), ...columns(rows, 10)];
  return (await client.query<Written>({ ...WRITE, values })).rows;
}

/** Outcomes from what the statement wrote: a planned twin it did not write lost to a newer first snapshot (stale). */
function settle(
  batch: readonly StoreWrite[],
  groups: Map<string, TwinWrite[]>,
  outcomes: WriteOutcome[],
  written: readonly Written[],
): void {
  const twins = new Set(written.flatMap((r) => (r.kind === 'twin' ? [gatewayKey(r.site, r.gateway)] : [])));
  for (const [key, writes] of groups)
    if (!twins.has(key)) for (const w of writes) if (outcomes[w.index]?.kind === 'applied') outcomes[w.index] = { kind: 'stale' };
  const fresh = new Set(written.flatMap((r) => (r.kind === 'alarm' ? [`${gatewayKey(r.site, r.gateway)}/${r.boot_id}/${r.seq}`] : [])));
  batch.forEach((w, index) => {
    if (w.kind !== 'alarm') return;
    // The first of two copies in one batch is the one stored; the second is a duplicate.
    outcomes[index] = {
      kind: fresh.delete(`${gatewayKey(w.event.site, w.event.gateway)}/${w.event.bootId}/${w.event.seq}`) ? 'journalled' : 'duplicate',
    };
  });
}

function replicaOf(site: string, gateway: string, row: StoredTwin | undefined): TwinReplica {
  const replica = new TwinReplica();
  if (row) replica.applySnapshot({ site, gateway, bootId: row.boot_id, version: row.version, ts: row.ts, reported: row.reported });
  return replica;
}

function siteAndGateway(w: StoreWrite): { site: string; gateway: string } {
  return w.kind === 'alarm' ? w.event : w.kind === 'snapshot' ? w.snapshot : w.patch;
}

/** Distinct (site, gateway) pairs in one fixed order: every instance locks rows in this order. */
function sortedKeys(items: readonly { site: string; gateway: string }[]): [string, string][] {
  const unique = new Map(items.map((i) => [gatewayKey(i.site, i.gateway), [i.site, i.gateway] as [string, string]]));
  return [...unique.values()].sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rows to one array per column: the `unnest($1::…[], $2::…[], …)` parameters. */
function columns(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));
}
