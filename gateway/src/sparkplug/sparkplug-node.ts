import type { Clock, DeviceConfig, Reading, SparkplugLink } from '@lifeline/core';
import type { Logger } from 'pino';
import type { CommState } from '../acquisition/comm-state.js';
import type { DeviceWriter } from '../acquisition/device-writer.js';
import { gatewayError } from '../errors.js';
import type { CommChange, GatewayEventSource } from '../events/gateway-events.js';
import type { OutboxRecord } from '../store/outbox-record.js';
import type { Sink, SinkHealth } from '../store/outbox-sink.js';
import type { Lane } from '../store/outbox-store.js';
import { BdSeqStore } from './bdseq-store.js';
import { type AlarmSnapshot, deviceBirth, deviceDeath, nodeBirth, nodeDeath } from './birth-builder.js';
import { encodePayload, type Metric, type UPayload } from './codec.js';
import { decideDeviceCommand, decideNodeCommand, type Rejection } from './command-handler.js';
import { alarmData, deviceData } from './data-builder.js';
import { type HostState, parseHostState, supersedes } from './host-state.js';
import { AliasMap } from './metric-map.js';
import { SequenceCounter } from './sequence.js';
import { DISCONNECTED, type SessionInput, type SessionState, stepSession } from './session.js';
import { SparkplugConnection, type Will } from './sparkplug-connection.js';
import { SparkplugTopics } from './sparkplug-topics.js';

/** Alarms and telemetry: the outbox lanes a Sparkplug host is fed from (NDATA, DDATA); the twin is the JSON contract's. */
export const SPARKPLUG_LANES: readonly Lane[] = ['alarm', 'telemetry'];

/** What the edge node sees of the running gateway. */
export interface SparkplugGatewayPort {
  readonly events: GatewayEventSource;
  readonly writer: DeviceWriter;
  readings(): readonly Reading[];
  comm(device: string): { readonly state: CommState };
  activeAlarms(): readonly AlarmSnapshot[];
}

export interface SparkplugNodeOptions {
  readonly name: string;
  readonly link: SparkplugLink;
  readonly devices: readonly DeviceConfig[];
  readonly stateDir: string;
  readonly bootId: string;
  readonly version: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly gateway: SparkplugGatewayPort;
}

/**
 * The gateway as a Sparkplug B 3.0 edge node (docs/sparkplug.md), and an
 * outbox sink: alarms and telemetry reach the host as NDATA/DDATA from the
 * outbox (its own cursors), so an outage of the link or of the primary host is
 * replayed with `is_historical` [§6.4.10], alarms first, and survives kill -9.
 * Births, deaths and commands are live, never queued.
 */
export class SparkplugNode implements Sink {
  readonly name: string;
  readonly lanes = SPARKPLUG_LANES;
  readonly #o: SparkplugNodeOptions;
  readonly #log: Logger;
  readonly #topics: SparkplugTopics;
  readonly #aliases: AliasMap;
  readonly #seq = new SequenceCounter();
  readonly #bdSeqs: BdSeqStore;
  readonly #connection: SparkplugConnection;
  readonly #readyListeners: (() => void)[] = [];
  /** Devices with a DBIRTH in this session (§5.12): DDATA only for them. */
  readonly #born = new Set<string>();
  readonly #rejected = new Map<string, number>();
  #session: SessionState = DISCONNECTED;
  #host: HostState | undefined;
  #bdSeq = 0;
  #bornAt = 0;
  #delivered = 0;
  #offComm: (() => void) | undefined;

  constructor(options: SparkplugNodeOptions) {
    this.name = options.name;
    this.#o = options;
    this.#log = options.log.child({ sink: options.name });
    this.#topics = new SparkplugTopics(options.link.groupId, options.link.edgeNodeId);
    this.#aliases = new AliasMap(options.devices);
    for (const d of options.devices)
      for (const p of d.points) for (const l of p.limits) this.#aliases.addAlarm(`${d.id}/${p.id}/${l.condition}`);
    this.#bdSeqs = new BdSeqStore(options.stateDir);
    const host = options.link.primaryHostId;
    this.#connection = new SparkplugConnection(
      {
        link: options.link,
        clock: options.clock,
        log: this.#log,
        will: () => this.#nextWill(),
        filters: [this.#topics.node('NCMD'), this.#topics.dcmdFilter, ...(host ? [SparkplugTopics.state(host)] : [])],
      },
      {
        connected: () => this.#input({ kind: 'connected' }),
        disconnected: () => this.#input({ kind: 'disconnected' }),
        message: (topic, payload) => this.#message(topic, payload),
      },
    );
  }

