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

/**
 * Bytes written to the pty at once while an answer is on the wire: about a
 * millisecond's worth (Node's timer step), at least 2 — always less than the
 * 3.5-character silence, so a long answer arrives as on a real line, without
 * a gap a master could take for its end.
 */
export function chunkBytes(baudRate: number): number {
  return Math.max(2, Math.floor(baudRate / 11 / 1000));
}

/** When each chunk of an answer ending `endMs` from now has fully arrived: [bytes so far, ms from now]. */
export function chunkTimes(endMs: number, answerBytes: number, baudRate: number): [number, number][] {
  const startMs = endMs - frameTimeMs(answerBytes, baudRate);
  const step = chunkBytes(baudRate);
  const times: [number, number][] = [];
  for (let sent = step; sent < answerBytes; sent += step) times.push([sent, startMs + frameTimeMs(sent, baudRate)]);
  times.push([answerBytes, endMs]);
  return times;
}

export class SerialWire {
  readonly #baudRate: number;
  readonly #turnaroundMs: number;
  #freeAt = 0;

  get baudRate(): number {
    return this.#baudRate;
  }

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
