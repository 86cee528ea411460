/**
 * `new Date(ts).toISOString()` remembered for the last `ts`: the readings of
 * one poll share their sample time, so a consumer formats it once per batch
 * instead of once per reading.
 */
export class IsoMemo {
  #ts = Number.NaN;
  #iso = '';

  of(ts: number): string {
    if (ts !== this.#ts) {
      this.#iso = new Date(ts).toISOString();
      this.#ts = ts;
    }
    return this.#iso;
  }
}
