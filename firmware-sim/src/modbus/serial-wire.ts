/**
 * The time a frame takes on an RS-485 line, which a pseudo-terminal does not
 * have: 11 bits per character (start, 8 data, parity or a second stop, stop;
 * Modbus over Serial Line V1.02 §2.5.1) at the line's baud rate, plus the
 * slave's turnaround between the end of a request and the start of its
 * answer. The line is half duplex: one frame at a time, so answers queue
 * behind each other. Pure: the server passes `now` in and sends the answer
 * when this says it has fully arrived.
 */
export const SIM_TURNAROUND_MS = 5;

export function frameTimeMs(bytes: number, baudRate: number): number {
  return (bytes * 11 * 1000) / baudRate;
}

export class SerialWire {
  readonly #baudRate: number;
  readonly #turnaroundMs: number;
  #freeAt = 0;

  constructor(baudRate: number, turnaroundMs = SIM_TURNAROUND_MS) {
    this.#baudRate = baudRate;
    this.#turnaroundMs = turnaroundMs;
  }

  /**
   * A request of `requestBytes` just arrived (instantly, over the pty) and is
   * answered with `answerBytes`: when the answer's last byte is on the wire,
   * as ms from `now`.
   */
  answerDelayMs(now: number, requestBytes: number, answerBytes: number): number {
    const requestEnd = now + frameTimeMs(requestBytes, this.#baudRate);
    const start = Math.max(requestEnd, this.#freeAt) + this.#turnaroundMs;
    this.#freeAt = start + frameTimeMs(answerBytes, this.#baudRate);
    return this.#freeAt - now;
  }
}
