import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { backoffDelay, type Clock, type OpcuaDeviceConfig, type PointConfig, type Reading, type TimerHandle } from '@lifeline/core';
import type { ClientSession, ClientSubscription, DataValue, OPCUAClient } from 'node-opcua';
import type { Logger } from 'pino';
import { gatewayError, type LifelineError } from '../../errors.js';
import type { CommState } from '../comm-state.js';
import type { DeviceDriver, DriverEvents } from '../device-driver.js';
import { type DeviceHealth, HealthRecorder } from '../device-health.js';
import { loadOpcua, type Opcua } from './opcua-module.js';
import { numericPoints, resolveNodeIds } from './opcua-nodes.js';
import { readingValueOf, sampleOf } from './opcua-quality.js';
import { needsModify, requestedTiming, type SubscriptionTiming, timingFor } from './subscription-timing.js';

export interface OpcuaClientOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** Where the client keeps its certificate, key and trusted/rejected server certificates. */
  readonly pkiDir: string;
}

/** One live connection: everything a restart throws away and rebuilds. */
interface Generation {
  readonly client: OPCUAClient;
  session?: ClientSession;
  subscription?: ClientSubscription;
  lost: boolean;
}

/**
 * One OPC UA device (DESIGN.md §3): a session with one subscription whose
 * monitored items carry the device's points, with the configured sampling
 * interval, queue size and deadband filter (OPC 10000-4 §7.22.2). On any loss
 * — socket closed, session or subscription gone — the whole generation is
 * dropped and rebuilt with backoff: browse paths are re-resolved, so a server
 * that restarts with new node ids is followed. A sample already delivered
 * (same source timestamp and value) is not delivered again after a rebuild.
 */
export class OpcuaDeviceClient extends EventEmitter<DriverEvents> implements DeviceDriver {
  readonly device: OpcuaDeviceConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pkiDir: string;
  readonly #health = new HealthRecorder();
  readonly #last = new Map<string, { sourceTs: number; value: unknown; status: number }>();
  readonly #points: readonly PointConfig[];
  #gen: Generation | undefined;
  #timer: TimerHandle | undefined;
  #running = false;
  #failures = 0;
  #connecting: Promise<void> | undefined;
  #everConnected = false;
  #comm: CommState = 'connecting';
  #reason: string | undefined;
  #nodeIds = new Map<string, string>();
  #granted: SubscriptionTiming | undefined;

  constructor(device: OpcuaDeviceConfig, options: OpcuaClientOptions) {
    super();
    this.device = device;
    this.#clock = options.clock;
    this.#log = options.log.child({ device: device.id, endpoint: device.opcua.endpointUrl });
    this.#pkiDir = options.pkiDir;
    this.#points = device.points.filter((p) => p.opcua !== undefined);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#connecting;
    await this.#teardown();
  }

  get deviceIds(): readonly string[] {
    return [this.device.id];
  }

