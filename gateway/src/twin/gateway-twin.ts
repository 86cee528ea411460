import { type Clock, IsoMemo, type SiteConfig, type TimerHandle } from '@lifeline/core';
import {
  type CommandName,
  type CommandResult,
  GatewayStatusSchema,
  type GatewayTopics,
  gatewayTopics,
  type OutboxBacklog,
  parsePayload,
  type Reason,
  ReportedTwin,
  type TwinDesiredResult,
} from '@lifeline/twin';
import type { Logger } from 'pino';
import type { DeviceHealth } from '../acquisition/device-health.js';
import type { AlarmControl } from '../alarms/alarm-control.js';
import type { AuditSink } from '../audit/audit-log.js';
import { gatewayError } from '../errors.js';
import type { GatewayEventSource } from '../events/gateway-events.js';
import { runCommand } from './command-decision.js';
import { decideDesired, pointer } from './desired-decision.js';
import {
  applyAlarm,
  applyAnalytics,
  applyComm,
  applyHealth,
  applyReadings,
  configuredLimits,
  initialReported,
  setLimits,
} from './reported-builder.js';
import { RequestGuard } from './request-guard.js';
import { auditRequest } from './twin-audit.js';
import { linkTwinChanges, type TwinChanges } from './twin-changes.js';
import { type InboundMeta, originOf, type TwinLink } from './twin-link.js';

export interface GatewayTwinOptions {
  readonly config: SiteConfig;
  readonly bootId: string;
  readonly softwareVersion: string;
  /** The gateway's event bus: readings, comm changes and alarm events. */
  readonly events: GatewayEventSource;
  /** The alarm engine's control; without it desired changes and alarm commands are refused. */
  readonly alarms: AlarmControl | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly startedAt?: number;
  /** Acquisition counters per device, copied into the twin every `twin.healthIntervalMs`. */
  readonly deviceHealth?: () => readonly DeviceHealth[];
  /** Each sink's unconfirmed records per lane, copied with the device health (`gateway.outboxBacklog`). */
  readonly outboxBacklog?: () => Record<string, OutboxBacklog>;
  /**
   * Where full twins and patches go: the gateway passes its outbox's twin lane
   * (outboxTwinChanges); without it they are published on the links directly.
   */
  readonly changes?: TwinChanges;
  /** The audit trail: every command and desired change, accepted or refused, with who and where from. */
  readonly audit?: AuditSink;
}

const COMMANDS: readonly CommandName[] = ['ack', 'shelve', 'resync'];

/**
 * The gateway side of the twin protocol (docs/twin.md): keeps the reported
 * twin from the event bus (readings, comm, alarm events) and the limits in force;
 * sends the full twin (retained `twin`) at start when its changes are durable,
 * whenever a link's birth `status` comes back from its broker (that is, on
 * every connect) and on `cmd/resync`; `twin/patch` on change, coalesced over
 * `twin.coalesceMs` and split into patches of at most `twin.maxPatchBytes`
 * (a single member larger than that goes out as a full twin). Changes go to
 * `changes` (the outbox's twin lane in the gateway); answers to
 * `twin/desired` and `cmd/*` go back on the link that asked.
 */
export class GatewayTwin {
  readonly twin: ReportedTwin;
  readonly #o: GatewayTwinOptions;
  readonly #topics: GatewayTopics;
  readonly #log: Logger;
  readonly #links: TwinLink[] = [];
  readonly #changes: TwinChanges;
  readonly #guard: RequestGuard;
  readonly #unsubscribe: (() => void)[] = [];
  /** The readings of one poll share a sample time: its ISO form is made once. */
  readonly #iso = new IsoMemo();
  readonly #resyncs = new Map<TwinLink, { last: number; timer: TimerHandle | undefined; tokens: string[] }>();
  #flushTimer: TimerHandle | undefined;
  #refreshTimer: TimerHandle | undefined;
  #healthTimer: TimerHandle | undefined;
  #snapshotVersion = 0;
  #snapshotBytes = 0;
  #patchBytesSinceSnapshot = 0;
  #running = false;

