import type { ModbusLink } from '@lifeline/core';
import { frameTimeMs, interFrameGapMs } from '../../transports/modbus-connection.js';

/**
 * Adaptive response timeouts of one unit (docs/acquisition.md), after TCP's
 * retransmission timer (RFC 6298 §2): per request size, a smoothed round-trip
 * time SRTT and its mean deviation RTTVAR; a request is late after
 * SRTT + 4·RTTVAR — or after the slowest answer seen lately, if later —
 * clamped between a floor (the wire cannot answer faster) and the configured
 * timeoutMs (the operator's ceiling). Until a size has a sample the ceiling
 * applies: a unit never heard from gets its full timeout. Pure: the caller
 * measures and passes the round trips in (late answers to requests cut short
 * included, late-answers.ts).
 *
 * Why the slowest answer: RTTVAR (β = 1/4) forgets a spike within a few
 * samples, so a peer that stalls now and then (a GC pause, a busy
 * TCP-to-serial gateway) had every stall cut short and retried: 4–5 % of the
 * bench's requests, every one of them answered 15–300 ms after it was sent
 * (issue 19). RFC 6298 §2.4 guards against the same with a 1 s minimum RTO
 * ("a large minimum RTO is needed to keep TCP conservative and avoid
 * spurious retransmissions"); a decaying peak is that minimum learned per
 * unit, so a unit that answers like clockwork keeps a tight timeout.
 */
export interface TimeoutPolicy {
  readonly adaptive: boolean;
  readonly minMs: number;
  readonly turnaroundMs: number;
}

interface Estimate {
  srtt: number;
  rttvar: number;
  /** The slowest round trip seen lately: the largest sample, decaying by PEAK_DECAY per sample. */
  peak: number;
}

/** RFC 6298 §2.3: α = 1/8, β = 1/4, K = 4. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;
/** Per sample: a half-life of ~177 samples, about 3 minutes for a request sent once a second. */
export const PEAK_DECAY = 1 / 256;

export class ResponseTimer {
  readonly #estimates = new Map<number, Estimate>();

  /** A measured round trip of a request of `quantity` registers or bits. */
  observe(quantity: number, rttMs: number): void {
    const bucket = sizeBucket(quantity);
    const e = this.#estimates.get(bucket);
    if (!e) {
      // RFC 6298 §2.2: the first measurement R sets SRTT = R, RTTVAR = R/2.
      this.#estimates.set(bucket, { srtt: rttMs, rttvar: rttMs / 2, peak: rttMs });
      return;
    }
    // §2.3: RTTVAR first, with the old SRTT.
    e.rttvar = (1 - BETA) * e.rttvar + BETA * Math.abs(e.srtt - rttMs);
    e.srtt = (1 - ALPHA) * e.srtt + ALPHA * rttMs;
    e.peak = Math.max(rttMs, e.peak * (1 - PEAK_DECAY));
  }

  /** Whether a request of this size has a learned estimate (else timeoutFor is the ceiling). */
  knows(quantity: number): boolean {
    return this.#estimates.has(sizeBucket(quantity));
  }

  /** When a request of this size is late: SRTT + 4·RTTVAR, or the recent peak if later, within [floorMs, ceilingMs]. */
  timeoutFor(quantity: number, floorMs: number, ceilingMs: number): number {
    const e = this.#estimates.get(sizeBucket(quantity));
    if (!e) return ceilingMs;
    return clampTimeout(Math.max(e.srtt + K * e.rttvar, e.peak), floorMs, ceilingMs);
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
