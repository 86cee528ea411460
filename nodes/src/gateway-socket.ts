import WebSocket from 'ws';
import { type Origin, type Parsed, parseJson, webSocketMessages } from './gateway-messages.js';
import type { Clock, TimerHandle } from './lifeline-api.js';
import { type RedNode, STATUS } from './red-api.js';

/** Reconnect backoff for the dashboard WebSocket: doubles from 1 s up to 30 s, reset by a good connection. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** The gateway's `/ws` URL from its base URL (http → ws, https → wss). */
export function webSocketUrl(base: URL): string {
  const url = new URL(base.toString());
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (!url.pathname.endsWith('/ws')) url.pathname = `${url.pathname.replace(/\/$/, '')}/ws`;
  return url.toString();
}

/**
 * Follows a gateway's `/ws` feed (docs/http-api.md): a snapshot, then live
 * readings and alarms. Reconnects with backoff; `close()` ends the socket and
 * the retry timer this owns.
 */
export function openGatewaySocket(
  node: RedNode,
  base: URL,
  clock: Clock,
  emit: (parsed: Parsed, where: string) => void,
): { close(): void } {
  const url = webSocketUrl(base);
  let origin: Origin = { site: undefined, gateway: undefined };
  let socket: WebSocket | undefined;
  let retry: TimerHandle | undefined;
  let delay = FIRST_RETRY_MS;
  let closed = false;

  const connectNow = () => {
    retry = undefined;
    node.status(STATUS.connecting(`connecting ${base.host}`));
    const ws = new WebSocket(url);
    socket = ws;
    ws.on('open', () => {
      delay = FIRST_RETRY_MS;
      node.status(STATUS.connected(`connected ${base.host}`));
    });
    ws.on('message', (data) => {
      const json = parseJson(data.toString());
      if (!json.ok) return emit({ alarms: [], readings: [], rejected: [json.reason] }, url);
      const parsed = webSocketMessages(json.value, origin);
      origin = parsed.origin;
      emit(parsed, url);
    });
    ws.on('error', (e) => node.status(STATUS.disconnected(e.message)));
    ws.on('close', () => {
      if (closed) return;
      node.status(STATUS.disconnected(`disconnected ${base.host}, retry in ${delay / 1000} s`));
      retry = clock.setTimeout(connectNow, delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    });
  };
  connectNow();

  return {
    close() {
      closed = true;
      if (retry !== undefined) clock.clearTimeout(retry);
      socket?.terminate();
    },
  };
}