  constructor(options: GatewayTwinOptions) {
    this.#o = options;
    this.#log = options.log.child({ part: 'twin' });
    this.#topics = gatewayTopics(options.config.site, options.config.gateway);
    this.#changes = options.changes ?? linkTwinChanges(this.#links, this.#topics);
    this.#guard = new RequestGuard(options.config.twin.commandMaxAgeMs, () => options.clock.now());
    const limits = options.alarms?.limits() ?? configuredLimits(options.config);
    const identity = { site: options.config.site, gateway: options.config.gateway, bootId: options.bootId };
    this.twin = new ReportedTwin(
      identity,
      initialReported(options.config, limits, options.softwareVersion, options.startedAt ?? options.clock.now()),
    );
  }

  /** Starts observing the gateway and serving the twin topics on every link. Idempotent. */
  start(links: readonly TwinLink[]): void {
    if (this.#running) return;
    this.#running = true;
    const events = this.#o.events;
    this.#unsubscribe.push(
      events.on('readings', (readings) => {
        applyReadings(this.twin, readings, this.#iso);
        this.#schedule();
      }),
      events.on('comm', (c) => this.#observe(() => applyComm(this.twin, c.device, c.state, c.reason))),
      events.on('alarm', (e) => this.#observe(() => applyAlarm(this.twin, e))),
      events.on('analytics', (a) => this.#observe(() => applyAnalytics(this.twin, a))),
    );
    for (const link of links) this.#attach(link);
    // A durable stream of this boot starts with its full twin: whatever a sink reads after it chains from it,
    // and it supersedes what an earlier boot left unsent (docs/twin.md "Delivery through the outbox").
    if (this.#changes.durable) this.#publishSnapshot();
    this.#scheduleHealth();
  }

  stop(): void {
    this.#running = false;
    for (const off of this.#unsubscribe.splice(0)) off();
    if (this.#flushTimer !== undefined) this.#o.clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#refreshTimer !== undefined) this.#o.clock.clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    if (this.#healthTimer !== undefined) this.#o.clock.clearTimeout(this.#healthTimer);
    this.#healthTimer = undefined;
    for (const r of this.#resyncs.values()) if (r.timer !== undefined) this.#o.clock.clearTimeout(r.timer);
    this.#resyncs.clear();
    this.#links.length = 0;
  }

  /**
   * Re-reads the limits in force from AlarmControl into the twin. Desired
   * changes do this themselves; call it when limits change another way
   * (e.g. the gateway's own HTTP admin API).
   */
  refreshLimits(): void {
    if (!this.#o.alarms) return;
    setLimits(this.twin, this.#o.alarms.limits());
    this.#schedule();
  }

  /**
   * Publishes pending changes now: as consecutive patches of at most
   * `twin.maxPatchBytes` each, or as the full twin when one change alone is
   * larger (a member a patch cannot split).
   */
  flush(): void {
    if (this.#flushTimer !== undefined) this.#o.clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const { maxPatchBytes } = this.#o.config.twin;
    const patches = this.twin.takePatches(this.#o.clock.now(), maxPatchBytes);
    if (patches.length === 0) return;
    for (const patch of patches) {
      const payload = JSON.stringify(patch);
      const bytes = Buffer.byteLength(payload);
      if (bytes > maxPatchBytes) {
        // The full twin carries this patch and those after it: they are not sent.
        this.#log.debug({ bytes, version: patch.version }, 'a change over maxPatchBytes: sending the full twin');
        this.#publishSnapshot();
        return;
      }
      this.#changes.patch(payload);
      this.#patchBytesSinceSnapshot += bytes;
    }
    // Keep the retained twin fresh for mirrors that start later: once the patches since it
    // outweigh it, republish it (amortised: at most doubles the bytes sent).
    if (this.#patchBytesSinceSnapshot >= this.#snapshotBytes) this.#publishSnapshot();
    else this.#scheduleRefresh();
  }

  /**
   * A lost last patch leaves a mirror one version behind with nothing to show
   * a gap, and a mirror that starts later sees an old retained twin: once
   * changes pause for snapshotQuietMs, republish the retained twin if it is behind.
   * While changes flow, each patch shows any gap by itself.
   */
  #scheduleRefresh(): void {
    const quietMs = this.#o.config.twin.snapshotQuietMs;
    if (quietMs === 0 || !this.#running) return;
    if (this.#refreshTimer !== undefined) this.#o.clock.clearTimeout(this.#refreshTimer);
    this.#refreshTimer = this.#o.clock.setTimeout(() => {
      this.#refreshTimer = undefined;
      this.flush();
      if (this.twin.version !== this.#snapshotVersion) this.#publishSnapshot();
    }, quietMs);
  }

  #attach(link: TwinLink): void {
    this.#links.push(link);
    link.subscribe(this.#topics.status, (_t, payload) => {
      const status = parsePayload(GatewayStatusSchema, payload, 'status');
      // Our own birth came back from the broker: this link is (re)connected, so send the full twin (it also
      // restores the retained twin on a broker that lost it).
      if (status.ok && status.value.online && status.value.bootId === this.#o.bootId) this.#snapshot();
    });
    link.subscribe(this.#topics.twinDesired, (topic, payload, meta) => {
      if (!this.#retained(link, topic, meta)) this.#desired(link, payload);
    });
    for (const name of COMMANDS) {
      link.subscribe(this.#topics.command(name), (topic, payload, meta) => {
        if (!this.#retained(link, topic, meta)) this.#command(link, name, payload);
      });
    }
  }

  /**
   * A retained command or desired change was stored at some time and is
   * delivered again on every (re)subscribe: obeying it would repeat an old
   * ack or shelve at every restart. It is ignored, with the reason logged.
   */
  #retained(link: TwinLink, topic: string, meta: InboundMeta | undefined): boolean {
    if (!meta?.retain) return false;
    this.#log.warn({ link: link.name, topic }, 'retained command ignored: commands and desired changes must not be retained');
    return true;
  }

  #observe(apply: () => void): void {
    apply();
    this.#schedule();
  }

  #scheduleHealth(): void {
    const every = this.#o.config.twin.healthIntervalMs;
    const { deviceHealth, outboxBacklog } = this.#o;
    if ((!deviceHealth && !outboxBacklog) || every === 0) return;
    // On this timer only, not on every delivery: each report is itself a twin patch through the outbox.
    this.#healthTimer = this.#o.clock.setTimeout(() => {
      if (deviceHealth) applyHealth(this.twin, deviceHealth());
      if (outboxBacklog) this.twin.set(['gateway', 'outboxBacklog'], outboxBacklog());
      this.#schedule();
      this.#scheduleHealth();
    }, every);
  }

  #schedule(): void {
    if (!this.#running || this.#flushTimer !== undefined || !this.twin.dirty) return;
    this.#flushTimer = this.#o.clock.setTimeout(() => {
      this.#flushTimer = undefined;
      this.flush();
    }, this.#o.config.twin.coalesceMs);
  }

  /** A full twin; pending changes go out as a patch first, so no one skips a version. */
  #snapshot(): void {
    if (!this.#running) return;
    this.flush();
    this.#publishSnapshot();
  }

  #publishSnapshot(): void {
    const payload = JSON.stringify(this.twin.snapshot(this.#o.clock.now()));
    this.#changes.full(payload);
    this.#snapshotBytes = Buffer.byteLength(payload);
    this.#patchBytesSinceSnapshot = 0;
    this.#snapshotVersion = this.twin.version;
  }

  #desired(link: TwinLink, payload: Buffer): void {
    const alarms = this.#o.alarms;
    const { authorise, maxDesiredBytes, maxDesiredItems } = this.#o.config.twin;
    const decision = decideDesired(payload, {
      reported: this.twin.reported,
      rules: authorise,
      canApply: !!alarms,
      maxBytes: maxDesiredBytes,
      maxItems: maxDesiredItems,
      origin: originOf(link),
      guard: this.#guard,
    });
    if (!decision.ok || !alarms) {
      const reasons = decision.ok ? [] : decision.reasons;
      this.#log.warn({ clientToken: decision.clientToken, reasons }, 'twin/desired rejected');
      this.#audit(link, 'desired', payload, reasons[0]?.code);
      this.#answerDesired(link, decision.clientToken, reasons, false);
      return;
    }
    const { desired, limitChanges } = decision;
    if (limitChanges.length > 0) {
      const applied = alarms.applyLimits(limitChanges);
      if (!applied.ok) {
        const reasons = applied.reasons.map(
          (r): Reason => ({
            code: 'LL_ERR_TWIN_LIMIT_REFUSED',
            path: '/limits',
            message: gatewayError('LL_ERR_TWIN_LIMIT_REFUSED', r).message,
          }),
        );
        this.#audit(link, 'desired', payload, 'LL_ERR_TWIN_LIMIT_REFUSED');
        this.#answerDesired(link, decision.clientToken, reasons, false);
        return;
      }
      setLimits(this.twin, alarms.limits());
    }
    // Acks and shelving merge: each is idempotent, and one that lost a race (the alarm
    // moved on between check and apply) is reported without undoing the rest.
    const late: Reason[] = [];
    for (const [i, alarmId] of (desired.acks ?? []).entries()) {
      const r = alarms.ack(alarmId, desired.by);
      if (!r.ok) late.push({ code: r.code, path: `/acks/${i}`, message: r.reason });
    }
    for (const [alarmId, { durationMs }] of Object.entries(desired.shelve ?? {})) {
      const r = alarms.shelve(alarmId, durationMs, desired.by);
      if (!r.ok) late.push({ code: r.code, path: `/shelve/${pointer(alarmId)}`, message: r.reason });
    }
    this.#log.info(
      { clientToken: decision.clientToken, by: desired.by.user, origin: originOf(link), limits: limitChanges.length },
      'twin/desired applied',
    );
    this.#audit(link, 'desired', payload, undefined);
    this.flush();
    this.#answerDesired(link, decision.clientToken, late, true);
  }

  #answerDesired(link: TwinLink, clientToken: string, reasons: readonly Reason[], accepted: boolean): void {
    const result: TwinDesiredResult = {
      clientToken,
      status: accepted ? 'accepted' : 'rejected',
      reasons: [...reasons],
      limitsVersion: this.twin.reported.limitsVersion,
      version: this.twin.version,
      bootId: this.#o.bootId,
      ts: new Date(this.#o.clock.now()).toISOString(),
    };
    link.publish(this.#topics.twinDesiredResult, JSON.stringify(result));
  }

  #command(link: TwinLink, name: CommandName, payload: Buffer): void {
    const outcome = runCommand(name, payload, {
      reported: this.twin.reported,
      rules: this.#o.config.twin.authorise,
      alarms: this.#o.alarms,
      origin: originOf(link),
      guard: this.#guard,
    });
    this.#audit(link, name, payload, outcome.kind === 'answer' && !outcome.result.ok ? (outcome.result.code ?? 'refused') : undefined);
    if (outcome.kind === 'resync') {
      this.#log.info({ reason: outcome.reason, link: link.name }, 'resync asked');
      this.#resync(link, outcome.clientToken);
      return;
    }
    if (!outcome.result.ok) this.#log.warn({ command: name, code: outcome.result.code, reason: outcome.result.reason }, 'command refused');
    this.flush();
    this.#answerCommand(link, { ...outcome.result });
  }

  #audit(link: TwinLink, action: string, payload: Buffer, code: string | undefined): void {
    if (this.#o.audit) auditRequest(this.#o.audit, { origin: originOf(link), action, payload, code, now: this.#o.clock.now() });
  }

  #answerCommand(link: TwinLink, result: Omit<CommandResult, 'bootId' | 'ts'>): void {
    const full: CommandResult = { ...result, bootId: this.#o.bootId, ts: new Date(this.#o.clock.now()).toISOString() };
    link.publish(this.#topics.commandResult(result.command), JSON.stringify(full));
  }

  /** At most one full twin per link per resyncMinIntervalMs: many mirrors asking at once share one. */
  #resync(link: TwinLink, clientToken: string): void {
    const clock = this.#o.clock;
    const state = this.#resyncs.get(link) ?? { last: Number.NEGATIVE_INFINITY, timer: undefined, tokens: [] };
    this.#resyncs.set(link, state);
    state.tokens.push(clientToken);
    const wait = state.last + this.#o.config.twin.resyncMinIntervalMs - clock.now();
    if (wait <= 0) this.#resyncNow(link, state);
    else state.timer ??= clock.setTimeout(() => this.#resyncNow(link, state), wait);
  }

  #resyncNow(link: TwinLink, state: { last: number; timer: TimerHandle | undefined; tokens: string[] }): void {
    if (state.timer !== undefined) this.#o.clock.clearTimeout(state.timer);
    state.timer = undefined;
    state.last = this.#o.clock.now();
    this.#snapshot();
    for (const clientToken of state.tokens.splice(0)) {
      this.#answerCommand(link, { clientToken, command: 'resync', ok: true, version: this.twin.version });
    }
  }
}
