import type { LimitCondition, TwinGrant, TwinGrantRule } from '@lifeline/core';
import { parsePayload, type Reason, type TwinDesired, TwinDesiredSchema, type TwinReported } from '@lifeline/twin';
import type { LimitChange } from '../alarms/alarm-control.js';
import { type GatewayErrorCode, gatewayError } from '../errors.js';
import type { RequestGuard } from './request-guard.js';
import { isAuthorised, type Principal } from './twin-authorisation.js';

/** A desired change that passed every check, ready to apply; or every reason it did not. */
export type DesiredDecision =
  | {
      readonly ok: true;
      readonly clientToken: string;
      readonly desired: TwinDesired;
      readonly limitChanges: readonly LimitChange[];
    }
  | { readonly ok: false; readonly clientToken: string; readonly reasons: readonly Reason[] };

export interface DesiredContext {
  readonly reported: TwinReported;
  readonly rules: readonly TwinGrantRule[];
  /** False when the engine offers no AlarmControl: nothing can be applied. */
  readonly canApply: boolean;
  /** twin.maxDesiredBytes and twin.maxDesiredItems: bounded work per message (issue 18). */
  readonly maxBytes: number;
  readonly maxItems: number;
  /** The connection the change came on; its user is the change's `by.user`. */
  readonly origin: Principal['origin'];
  /** Freshness window and seen clientTokens. */
  readonly guard: RequestGuard;
}

/** An answer lists at most this many reasons; the last one says how many more there were. */
export const MAX_REASONS = 50;

/**
 * Decides a `twin/desired` message whole: schema, then authorisation of every
 * member, the limits version guard, and that every target exists. It applies
 * nothing; every reason is collected so the centre can fix all at once.
 */
export function decideDesired(payload: Buffer | string, ctx: DesiredContext): DesiredDecision {
  const refuse = (clientToken: string, ...args: unknown[]): DesiredDecision => ({
    ok: false,
    clientToken,
    reasons: [{ code: 'LL_ERR_TWIN_DESIRED_INVALID', path: '', message: gatewayError('LL_ERR_TWIN_DESIRED_INVALID', ...args).message }],
  });
  // Before parsing: a 2.5 MB message once held the event loop for 2 s (issue 18).
  const bytes = Buffer.byteLength(payload);
  if (bytes > ctx.maxBytes)
    return refuse(leadingToken(payload), `${bytes} bytes, over the limit of ${ctx.maxBytes} (twin.maxDesiredBytes)`);
  const parsed = parsePayload(TwinDesiredSchema, payload, 'LL_ERR_TWIN_DESIRED_INVALID');
  if (!parsed.ok) return { ok: false, clientToken: tokenOf(payload), reasons: capped(parsed.reasons) };
  const desired = parsed.value;
  const items = Object.keys(desired.limits ?? {}).length + (desired.acks ?? []).length + Object.keys(desired.shelve ?? {}).length;
  if (items > ctx.maxItems) {
    return refuse(
      desired.clientToken,
      `${items} limits, acks and shelve entries, over the limit of ${ctx.maxItems} (twin.maxDesiredItems)`,
    );
  }
  const reasons: Reason[] = [];
  const reason = (code: GatewayErrorCode, path: string, ...args: unknown[]) =>
    reasons.push({ code, path, message: gatewayError(code, ...args).message });
  if (!desired.limits && !desired.acks && !desired.shelve) {
    reason('LL_ERR_TWIN_DESIRED_INVALID', '', 'nothing to do: give limits, acks or shelve');
  }
  if (!ctx.canApply) reason('LL_ERR_TWIN_NO_ALARM_CONTROL', '');
  const user = desired.by.user;
  const principal: Principal = { origin: ctx.origin, user };
  const check = (grant: TwinGrant, alarmId: string, path: string) => {
    const device = alarmId.split('/')[0] as string;
    if (!isAuthorised(ctx.rules, principal, grant, device)) reason('LL_ERR_TWIN_UNAUTHORISED', path, user, grant, device);
  };

  const limitChanges: LimitChange[] = [];
  if (desired.limits) {
    if (desired.ifLimitsVersion === undefined) {
      reason('LL_ERR_TWIN_DESIRED_INVALID', '/ifLimitsVersion', 'ifLimitsVersion is required with limits (the reported limitsVersion)');
    } else if (desired.ifLimitsVersion !== ctx.reported.limitsVersion) {
      reason('LL_ERR_TWIN_STALE_VERSION', '/ifLimitsVersion', desired.ifLimitsVersion, ctx.reported.limitsVersion);
    }
    for (const [alarmId, change] of Object.entries(desired.limits)) {
      const path = `/limits/${pointer(alarmId)}`;
      check('limits', alarmId, path);
      if (!(alarmId in ctx.reported.limits)) reason('LL_ERR_TWIN_UNKNOWN_TARGET', path, 'limit', alarmId);
      const [device, point, condition] = alarmId.split('/') as [string, string, LimitCondition];
      limitChanges.push({ device, point, condition, ...change });
    }
  }
  for (const [i, alarmId] of (desired.acks ?? []).entries()) {
    check('ack', alarmId, `/acks/${i}`);
    if (!(alarmId in ctx.reported.alarms)) reason('LL_ERR_TWIN_UNKNOWN_TARGET', `/acks/${i}`, 'active alarm', alarmId);
  }
  for (const alarmId of Object.keys(desired.shelve ?? {})) {
    const path = `/shelve/${pointer(alarmId)}`;
    check('shelve', alarmId, path);
    if (!(alarmId in ctx.reported.alarms)) reason('LL_ERR_TWIN_UNKNOWN_TARGET', path, 'active alarm', alarmId);
  }
  // Last, so a refused change does not use up its token: it may be fixed and sent again.
  if (reasons.length === 0) {
    const stale = ctx.guard.admit('twin/desired', desired.issuedAt, desired.clientToken);
    if (stale) reason(stale.code, stale.code === 'LL_ERR_TWIN_REPLAYED' ? '/clientToken' : '/issuedAt', ...stale.args);
  }
  if (reasons.length > 0) return { ok: false, clientToken: desired.clientToken, reasons: capped(reasons) };
  return { ok: true, clientToken: desired.clientToken, desired, limitChanges };
}

/** The clientToken of a request that failed validation, if one can be read, so the answer still matches. */
export function tokenOf(payload: Buffer | string): string {
  try {
    const data = JSON.parse(payload.toString()) as { clientToken?: unknown };
    return typeof data.clientToken === 'string' ? data.clientToken.slice(0, 128) : '';
  } catch {
    return '';
  }
}

/** At most MAX_REASONS reasons: the first ones, then one that counts the rest. */
function capped(reasons: readonly Reason[]): readonly Reason[] {
  if (reasons.length <= MAX_REASONS) return reasons;
  const more = reasons.length - (MAX_REASONS - 1);
  const message = gatewayError('LL_ERR_TWIN_DESIRED_INVALID', `${more} more reasons not listed`).message;
  return [...reasons.slice(0, MAX_REASONS - 1), { code: 'LL_ERR_TWIN_DESIRED_INVALID', path: '', message }];
}

/** The clientToken of an oversize request, from its first bytes only (it is not parsed), so the answer still matches. */
export function leadingToken(payload: Buffer | string): string {
  const head = (typeof payload === 'string' ? payload.slice(0, 1024) : payload.subarray(0, 1024).toString()) as string;
  return /"clientToken"\s*:\s*"([^"\\]{0,128})"/.exec(head)?.[1] ?? '';
}

/** RFC 6901 JSON pointer escaping of one reference token. */
export function pointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
