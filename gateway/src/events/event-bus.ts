/** A listener of one named event. */
export type Listener<T> = (payload: T) => void;

/** The subscribing half of a bus: what a stage that only listens is given. */
export interface EventSource<Events> {
  /** Subscribes; returns the function that unsubscribes (idempotent). */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
}

/** Called with whatever a listener threw; the bus carries on with the next listener. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * A small typed emitter between pipeline stages. Delivery is synchronous and
 * in subscription order, so every subscriber sees the events of one poll
 * before the next poll is decoded. A listener that throws is reported to
 * `onError` and skipped: the twin or the dashboard failing must never stop
 * the others (the alarm path does not run through the bus at all).
 */
export class EventBus<Events> implements EventSource<Events> {
  readonly #listeners = new Map<keyof Events, Listener<never>[]>();
  readonly #onError: ListenerErrorHandler;

  constructor(onError: ListenerErrorHandler) {
    this.#onError = onError;
  }

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    // A fresh array per change: an emit in progress keeps iterating the one it started with.
    this.#listeners.set(name, [...(this.#listeners.get(name) ?? []), listener as Listener<never>]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#listeners.set(
        name,
        (this.#listeners.get(name) ?? []).filter((l) => l !== listener),
      );
    };
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const listeners = this.#listeners.get(name) as Listener<Events[K]>[] | undefined;
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (e) {
        this.#onError(e, String(name));
      }
    }
  }

  /** How many listeners an event has (for tests and leak checks). */
  listenerCount(name: keyof Events): number {
    return this.#listeners.get(name)?.length ?? 0;
  }
}
