import type { Pool } from 'pg';

/**
 * The centre's schema, versioned: a migration is never edited once released,
 * only followed by the next. Applied at start under an advisory lock, so
 * instances starting together apply each migration once.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'twins, alarm journal, requests, gateway status',
    sql: `
CREATE TABLE gateways (
  site text NOT NULL,
  gateway text NOT NULL,
  online boolean,
  status jsonb,
  last_seen timestamptz,
  resync_asked_ms bigint,
  resyncs integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  last_rejection text,
  PRIMARY KEY (site, gateway)
);
CREATE TABLE twins (
  site text NOT NULL,
  gateway text NOT NULL,
  boot_id text NOT NULL,
  version integer NOT NULL,
  ts text NOT NULL,
  ts_ms bigint NOT NULL,
  reported jsonb NOT NULL,
  alarm_seq integer NOT NULL,
  PRIMARY KEY (site, gateway)
);
-- Every lifecycle event once: a redelivered or replayed message hits the unique key.
CREATE TABLE alarm_journal (
  id bigserial PRIMARY KEY,
  site text NOT NULL,
  gateway text NOT NULL,
  boot_id text NOT NULL,
  seq integer NOT NULL,
  event_id text,
  alarm_id text NOT NULL,
  event text NOT NULL,
  priority smallint NOT NULL,
  received_at timestamptz NOT NULL,
  body jsonb NOT NULL,
  UNIQUE (site, gateway, boot_id, seq)
);
CREATE INDEX alarm_journal_received ON alarm_journal (received_at DESC);
CREATE TABLE requests (
  client_token text PRIMARY KEY,
  site text NOT NULL,
  gateway text NOT NULL,
  name text NOT NULL,
  body jsonb NOT NULL,
  operator text NOT NULL,
  sent_at timestamptz NOT NULL,
  answered_at timestamptz,
  ok boolean,
  answer jsonb
);
CREATE INDEX requests_gateway ON requests (site, gateway, sent_at DESC);
CREATE TABLE gateway_status (
  id bigserial PRIMARY KEY,
  site text NOT NULL,
  gateway text NOT NULL,
  online boolean NOT NULL,
  boot_id text NOT NULL,
  ts text NOT NULL,
  received_at timestamptz NOT NULL,
  -- the retained status comes again on every resubscription: one row per transition
  UNIQUE (site, gateway, boot_id, online, ts)
);
CREATE INDEX gateway_status_gateway ON gateway_status (site, gateway, id DESC);
`,
  },
  {
    version: 2,
    name: 'alarm events unique by eventId',
    // A gateway republishes an event it saved but may not have handed over under a new boot id and seq,
    // with the same eventId (docs/topics.md#de-duplicating-alarm-events-by-eventid): stored once.
    sql: 'CREATE UNIQUE INDEX alarm_journal_event_id ON alarm_journal (site, gateway, event_id) WHERE event_id IS NOT NULL;',
  },
];

/** Arbitrary but fixed: the advisory lock every instance takes while migrating. */
const MIGRATION_LOCK = 0x11fe1;

export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return applied;
}
