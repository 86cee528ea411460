import { nodeError } from './errors.js';
import type { LifelineApi } from './lifeline-api.js';

/** What one sim-node action asks of the simulator's control API (DESIGN.md §4, docs/http-api.md). */
export type SimRequest =
  | { readonly action: 'list' }
  | { readonly action: 'get'; readonly device: string; readonly point: string }
  | { readonly action: 'set'; readonly device: string; readonly point: string; readonly value: number | boolean }
  | { readonly action: 'start-scenario' | 'stop-scenario'; readonly scenario: string };

export const SIM_ACTIONS = ['set', 'get', 'list', 'start-scenario', 'stop-scenario'] as const;
export type SimAction = (typeof SIM_ACTIONS)[number];

/** An HTTP request is bounded: a stuck simulator fails the message instead of holding it. */
export const SIM_REQUEST_TIMEOUT_MS = 10_000;

export function routeOf(request: SimRequest): { method: 'GET' | 'PUT' | 'POST'; path: string; body?: string } {
  const seg = encodeURIComponent;
  switch (request.action) {
    case 'list':
      return { method: 'GET', path: '/devices' };
    case 'get':
      return { method: 'GET', path: `/devices/${seg(request.device)}/points/${seg(request.point)}` };
    case 'set':
      return {
        method: 'PUT',
        path: `/devices/${seg(request.device)}/points/${seg(request.point)}`,
        body: JSON.stringify({ value: request.value }),
      };
    case 'start-scenario':
      return { method: 'POST', path: `/scenarios/${seg(request.scenario)}/start` };
    case 'stop-scenario':
      return { method: 'POST', path: `/scenarios/${seg(request.scenario)}/stop` };
  }
}

/** Calls the control API; answers with the JSON body (or null), or throws a coded error naming the route and the simulator's own code. */
export async function callSimulator(api: LifelineApi, base: URL, request: SimRequest): Promise<{ statusCode: number; body: unknown }> {
  const { method, path, body } = routeOf(request);
  const url = new URL(path.slice(1), base.toString().endsWith('/') ? base : `${base.toString()}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(SIM_REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw nodeError(api, 'LL_ERR_NODE_SIM_UNREACHABLE', method, url.toString(), cause);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const err = parsed as { code?: unknown; message?: unknown } | null;
    const why = typeof err?.code === 'string' ? `${err.code} ${String(err.message ?? '')}`.trim() : text.slice(0, 200);
    throw nodeError(api, 'LL_ERR_NODE_SIM_HTTP', method, path, res.status, why);
  }
  return { statusCode: res.status, body: parsed };
}
