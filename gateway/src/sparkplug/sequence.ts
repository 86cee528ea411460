/**
 * The message sequence number of one edge node session (Sparkplug 3.0 §6.4.21):
 * NBIRTH carries 0 [tck-id-payloads-nbirth-seq], every later message of the
 * session (DBIRTH, NDATA, DDATA, DDEATH) the previous one plus one, 255
 * wrapping to 0 [tck-id-payloads-sequence-num-incrementing]. NDEATH carries none.
 */
export class SequenceCounter {
  #last = 0;

  /** A new birth sequence: the NBIRTH's seq, 0. */
  birth(): number {
    this.#last = 0;
    return 0;
  }

  next(): number {
    this.#last = nextSeq(this.#last);
    return this.#last;
  }
}

export function nextSeq(seq: number): number {
  return (seq + 1) % 256;
}