  get ready(): boolean {
    return this.#session.kind === 'born' && this.#connection.connected;
  }

  get onlineSince(): number {
    return this.ready ? this.#bornAt : 0;
  }

  onReady(listener: () => void): void {
    this.#readyListeners.push(listener);
  }

  start(): void {
    this.#offComm ??= this.#o.gateway.events.on('comm', (c) => this.#comm(c));
    this.#connection.start();
  }

  async stop(): Promise<void> {
    this.#offComm?.();
    this.#offComm = undefined;
    await this.#connection.stop(this.#death());
  }

  async deliver(records: readonly OutboxRecord[], historical: boolean): Promise<void> {
    if (!this.ready) throw gatewayError('LL_ERR_UPLINK_OFFLINE', this.name, this.#o.link.url);
    const sent: Promise<void>[] = [];
    for (const record of records) {
      if (record.kind === 'alarm') {
        // An alarm id no birth declared yet (stale, fault, comm…): declare it in fresh births first (§6.4.18).
        if (this.#aliases.addAlarm(record.body.alarmId)) this.#birth();
        sent.push(this.#send(this.#topics.node('NDATA'), alarmData(record.body, this.#aliases, historical)));
      } else if (record.kind === 'telemetry') {
        const { perDevice, unknown } = deviceData(record.body, this.#aliases, historical);
        if (unknown > 0) this.#log.warn({ unknown }, 'telemetry readings of points this node did not birth were left out');
        for (const [device, metrics] of perDevice) {
          if (this.#born.has(device)) sent.push(this.#send(this.#topics.device('DDATA', device), metrics));
        }
      }
    }
    await Promise.all(sent);
    this.#delivered += records.length;
  }

  health(): SinkHealth {
    return { ready: this.ready, delivered: this.#delivered, rejected: Object.fromEntries(this.#rejected) };
  }

  /** One input to the session machine, and its effect performed. */
  #input(input: SessionInput): void {
    const wasBorn = this.#session.kind === 'born';
    const step = stepSession(this.#session, input, this.#o.link.primaryHostId !== undefined);
    this.#session = step.state;
    if (step.state.kind !== 'born') this.#born.clear();
    if (input.kind === 'disconnected') this.#host = undefined;
    if (step.effect === 'birth') {
      if (!wasBorn) this.#bornAt = this.#o.clock.now();
      this.#birth();
      if (!wasBorn) for (const listener of this.#readyListeners) listener();
    } else if (step.effect === 'terminate') {
      this.#log.warn({ host: this.#o.link.primaryHostId }, 'primary host offline: ending the Sparkplug session');
      // The connection reports `disconnected` once the NDEATH is out, which moves the session on.
      void this.#connection.terminate(this.#death());
    }
  }

  /** NBIRTH (seq 0) then a DBIRTH per device not offline (§5.2, §5.12). */
  #birth(): void {
    const now = this.#o.clock.now();
    const identity = { bootId: this.#o.bootId, version: this.#o.version };
    this.#seq.birth();
    this.#publish(this.#topics.node('NBIRTH'), nodeBirth(this.#bdSeq, this.#aliases, this.#o.gateway.activeAlarms(), identity, now));
    this.#born.clear();
    const latest = new Map(this.#o.gateway.readings().map((r) => [`${r.device}/${r.point}`, r]));
    for (const device of this.#o.devices) {
      if (this.#o.gateway.comm(device.id).state !== 'offline') this.#deviceBirth(device, (p) => latest.get(`${device.id}/${p}`), now);
    }
  }

  #deviceBirth(device: DeviceConfig, latest: (point: string) => Reading | undefined, now: number): void {
    this.#born.add(device.id);
    this.#publish(this.#topics.device('DBIRTH', device.id), deviceBirth(device, this.#seq.next(), this.#aliases, latest, now));
  }

  /** DDEATH when a device's comm is lost [tck-id-operational-behavior-device-ddeath], DBIRTH when it answers again. */
  #comm(change: CommChange): void {
    if (this.#session.kind !== 'born' || !this.#connection.connected) return;
    const device = this.#o.devices.find((d) => d.id === change.device);
    if (!device) return;
    const now = this.#o.clock.now();
    if (change.state === 'offline' && this.#born.delete(device.id)) {
      this.#publish(this.#topics.device('DDEATH', device.id), deviceDeath(this.#seq.next(), now));
    } else if (change.state !== 'offline' && !this.#born.has(device.id)) {
      const latest = new Map(
        this.#o.gateway
          .readings()
          .filter((r) => r.device === device.id)
          .map((r) => [r.point, r]),
      );
      this.#deviceBirth(device, (p) => latest.get(p), now);
    }
  }

  #message(topic: string, payload: Buffer): void {
    const host = this.#o.link.primaryHostId;
    const target = this.#topics.parseCommand(topic);
    if (host && topic === SparkplugTopics.state(host)) this.#hostState(topic, payload);
    else if (!target) this.#reject('message', topic, { reason: 'unknown-target', detail: `topic ${topic}` });
    else if (target.verb === 'NCMD') this.#nodeCommand(topic, payload);
    else this.#deviceCommand(topic, target.device, payload);
  }

  #nodeCommand(topic: string, payload: Buffer): void {
    const command = decideNodeCommand(payload);
    for (const r of command.rejected) this.#reject('NCMD', topic, r);
    if (command.rebirth) {
      this.#log.info('NCMD Node Control/Rebirth: publishing fresh births');
      this.#input({ kind: 'rebirth' });
    }
  }

  #deviceCommand(topic: string, device: string, payload: Buffer): void {
    const command = decideDeviceCommand(device, payload, {
      devices: this.#o.devices,
      aliases: this.#aliases,
      born: this.#born,
      writes: this.#o.link.writes,
    });
    for (const r of command.rejected) this.#reject('DCMD', topic, r);
    for (const w of command.writes) {
      // The path of a local action (DeviceWriter): queued ahead of polls, read back; the new value comes back as DDATA.
      this.#o.gateway.writer.writePoint(w.device, w.point, w.value).then(
        () => this.#log.info({ device: w.device, point: w.point, value: w.value }, 'Sparkplug DCMD written and read back'),
        (e: Error) => this.#reject('DCMD', topic, { reason: 'write-failed', detail: `${w.device}/${w.point}: ${e.message}` }),
      );
    }
  }

  #hostState(topic: string, payload: Buffer): void {
    const state = parseHostState(payload);
    if (typeof state === 'string') {
      this.#reject('STATE', topic, { reason: 'malformed', detail: state });
      return;
    }
    if (!supersedes(this.#host, state)) return;
    this.#host = state;
    this.#input({ kind: 'host', online: state.online });
  }

  #reject(verb: string, topic: string, rejection: Rejection): void {
    this.#rejected.set(rejection.reason, (this.#rejected.get(rejection.reason) ?? 0) + 1);
    const err = gatewayError('LL_ERR_SPARKPLUG_REJECTED', verb, topic, rejection.detail);
    this.#log.warn({ code: err.code, reason: rejection.reason, topic }, err.message);
  }

  #send(topic: string, metrics: Metric[]): Promise<void> {
    return this.#publish(topic, { timestamp: this.#o.clock.now(), seq: this.#seq.next(), metrics });
  }

  /** Seqs are taken in call order and MQTT.js writes in call order, so the host sees them rise by one. */
  #publish(topic: string, payload: UPayload): Promise<void> {
    const sent = this.#connection.publish(topic, encodePayload(payload));
    sent.catch((e: Error) => this.#log.warn({ topic, err: e.message }, 'sparkplug publish failed'));
    return sent;
  }

  /** Each CONNECT: the next bdSeq, durably, and its NDEATH as the Will. */
  #nextWill(): Will {
    this.#bdSeq = this.#bdSeqs.next();
    return this.#death();
  }

  #death(): Will {
    return { topic: this.#topics.node('NDEATH'), payload: encodePayload(nodeDeath(this.#bdSeq, this.#o.clock.now())) };
  }
}
