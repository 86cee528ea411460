import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

/** The dashboard's static files, shipped in dashboards/web and served with no CDN. */
export const DASHBOARD_DIR = new URL('../../../../dashboards/web/', import.meta.url);

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) files.set(name, await readFile(new URL(name, DASHBOARD_DIR)));
  const send = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply.type(ASSETS[name] ?? 'application/octet-stream').send(files.get(name));
  app.get('/', send('index.html'));
  app.get('/assets/app.js', send('app.js'));
  app.get('/assets/style.css', send('style.css'));
}
