import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_CSP } from '../browser-safety.js';

/** The dashboard's static files, shipped in dashboards/web and served with no CDN. */
export const DASHBOARD_DIR = new URL('../../../../dashboards/web/', import.meta.url);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Every file the page loads; read once at start so a request never touches the disk. */
export const DASHBOARD_ASSETS = [
  'app.js',
  'api.js',
  'chart.js',
  'render.js',
  'i18n.js',
  'alarm-text.js',
  'annunciator.js',
  'alarm-list.js',
  'journal.js',
  'device-page.js',
  'trends.js',
  'router.js',
  'analytics.js',
  'style.css',
  'favicon.svg',
] as const;

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const typeOf = (name: string) => TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
  const index = await readFile(new URL('index.html', DASHBOARD_DIR));
  // The page and its assets: no inline code runs, and no other site may frame it (the ack button).
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', DASHBOARD_CSP);
    reply.header('x-frame-options', 'DENY');
    return payload;
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type(TYPES.html as string).send(index));
  for (const name of DASHBOARD_ASSETS) {
    const body = await readFile(new URL(name, DASHBOARD_DIR));
    app.get(`/assets/${name}`, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(typeOf(name)).header('cache-control', 'no-cache').send(body),
    );
  }
}
