/**
 * Values by (device, point): a map of maps, so the hot path of every reading
 * looks up two strings it already holds (their hashes are cached) instead of
 * building, flattening and hashing a `device/point` key per reading and
 * consumer — that string was most of what each reading allocated.
 */
export class PointMap<V> {
  readonly #devices = new Map<string, Map<string, V>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(device: string, point: string): V | undefined {
    return this.#devices.get(device)?.get(point);
  }

  set(device: string, point: string, value: V): void {
    let points = this.#devices.get(device);
    if (!points) {
      points = new Map();
      this.#devices.set(device, points);
    }
    if (!points.has(point)) this.#size += 1;
    points.set(point, value);
  }

  delete(device: string, point: string): void {
    const points = this.#devices.get(device);
    if (!points?.delete(point)) return;
    this.#size -= 1;
    if (points.size === 0) this.#devices.delete(device);
  }

  clear(): void {
    this.#devices.clear();
    this.#size = 0;
  }

  /** The values in `values()` order, appended to `into`: a plain loop, for a flush of thousands (no generator steps). */
  appendTo(into: V[]): V[] {
    for (const points of this.#devices.values()) for (const value of points.values()) into.push(value);
    return into;
  }

  /** Every value, device by device in first-set order, each device's points in first-set order. */
  *values(): IterableIterator<V> {
    for (const points of this.#devices.values()) yield* points.values();
  }
}
