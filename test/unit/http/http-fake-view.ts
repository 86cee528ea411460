import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import sinon from 'sinon';
import { deepFreeze, type HttpConfig, loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import type { AlarmControl } from '../../../gateway/src/alarms/alarm-control.js';
import type { AlarmTransition } from '../../../gateway/src/alarms/alarm-engine.js';
import { MemoryAlarmStateStore } from '../../../gateway/src/alarms/alarm-state-store.js';
import type { EventBus } from '../../../gateway/src/events/event-bus.js';
import type { GatewayEvents } from '../../../gateway/src/events/gateway-events.js';
import { LiveState } from '../../../gateway/src/events/live-state.js';
import type { GatewayView } from '../../../gateway/src/http/gateway-view.js';
import { buildHttpServer } from '../../../gateway/src/http/http-server.js';
import { testBus } from '../../support/event-bus.js';
import { FIXTURES } from '../../support/fixtures.js';

/** Tokens of every role, as route tests present them. */
export const TOKENS = {
  viewer: 'viewer-token-0123456789',
  operator: 'operator-token-0123456789',
  admin: 'admin-token-0123456789ab',
} as const;

export const auth = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });

export type FakeControl = { [K in keyof AlarmControl]: sinon.SinonStub<Parameters<AlarmControl[K]>, ReturnType<AlarmControl[K]>> };

/** A sinon fake of AlarmControl that accepts everything, for tests to reconfigure. */
export function fakeControl(): FakeControl {
  return {
    ack: sinon
      .stub<Parameters<AlarmControl['ack']>, ReturnType<AlarmControl['ack']>>()
      .callsFake((alarmId) => ({ ok: true, alarmId, state: 'acknowledged' })),
    shelve: sinon
      .stub<Parameters<AlarmControl['shelve']>, ReturnType<AlarmControl['shelve']>>()
      .callsFake((alarmId) => ({ ok: true, alarmId, state: 'shelved' })),
    unshelve: sinon
      .stub<Parameters<AlarmControl['unshelve']>, ReturnType<AlarmControl['unshelve']>>()
      .callsFake((alarmId) => ({ ok: true, alarmId, state: 'unacknowledged' })),
    applyLimits: sinon.stub<Parameters<AlarmControl['applyLimits']>, ReturnType<AlarmControl['applyLimits']>>().returns({ ok: true }),
    limits: sinon.stub<[], ReturnType<AlarmControl['limits']>>().returns([
      {
        device: 'gas-1',
        point: 'lel1',
        condition: 'hihi',
        value: 50,
        hysteresis: 2,
        priority: 1,
        onDelayMs: 0,
        offDelayMs: 300,
        enabled: true,
      },
    ]),
  };
}

export function transition(overrides: Partial<AlarmTransition> = {}): AlarmTransition {
  return {
    event: 'raise',
    alarmId: 'gas-1/lel1/hihi',
    eventId: 'gas-1/lel1/hihi#1@test',
    device: 'gas-1',
    point: 'lel1',
    condition: 'hihi',
    priority: 1,
    colour: 'red',
    state: 'unacknowledged',
    value: 62.5,
    limit: 50,
    hysteresis: 2,
    unit: '%LEL',
    sourceTs: new Date().toISOString(),
    detectedAt: new Date().toISOString(),
    ...overrides,
  };
}

let site: SiteConfig | undefined;

export interface Harness {
  readonly app: FastifyInstance;
  readonly view: GatewayView & { live: LiveState };
  /** The fake gateway's event bus: emit readings, comm changes and alarm events on it. */
  readonly bus: EventBus<GatewayEvents>;
  /** The alarm journal behind `/api/alarms/history` (in memory). */
  readonly journal: MemoryAlarmStateStore;
  readonly control: FakeControl;
  readonly alarms: AlarmTransition[];
}

/** The real HTTP server over a fake gateway view (gas fixture site, tokens of every role). */
export async function harness(
  http: Partial<HttpConfig> = {},
  extra: Partial<GatewayView> = {},
  log = pino({ level: 'silent' }),
): Promise<Harness> {
  site ??= await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
  const config = deepFreeze({
    ...site,
    http: {
      ...site.http,
      tokens: [
        { user: 'vera', role: 'viewer' as const, token: TOKENS.viewer },
        { user: 'olga', role: 'operator' as const, token: TOKENS.operator },
        { user: 'adam', role: 'admin' as const, token: TOKENS.admin },
      ],
      ...http,
    },
  });
  const control = fakeControl();
  const alarms: AlarmTransition[] = [];
  const bus = testBus();
  const journal = new MemoryAlarmStateStore();
  const live = new LiveState();
  live.attach(bus);
  const view = {
    config,
    bootId: 'boot-1',
    version: '0.1.0-test',
    startedAt: Date.now(),
    live,
    events: bus,
    activeAlarms: () => alarms,
    alarmJournal: journal,
    uplinks: () => ({ local: { connected: true }, centre: { connected: false } }),
    alarmControl: control,
    ...extra,
  };
  const app = await buildHttpServer(view, log);
  await app.ready();
  return { app, view, control, alarms, bus, journal };
}
