import type { ModbusLink } from '@lifeline/core';
import { frameTimeMs, interFrameGapMs } from '../../transports/modbus-connection.js';

/**
 * Adaptive response timeouts of one unit (docs/acquisition.md), after TCP's
 * retransmission timer (RFC 6298 §2): per request size, a smoothed round-trip
 * time SRTT and its mean deviation RTTVAR; a request is late after
 * SRTT + 4·RTTVAR, clamped between a floor (the wire cannot answer faster)
 * and the configured timeoutMs (the operator's ceiling). Until a size has a
 * sample the ceiling applies: a unit never heard from gets its full timeout.
 * Pure: the caller measures and passes the round trips in.
 */
export interface TimeoutPolicy {
  readonly adaptive: boolean;
  readonly minMs: number;
  readonly turnaroundMs: number;
}

interface Estimate {
  srtt: number;
  rttvar: number;
}

/** RFC 6298 §2.3: α = 1/8, β = 1/4, K = 4. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;

export class ResponseTimer {
  readonly #estimates = new Map<number, Estimate>();

  /** A measured round trip of a request of `quantity` registers or bits. */
  observe(quantity: number, rttMs: number): void {
    const bucket = sizeBucket(quantity);
    const e = this.#estimates.get(bucket);
    if (!e) {
      // RFC 6298 §2.2: the first measurement R sets SRTT = R, RTTVAR = R/2.
      this.#estimates.set(bucket, { srtt: rttMs, rttvar: rttMs / 2 });
      return;
    }
    // §2.3: RTTVAR first, with the old SRTT.
    e.rttvar = (1 - BETA) * e.rttvar + BETA * Math.abs(e.srtt - rttMs);
    e.srtt = (1 - ALPHA) * e.srtt + ALPHA * rttMs;
  }

  /** Whether a request of this size has a learned estimate (else timeoutFor is the ceiling). */
  knows(quantity: number): boolean {
    return this.#estimates.has(sizeBucket(quantity));
  }

  /** When a request of this size is late: SRTT + 4·RTTVAR within [floorMs, ceilingMs]. */
  timeoutFor(quantity: number, floorMs: number, ceilingMs: number): number {
    const e = this.#estimates.get(sizeBucket(quantity));
    if (!e) return ceilingMs;
    return clampTimeout(e.srtt + K * e.rttvar, floorMs, ceilingMs);
  }
}

export function clampTimeout(ms: number, floorMs: number, ceilingMs: number): number {
  return Math.ceil(Math.min(ceilingMs, Math.max(floorMs, ms)));
}

/** Requests of similar size share an estimate: 1, 2–3, 4–7, … registers (a 125-register read takes longer on a slow line). */
export function sizeBucket(quantity: number): number {
  return Math.floor(Math.log2(Math.max(1, quantity)));
}

/**
 * The least time an answer can take. Serial RTU: the request and the answer
 * on the wire at 11 bits per character (Modbus over Serial Line V1.02
 * §2.5.1), the inter-frame silence, and the device's turnaround; a read of n
 * registers is an 8-byte request and a 5 + 2n byte answer (bits: 5 + ⌈n/8⌉).
 * TCP: the configured minimum alone.
 */
export function floorMs(link: ModbusLink, policy: TimeoutPolicy, quantity: number, bits: boolean): number {
  if (link.framing !== 'rtu') return policy.minMs;
  const answerBytes = 5 + (bits ? Math.ceil(quantity / 8) : 2 * quantity);
  return policy.minMs + frameTimeMs(8 + answerBytes, link.baudRate) + interFrameGapMs(link.baudRate) + policy.turnaroundMs;
}

export { frameTimeMs };
