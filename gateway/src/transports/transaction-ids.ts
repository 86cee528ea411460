/**
 * MBAP transaction ids of one Modbus TCP connection (Modbus Messaging on
 * TCP/IP Implementation Guide V1.0b §3.1.3: the server copies the request's
 * id into its answer, and a client may have several transactions
 * outstanding, §4.2). Pure bookkeeping, table-tested: which ids are in
 * flight, which id the next request gets, and whether an answer belongs to a
 * request still in flight or is a late answer to one already given up
 * (timed out), which is dropped and never taken as another request's answer.
 *
 * Ids run 1..65535 and are reused only after all the others, skipping any
 * still in flight, so a late answer would have to arrive 65,534 requests late
 * to meet a new request with its id. Each id in flight may carry its request
 * (`R`): the port's one record of what is in flight.
 */
export const MAX_TID = 0xffff;

export type AnswerMatch = 'answer' | 'late';

export class TransactionIds<R = undefined> {
  readonly #outstanding = new Map<number, R | undefined>();
  #next = 1;

  /** The id the next request will carry (modbus-serial keys its transaction by it before writing). */
  get next(): number {
    return this.#next;
  }

  get outstanding(): number {
    return this.#outstanding.size;
  }

  /** A request with the `next` id is written: it is in flight until answered or retired; returns its id. */
  issue(request?: R): number {
    const tid = this.#next;
    this.#outstanding.set(tid, request);
    this.#next = this.#following(tid);
    return tid;
  }

  /** An answer arrived with `tid`: the answer of a request in flight (no longer in flight then), or late. */
  match(tid: number): AnswerMatch {
    return this.#outstanding.delete(tid) ? 'answer' : 'late';
  }

  /** The request was given up (timeout, failure): an answer with its id is late from now on. */
  retire(tid: number): void {
    this.#outstanding.delete(tid);
  }

  /** `tid` is no longer in flight (answered, or given up): its request, or undefined if it was not in flight. */
  take(tid: number): R | undefined {
    const request = this.#outstanding.get(tid);
    this.#outstanding.delete(tid);
    return request;
  }

  /** The stream broke: nothing in flight can be answered any more; returns the requests that were. */
  retireAll(): R[] {
    const requests: R[] = [];
    for (const r of this.#outstanding.values()) if (r !== undefined) requests.push(r);
    this.#outstanding.clear();
    return requests;
  }

  #following(tid: number): number {
    let next = tid;
    // At most 16 are in flight (core MAX_IN_FLIGHT): this loop skips a handful at worst.
    do next = (next % MAX_TID) + 1;
    while (this.#outstanding.has(next) && next !== tid);
    return next;
  }
}
