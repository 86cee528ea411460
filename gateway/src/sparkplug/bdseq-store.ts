import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayError } from '../errors.js';

/**
 * The birth/death sequence number (Sparkplug 3.0 §6.4.22, bdSeq): the NDEATH
 * registered as the Will of a CONNECT and the NBIRTH of that session carry the
 * same bdSeq [tck-id-payloads-nbirth-bdseq-repeat]; each new CONNECT uses the
 * previous one plus one, 0–255 [tck-id-topics-nbirth-bdseq-increment]. It is
 * kept in stateDir so that a restart (even after kill -9) goes on counting and a
 * host never mistakes a new session's death for the old one's.
 */
export class BdSeqStore {
  readonly #file: string;
  #last: number | undefined;

  constructor(stateDir: string) {
    this.#file = join(stateDir, 'sparkplug-bdseq.json');
    this.#last = readLast(this.#file);
  }

  /** The bdSeq for the next CONNECT, written durably before it is used. */
  next(): number {
    const value = this.#last === undefined ? 0 : (this.#last + 1) % 256;
    try {
      const dir = join(this.#file, '..');
      mkdirSync(dir, { recursive: true });
      const tmp = `${this.#file}.tmp`;
      writeFileSync(tmp, JSON.stringify({ bdSeq: value }), { flush: true });
      renameSync(tmp, this.#file);
    } catch (e) {
      throw gatewayError('LL_ERR_SPARKPLUG_BDSEQ', this.#file, (e as Error).message);
    }
    this.#last = value;
    return value;
  }
}

function readLast(file: string): number | undefined {
  try {
    const value = (JSON.parse(readFileSync(file, 'utf8')) as { bdSeq?: unknown }).bdSeq;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 256 ? value : undefined;
  } catch {
    return undefined;
  }
}