  health(): DeviceHealth[] {
    return [this.#snapshot()];
  }

  #snapshot(): DeviceHealth {
    return {
      device: this.device.id,
      transport: 'opcua',
      connection: this.device.opcua.endpointUrl,
      comm: this.#comm,
      ...(this.#reason !== undefined && this.#comm !== 'online' ? { reason: this.#reason } : {}),
      breaker: 'closed',
      ...(this.#health.lastSuccessTs !== undefined ? { lastSuccessTs: this.#health.lastSuccessTs } : {}),
      counters: { ...this.#health.counters },
      latency: this.#health.latency(),
      ...(this.#granted ? { subscription: this.#granted } : {}),
    };
  }

  /** Writes a point with the variable's own DataType, then reads it back (DeviceWriter). */
  async write(_device: string, point: PointConfig, value: number | boolean): Promise<void> {
    const session = this.#gen?.session;
    const nodeId = this.#nodeIds.get(point.id);
    if (!session || this.#comm === 'offline' || !nodeId) {
      throw gatewayError('LL_ERR_DEVICE_OFFLINE', this.device.id, this.#reason ?? 'no OPC UA session');
    }
    const opcua = await loadOpcua(this.#log);
    try {
      const current = await this.#call(() => session.read({ nodeId, attributeId: opcua.AttributeIds.Value }));
      const dataType = current.value.dataType;
      const status = await this.#call(() =>
        session.write({ nodeId, attributeId: opcua.AttributeIds.Value, value: { value: { dataType, value } } }),
      );
      if (status.value !== 0) throw gatewayError('LL_ERR_WRITE_REFUSED', this.device.id, point.id, status.name);
      const back = await this.#call(() => session.read({ nodeId, attributeId: opcua.AttributeIds.Value }));
      const got = readingValueOf(back.value.value, opcua.DataType[back.value.dataType] ?? '');
      const want = typeof value === 'boolean' ? value : Number(value);
      // Float variables round to single precision: compare at that precision.
      const same = typeof got === 'number' && typeof want === 'number' ? Math.fround(got) === Math.fround(want) : got === want;
      if (!same) throw gatewayError('LL_ERR_WRITE_MISMATCH', value, this.device.id, point.id, got);
      this.#health.count('writes');
    } catch (e) {
      this.#health.count('writeFailures');
      if (e instanceof Error && 'code' in e && String((e as LifelineError).code).startsWith('LL_ERR_')) throw e;
      throw gatewayError('LL_ERR_WRITE_TIMEOUT', this.device.id, point.id, (e as Error).message);
    }
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    this.#health.count('requests');
    const t0 = performance.now();
    const result = await fn();
    this.#health.observeLatency(performance.now() - t0);
    return result;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#connecting = this.#connect().finally(() => {
        this.#connecting = undefined;
      });
    }, delayMs);
  }

  async #connect(): Promise<void> {
    const opcua = await loadOpcua(this.#log);
    const link = this.device.opcua;
    const client = opcua.OPCUAClient.create({
      applicationName: 'lifeline-gateway',
      applicationUri: `urn:lifeline:gateway:${this.device.id}`,
      endpointMustExist: false,
      securityMode: opcua.MessageSecurityMode[link.securityMode],
      securityPolicy: link.securityPolicy as never,
      // Reconnection is ours (rebuild everything, re-resolve browse paths): node-opcua's own is off.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 1000 },
      keepSessionAlive: true,
      requestedSessionTimeout: 30_000,
      clientCertificateManager: new opcua.OPCUACertificateManager({
        rootFolder: this.#pkiDir,
        automaticallyAcceptUnknownCertificate: true,
      }),
    });
    const gen: Generation = { client, lost: false };
    this.#gen = gen;
    const onLost = (why: string) => () => this.#lost(gen, why);
    client.on('connection_lost', onLost('connection lost'));
    (client as unknown as EventEmitter).on('close', onLost('connection closed'));
    try {
      this.#health.count('requests');
      await client.connect(link.endpointUrl);
      const identity =
        link.username !== undefined
          ? { type: opcua.UserTokenType.UserName, userName: link.username, password: link.password ?? '' }
          : { type: opcua.UserTokenType.Anonymous };
      gen.session = await client.createSession(identity as never);
      gen.session.on('session_closed', onLost('session closed'));
      await this.#subscribe(opcua, gen);
    } catch (e) {
      const error = gatewayError('LL_ERR_OPCUA_CONNECT', 'connect', this.device.id, link.endpointUrl, (e as Error).message);
      this.#lost(gen, error.message);
      return;
    }
    if (gen.lost || !this.#running) return;
    if (this.#everConnected) this.#health.count('reconnects');
    this.#everConnected = true;
    this.#failures = 0;
    this.#log.info({ items: this.#nodeIds.size, ...this.#granted }, 'opcua subscribed');
  }

  async #subscribe(opcua: Opcua, gen: Generation): Promise<void> {
    const session = gen.session as ClientSession;
    const settings = this.device.acquisition.opcua;
    const nodeIds = await this.#resolve(opcua, session);
    this.#nodeIds = nodeIds;
    const requested = requestedTiming(settings.publishingIntervalMs);
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: requested.publishingIntervalMs,
      requestedLifetimeCount: requested.lifetimeCount,
      requestedMaxKeepAliveCount: requested.maxKeepAliveCount,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    gen.subscription = subscription;
    subscription.on('terminated', () => this.#lost(gen, 'subscription terminated'));
    this.#granted = await this.#fitCounts(subscription);
    const points = this.#points.filter((p) => nodeIds.has(p.id));
    // A deadband applies to numeric variables only (OPC 10000-4 §7.22.2); others would be refused with BadFilterNotAllowed.
    const numeric = settings.deadband ? await this.#numericPoints(opcua, session, points, nodeIds) : new Set<string>();
    const filter = settings.deadband
      ? new opcua.DataChangeFilter({
          trigger: opcua.DataChangeTrigger.StatusValue,
          deadbandType: settings.deadband.type === 'absolute' ? opcua.DeadbandType.Absolute : opcua.DeadbandType.Percent,
          deadbandValue: settings.deadband.value,
        })
      : null;
    const items: { point: PointConfig; statusCode: { value: number; name: string } | undefined }[] = [];
    for (const withFilter of [true, false]) {
      const selected = points.filter((p) => numeric.has(p.id) === withFilter);
      if (selected.length === 0) continue;
      const group = await subscription.monitorItems(
        selected.map((p) => ({ nodeId: nodeIds.get(p.id) as string, attributeId: opcua.AttributeIds.Value })),
        {
          samplingInterval: settings.samplingIntervalMs,
          discardOldest: true,
          queueSize: settings.queueSize,
          filter: withFilter ? filter : null,
        },
        opcua.TimestampsToReturn.Both,
      );
      group.on('changed', (item, dataValue) => {
        const point = selected[group.monitoredItems.indexOf(item)];
        if (point) this.#onData(opcua, point, dataValue);
      });
      for (const [i, item] of group.monitoredItems.entries())
        items.push({ point: selected[i] as PointConfig, statusCode: item.statusCode });
    }
    const bad: Reading[] = [];
    for (const { point, statusCode: status } of items) {
      if (status && status.value !== 0 && status.value >>> 30 >= 2) {
        const error = gatewayError('LL_ERR_OPCUA_NODE', this.device.id, point.id, status.name);
        bad.push(this.#bad(point, error.message));
        this.#health.count('exceptions');
      }
    }
    if (bad.length > 0) this.emit('readings', bad);
    this.#setComm(bad.length > 0 || nodeIds.size < this.#points.length ? 'degraded' : 'online', bad[0]?.reason ?? this.#reason);
  }

  /** Fits keep-alive and lifetime to the interval the server granted (they stay durations, not counts); returns the grant. */
  async #fitCounts(subscription: ClientSubscription): Promise<SubscriptionTiming> {
    if (needsModify(grantOf(subscription))) {
      const fit = timingFor(subscription.publishingInterval);
      await this.#call(() =>
        subscription.modify({ requestedLifetimeCount: fit.lifetimeCount, requestedMaxKeepAliveCount: fit.maxKeepAliveCount }),
      );
    }
    return grantOf(subscription);
  }

  /** Points whose variable has a numeric DataType: the ones a deadband may filter. */
  #numericPoints(opcua: Opcua, session: ClientSession, points: readonly PointConfig[], nodeIds: ReadonlyMap<string, string>) {
    return numericPoints(opcua, (fn) => this.#call(fn), session, points, nodeIds);
  }

  /** Node ids for every point; a browse path that no longer resolves makes its point bad. */
  async #resolve(opcua: Opcua, session: ClientSession): Promise<Map<string, string>> {
    const { ids, unresolved } = await resolveNodeIds(opcua, (fn) => this.#call(fn), session, this.#points);
    const bad: Reading[] = [];
    for (const { point, why } of unresolved) {
      this.#health.count('exceptions');
      this.#reason = gatewayError('LL_ERR_OPCUA_NODE', this.device.id, point.id, why).message;
      bad.push(this.#bad(point, this.#reason));
    }
    if (bad.length > 0) this.emit('readings', bad);
    return ids;
  }

  #onData(opcua: Opcua, point: PointConfig, dv: DataValue): void {
    const rxTs = this.#clock.now();
    this.#health.count('requests');
    this.#health.lastSuccessTs = rxTs;
    const sourceTs = dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime() ?? rxTs;
    const raw = dv.value?.value as unknown;
    const last = this.#last.get(point.id);
    if (last && last.sourceTs === sourceTs && last.value === raw && last.status === dv.statusCode.value) return;
    this.#last.set(point.id, { sourceTs, value: raw, status: dv.statusCode.value });
    const { reading, failure } = sampleOf(this.device.id, point.id, dv.statusCode, dv.value, opcua.DataType[dv.value.dataType], {
      sourceTs,
      rxTs,
    });
    if (failure) this.#health.count(failure);
    this.emit('readings', [reading]);
  }

  /** Drops a generation once: every point bad, comm offline, and a rebuild after a backoff. */
  #lost(gen: Generation, why: string): void {
    if (gen.lost || gen !== this.#gen) return;
    gen.lost = true;
    this.#failures += 1;
    const now = this.#clock.now();
    if (this.#failures === 1) this.#log.warn({ err: why }, 'opcua connection lost');
    this.emit(
      'readings',
      this.#points.map((p) => this.#bad(p, why, now)),
    );
    this.#setComm('offline', why);
    void this.#teardown(gen);
    this.#schedule(backoffDelay(this.#failures - 1, this.device.acquisition.backoff));
  }

  async #teardown(gen = this.#gen): Promise<void> {
    if (!gen) return;
    if (gen === this.#gen) this.#gen = undefined;
    gen.lost = true;
    gen.client.removeAllListeners();
    await gen.subscription?.terminate().catch(() => undefined);
    await gen.session?.close(false).catch(() => undefined);
    await gen.client.disconnect().catch(() => undefined);
  }

  #bad(point: PointConfig, reason: string, now = this.#clock.now()): Reading {
    return { device: this.device.id, point: point.id, quality: 'bad', reason, sourceTs: now, rxTs: now };
  }

  #setComm(state: CommState, reason: string | undefined): void {
    this.#reason = reason;
    if (state === this.#comm) return;
    this.#comm = state;
    this.emit('comm', this.device.id, state, state === 'online' ? undefined : reason);
  }
}

/** What the server granted a subscription, as node-opcua's client keeps it after create and modify. */
function grantOf(subscription: ClientSubscription): SubscriptionTiming {
  return {
    publishingIntervalMs: subscription.publishingInterval,
    maxKeepAliveCount: subscription.maxKeepAliveCount,
    lifetimeCount: subscription.lifetimeCount,
  };
}
