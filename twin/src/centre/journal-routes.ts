import type { FastifyInstance } from 'fastify';
import { ROUTE_SCHEMAS } from './centre-api-schemas.js';
import { CentreError } from './centre-errors.js';
import type { CentreStore, JournalQuery } from './store/centre-store.js';
import { journalCsv } from './store/journal-query.js';

type JournalParams = { site?: string; gateway?: string; q?: string; event?: string; priority?: string; limit?: string; format?: string };

/** The alarm journal (search, CSV export) and the audit of requests. */
export async function journalRoutes(app: FastifyInstance, store: CentreStore): Promise<void> {
  app.get<{ Querystring: JournalParams }>('/api/journal', { schema: ROUTE_SCHEMAS.journal }, async (req, reply) => {
    const rows = await store.journal(queryOf(req.query));
    if (req.query.format !== 'csv') return rows;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="alarm-journal.csv"')
      .send(journalCsv(rows));
  });
  app.get<{ Querystring: { site?: string; gateway?: string; limit?: string } }>(
    '/api/requests',
    { schema: ROUTE_SCHEMAS.requests },
    async (req) =>
      store.requests({
        ...(req.query.site ? { site: req.query.site } : {}),
        ...(req.query.gateway ? { gateway: req.query.gateway } : {}),
        limit: limitOf(req.query.limit, 100),
      }),
  );
}

function queryOf(q: JournalParams): JournalQuery {
  const priority = q.priority ? Number(q.priority) : undefined;
  if (priority !== undefined && ![1, 2, 3, 4].includes(priority))
    throw new CentreError('LL_ERR_CENTRE_BAD_REQUEST', 'priority is 1, 2, 3 or 4');
  return {
    ...(q.site ? { site: q.site } : {}),
    ...(q.gateway ? { gateway: q.gateway } : {}),
    ...(q.q ? { text: q.q } : {}),
    ...(q.event ? { event: q.event } : {}),
    ...(priority !== undefined ? { priority } : {}),
    limit: limitOf(q.limit, 500),
  };
}

function limitOf(text: string | undefined, fallback: number): number {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new CentreError('LL_ERR_CENTRE_BAD_REQUEST', 'limit is an integer from 1 to 10000');
  return n;
}
