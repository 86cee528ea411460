import type { TwinGrantRule } from '@lifeline/core';
import {
  AckCommandSchema,
  type CommandName,
  type CommandResult,
  parsePayload,
  ResyncCommandSchema,
  ShelveCommandSchema,
  type TwinReported,
} from '@lifeline/twin';
import type { AlarmCommandResult, AlarmControl, Operator } from '../alarms/alarm-control.js';
import { gatewayError } from '../errors.js';
import { leadingToken, tokenOf } from './desired-decision.js';
import type { RequestGuard } from './request-guard.js';
import { isAuthorised, type Principal } from './twin-authorisation.js';

/** What a command asks of its owner: an alarm command's answer, or a full twin (resync). */
export type CommandOutcome =
  | { readonly kind: 'answer'; readonly result: Omit<CommandResult, 'bootId' | 'ts'> }
  | { readonly kind: 'resync'; readonly clientToken: string; readonly reason: string | undefined };

export interface CommandContext {
  readonly reported: TwinReported;
  readonly rules: readonly TwinGrantRule[];
  readonly alarms: AlarmControl | undefined;
  /** The connection the command came on; its user is the command's `by.user`. */
  readonly origin: Principal['origin'];
  /** Freshness window and seen clientTokens. */
  readonly guard: RequestGuard;
}

/** A command names one alarm, a user, a token and a duration: a few hundred bytes. Larger is refused unparsed (issue 18). */
export const MAX_COMMAND_BYTES = 4096;

/** `cmd/ack`, `cmd/shelve`, `cmd/resync`: validate, authorise, then act through AlarmControl. */
export function runCommand(name: CommandName, payload: Buffer, ctx: CommandContext): CommandOutcome {
  if (payload.length > MAX_COMMAND_BYTES) {
    const reason = gatewayError(
      'LL_ERR_TWIN_COMMAND_INVALID',
      name,
      `${payload.length} bytes, over the limit of ${MAX_COMMAND_BYTES}`,
    ).message;
    return {
      kind: 'answer',
      result: { clientToken: leadingToken(payload), command: name, ok: false, code: 'LL_ERR_TWIN_COMMAND_INVALID', reason },
    };
  }
  const refuse = (code: Parameters<typeof gatewayError>[0], ...args: unknown[]): CommandOutcome => ({
    kind: 'answer',
    result: { clientToken: tokenOf(payload), command: name, ok: false, code, reason: gatewayError(code, ...args).message },
  });
  if (name === 'resync') {
    const parsed = parsePayload(ResyncCommandSchema, payload, 'LL_ERR_TWIN_COMMAND_INVALID');
    if (!parsed.ok) return refuse('LL_ERR_TWIN_COMMAND_INVALID', name, describe(parsed.reasons));
    return { kind: 'resync', clientToken: parsed.value.clientToken ?? '', reason: parsed.value.reason };
  }
  const parsed =
    name === 'ack'
      ? parsePayload(AckCommandSchema, payload, 'LL_ERR_TWIN_COMMAND_INVALID')
      : parsePayload(ShelveCommandSchema, payload, 'LL_ERR_TWIN_COMMAND_INVALID');
  if (!parsed.ok) return refuse('LL_ERR_TWIN_COMMAND_INVALID', name, describe(parsed.reasons));
  const cmd: { clientToken: string; issuedAt: string; alarmId: string; by: Operator; durationMs?: number } = parsed.value;
  const device = cmd.alarmId.split('/')[0] as string;
  const principal: Principal = { origin: ctx.origin, user: cmd.by.user };
  if (!isAuthorised(ctx.rules, principal, name, device)) return refuse('LL_ERR_TWIN_UNAUTHORISED', cmd.by.user, name, device);
  const stale = ctx.guard.admit(`cmd/${name}`, cmd.issuedAt, cmd.clientToken);
  if (stale) return refuse(stale.code, ...stale.args);
  if (!ctx.alarms) return refuse('LL_ERR_TWIN_NO_ALARM_CONTROL');
  const outcome: AlarmCommandResult =
    cmd.durationMs !== undefined ? ctx.alarms.shelve(cmd.alarmId, cmd.durationMs, cmd.by) : ctx.alarms.ack(cmd.alarmId, cmd.by);
  const base = { clientToken: cmd.clientToken, command: name, alarmId: cmd.alarmId };
  return {
    kind: 'answer',
    result: outcome.ok ? { ...base, ok: true, state: outcome.state } : { ...base, ok: false, code: outcome.code, reason: outcome.reason },
  };
}

function describe(reasons: readonly { path: string; message: string }[]): string {
  return reasons.map((r) => `${r.path || '/'}: ${r.message}`).join('; ');
}
