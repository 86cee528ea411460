import type { DeviceHealth } from '../acquisition/device-health.js';
import type { AlarmTransition } from '../alarms/alarm-engine.js';
import type { SiteConfig } from '../config/index.js';
import type { LiveState } from '../runtime/live-state.js';
import type { OutboxView } from '../store/outbox.js';

/** What the HTTP layer may see of a running gateway: read-only views, no internals. */
export interface GatewayView {
  readonly config: SiteConfig;
  readonly bootId: string;
  readonly version: string;
  readonly startedAt: number;
  readonly live: LiveState;
  activeAlarms(): AlarmTransition[];
  /** Per-device comm state, counters and latency histogram (acquisition). */
  deviceHealth?(): DeviceHealth[];
  uplinks(): Record<string, { connected: boolean; lastError?: { code: string; message: string; at: string } }>;
  /** Outbox depth per lane, per-sink cursors and sink health (read-only). */
  outbox?(): OutboxView;
}
