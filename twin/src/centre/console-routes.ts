import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { ROUTE_SCHEMAS } from './centre-api-schemas.js';

/** The console's own files (twin/console), from src/centre or dist/centre alike. */
export const CONSOLE_DIR = new URL('../../console/', import.meta.url);
/** The gateway dashboard's files (dashboards/web), of which the console serves a few read-only. */
export const DASHBOARD_DIR = new URL('../../../dashboards/web/', import.meta.url);
/** The gateway dashboard's stylesheet, served read-only so both pages look alike. */
export const DASHBOARD_STYLE = new URL('style.css', DASHBOARD_DIR);

const JS = 'text/javascript; charset=utf-8';

const FILES = [
  ['console.js', JS, new URL('console.js', CONSOLE_DIR)],
  ['console-i18n.js', JS, new URL('console-i18n.js', CONSOLE_DIR)],
  ['console.css', 'text/css; charset=utf-8', new URL('console.css', CONSOLE_DIR)],
  ['style.css', 'text/css; charset=utf-8', DASHBOARD_STYLE],
  // The dashboard's languages (zh-CN, en), number format and alarm texts: one dictionary for both pages.
  ['i18n.js', JS, new URL('i18n.js', DASHBOARD_DIR)],
  ['render.js', JS, new URL('render.js', DASHBOARD_DIR)],
  ['alarm-text.js', JS, new URL('alarm-text.js', DASHBOARD_DIR)],
] as const;

// No inline code, nothing from elsewhere, no framing (the ack button).
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The centre alarm console at `/console/` (docs/centre.md): read once at start. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const index = await readFile(new URL('index.html', CONSOLE_DIR));
  const secure = { 'content-security-policy': CSP, 'x-frame-options': 'DENY', 'cache-control': 'no-cache' };
  const hide = { schema: { hide: true } };
  app.get('/', hide, async (_req, reply) => reply.redirect('/console/'));
  app.get('/console/', { schema: ROUTE_SCHEMAS.console }, async (_req, reply) =>
    reply.headers(secure).type('text/html; charset=utf-8').send(index),
  );
  // The page's own scripts and styles: part of the console, not API operations.
  for (const [name, type, url] of FILES) {
    const body = await readFile(url);
    app.get(`/console/${name}`, hide, async (_req, reply) => reply.headers(secure).type(type).send(body));
  }
}
