import { COMM_STATES } from '@lifeline/twin';
import { Gauge, type Registry } from 'prom-client';
import type { GatewayView } from '../gateway-view.js';

/**
 * Per-device comm state. A series' identity must not change when the state
 * does (a `state` label on a single 1/0 series would end one series and start
 * another at every change, breaking rate(), alerts' `for:` and graphs), so:
 * `lifeline_device_online{device}` is one series per device, and
 * `lifeline_device_state{device,state}` follows the Prometheus convention for
 * enums — every state always present, 1 for the current one, 0 for the rest.
 * https://prometheus.io/docs/instrumenting/writing_exporters/#labels
 */
export function registerDeviceMetrics(registry: Registry, view: GatewayView): void {
  new Gauge({
    name: 'lifeline_device_online',
    help: '1 while the device comm state is online, 0 in any other state (connecting, degraded, offline)',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of view.config.devices) this.set({ device: d.id }, view.live.comm(d.id).state === 'online' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lifeline_device_state',
    help: `Device comm state as an enum: 1 for the current state, 0 for each other one (${COMM_STATES.join(', ')})`,
    labelNames: ['device', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of view.config.devices) {
        const current = view.live.comm(d.id).state;
        for (const state of COMM_STATES) this.set({ device: d.id, state }, state === current ? 1 : 0);
      }
    },
  });
}
