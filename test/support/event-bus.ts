import { EventBus } from '../../gateway/src/events/event-bus.js';
import type { GatewayEvents } from '../../gateway/src/events/gateway-events.js';

/** The gateway's event bus for tests: a listener that throws fails the test instead of being logged. */
export function testBus(): EventBus<GatewayEvents> {
  return new EventBus<GatewayEvents>((error) => {
    throw error;
  });
}
