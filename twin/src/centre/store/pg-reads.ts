import type pg from 'pg';
import type { AlarmEvent } from '../../alarm-event.js';
import type { GatewayStatus } from '../../status.js';
import type { TwinAlarm, TwinReported } from '../../twin-document.js';
import { activeAlarmsOf, byPriorityThenAge } from './active-alarms.js';
import type { ActiveAlarm, GatewaySummary, JournalQuery, JournalRow, RequestRow, StatusRow, TwinView } from './centre-store.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

const GATEWAYS = `SELECT g.site, g.gateway, g.online, g.status, g.last_seen, g.resyncs, g.rejected, g.last_rejection,
  t.boot_id, t.version, t.ts, t.reported->'gateway' AS info
  FROM gateways g LEFT JOIN twins t ON t.site = g.site AND t.gateway = g.gateway ORDER BY g.site, g.gateway`;

const TWIN_ALARMS = `SELECT site, gateway, reported->'alarms' AS alarms FROM twins WHERE reported->'alarms' <> '{}'::jsonb`;

// Events the twin does not reflect yet: same boot, seq above the twin's alarmSeq.
const NEWER_EVENTS = `SELECT j.site, j.gateway, j.body FROM alarm_journal j
  JOIN twins t ON t.site = j.site AND t.gateway = j.gateway AND t.boot_id = j.boot_id AND j.seq > t.alarm_seq`;

/** The read side of the PostgreSQL store: what every instance's HTTP API serves. */
export class PgReads {
  protected readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async gateways(): Promise<GatewaySummary[]> {
    const [rows, alarms] = await Promise.all([
      this.pool.query<{
        site: string;
        gateway: string;
        online: boolean | null;
        status: GatewayStatus | null;
        last_seen: Date | null;
        resyncs: number;
        rejected: number;
        last_rejection: string | null;
        boot_id: string | null;
        version: number | null;
        ts: string | null;
        info: TwinReported['gateway'] | null;
      }>(GATEWAYS),
      this.activeAlarms(),
    ]);
    const counts = new Map<string, number>();
    for (const a of alarms) counts.set(`${a.site}/${a.gateway}`, (counts.get(`${a.site}/${a.gateway}`) ?? 0) + 1);
    return rows.rows.map((r) => ({
      site: r.site,
      gateway: r.gateway,
      online: r.online === true,
      bootId: r.boot_id ?? r.status?.bootId,
      version: r.version ?? 0,
      ts: r.ts ?? undefined,
      lastSeen: iso(r.last_seen),
      devicesOnline: r.info?.devicesOnline,
      devicesTotal: r.info?.devicesTotal,
      outboxBacklog: r.info?.outboxBacklog,
      activeAlarms: counts.get(`${r.site}/${r.gateway}`) ?? 0,
      resyncs: r.resyncs,
      rejectedMessages: r.rejected,
      lastRejection: r.last_rejection ?? undefined,
    }));
  }

  async twin(site: string, gateway: string): Promise<TwinView | undefined> {
    const r = await this.pool.query<{
      status: GatewayStatus | null;
      boot_id: string | null;
      version: number | null;
      ts: string | null;
      reported: TwinReported | null;
    }>(
      `SELECT g.status, t.boot_id, t.version, t.ts, t.reported FROM gateways g
       LEFT JOIN twins t ON t.site = g.site AND t.gateway = g.gateway WHERE g.site = $1 AND g.gateway = $2`,
      [site, gateway],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      bootId: row.boot_id ?? undefined,
      version: row.version ?? 0,
      ts: row.ts ?? undefined,
      status: row.status ?? undefined,
      reported: row.reported ?? undefined,
    };
  }

  async activeAlarms(): Promise<ActiveAlarm[]> {
    const [twins, newer] = await Promise.all([
      this.pool.query<{ site: string; gateway: string; alarms: Record<string, TwinAlarm> }>(TWIN_ALARMS),
      this.pool.query<{ site: string; gateway: string; body: AlarmEvent }>(NEWER_EVENTS),
    ]);
    const byGateway = new Map<string, { site: string; gateway: string; alarms: Record<string, TwinAlarm>; newer: AlarmEvent[] }>();
    const entry = (site: string, gateway: string) => {
      const k = `${site}/${gateway}`;
      const e = byGateway.get(k) ?? { site, gateway, alarms: {}, newer: [] };
      byGateway.set(k, e);
      return e;
    };
    for (const t of twins.rows) entry(t.site, t.gateway).alarms = t.alarms;
    for (const j of newer.rows) entry(j.site, j.gateway).newer.push(j.body);
    return [...byGateway.values()].flatMap((e) => activeAlarmsOf(e.site, e.gateway, e.alarms, e.newer)).sort(byPriorityThenAge);
  }

  async journal(q: JournalQuery): Promise<JournalRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      args.push(value);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.site !== undefined) add('site = ?', q.site);
    if (q.gateway !== undefined) add('gateway = ?', q.gateway);
    if (q.event !== undefined) add('event = ?', q.event);
    if (q.priority !== undefined) add('priority = ?', q.priority);
    if (q.text) add("(alarm_id || ' ' || (body->>'condition')) ILIKE ?", `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    args.push(q.limit ?? 500);
    const r = await this.pool.query<{ site: string; gateway: string; boot_id: string; seq: number; received_at: Date; body: AlarmEvent }>(
      `SELECT site, gateway, boot_id, seq, received_at, body FROM alarm_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${args.length}`,
      args,
    );
    return r.rows.map((row) => ({
      site: row.site,
      gateway: row.gateway,
      bootId: row.boot_id,
      seq: row.seq,
      receivedAt: row.received_at.toISOString(),
      event: row.body,
    }));
  }

  async requests(q: { site?: string; gateway?: string; limit?: number }): Promise<RequestRow[]> {
    const r = await this.pool.query<{
      client_token: string;
      site: string;
      gateway: string;
      name: string;
      body: Record<string, unknown>;
      operator: string;
      sent_at: Date;
      answered_at: Date | null;
      ok: boolean | null;
      answer: unknown;
    }>(
      `SELECT * FROM requests WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR gateway = $2) ORDER BY sent_at DESC LIMIT $3`,
      [q.site ?? null, q.gateway ?? null, q.limit ?? 100],
    );
    return r.rows.map((row) => ({
      clientToken: row.client_token,
      site: row.site,
      gateway: row.gateway,
      name: row.name,
      body: row.body,
      operator: row.operator,
      sentAt: row.sent_at.toISOString(),
      answeredAt: iso(row.answered_at),
      ok: row.ok ?? undefined,
      answer: row.answer ?? undefined,
    }));
  }

  async statusHistory(site: string, gateway: string, limit = 100): Promise<StatusRow[]> {
    const r = await this.pool.query<{ online: boolean; boot_id: string; ts: string; received_at: Date }>(
      'SELECT online, boot_id, ts, received_at FROM gateway_status WHERE site = $1 AND gateway = $2 ORDER BY id DESC LIMIT $3',
      [site, gateway, limit],
    );
    return r.rows.map((row) => ({ online: row.online, bootId: row.boot_id, ts: row.ts, receivedAt: row.received_at.toISOString() }));
  }
}
