import type { AuditSink } from '../audit/audit-log.js';

export interface AuditedRequest {
  readonly origin: 'centre' | 'local';
  readonly action: string;
  readonly payload: Buffer;
  /** Why it was refused; undefined when accepted. */
  readonly code: string | undefined;
  readonly now: number;
}

/** One audit entry per twin request, from what the request says and what the twin decided (docs/security.md). */
export function auditRequest(audit: AuditSink, r: AuditedRequest): void {
  const said = readRequest(r.payload);
  audit.record({
    ts: new Date(r.now).toISOString(),
    origin: r.origin,
    principal: said.user ?? '',
    action: r.action,
    ...(said.target !== undefined ? { target: said.target } : {}),
    outcome: r.code === undefined ? 'accepted' : 'refused',
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(said.clientToken !== undefined ? { clientToken: said.clientToken } : {}),
  });
}

/** Who and what a request names, read leniently: a malformed one is audited too. */
function readRequest(payload: Buffer): { user?: string; target?: string; clientToken?: string } {
  try {
    const d = JSON.parse(payload.toString()) as { by?: { user?: unknown }; alarmId?: unknown; clientToken?: unknown } | null;
    const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
    const out: { user?: string; target?: string; clientToken?: string } = {};
    const user = str(d?.by?.user);
    const target = str(d?.alarmId);
    const clientToken = str(d?.clientToken);
    if (user !== undefined) out.user = user;
    if (target !== undefined) out.target = target;
    if (clientToken !== undefined) out.clientToken = clientToken;
    return out;
  } catch {
    return {};
  }
}
