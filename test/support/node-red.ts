import { createRequire } from 'node:module';
import type { NodeMessage } from '../../nodes/src/red-api.js';

/**
 * node-red-node-test-helper (untyped CommonJS) behind the few calls the nodes
 * tests make: load a flow into a real Node-RED 5 runtime, reach its nodes,
 * and unload everything after each test.
 */
export interface TestNode {
  readonly id: string;
  receive(msg: NodeMessage): void;
  on(event: 'input', listener: (msg: NodeMessage) => void): void;
  on(event: `call:${'error' | 'warn' | 'status' | 'send'}`, listener: (call: { args: unknown[] }) => void): void;
}

interface Helper {
  init(runtimePath: string): void;
  load(nodes: unknown[], flow: object[], credentials?: Record<string, Record<string, string>>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode | null;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  /** A sinon spy on the runtime log during the last load: each call's first argument is a log entry. */
  log(): { args: [{ level: number; msg: unknown }][]; ERROR: number };
}

const require = createRequire(import.meta.url);
export const helper = require('node-red-node-test-helper') as Helper;
helper.init(require.resolve('node-red'));

export function nodeOf(id: string): TestNode {
  const node = helper.getNode(id);
  if (!node) throw new Error(`node ${id} is not in the loaded flow`);
  return node;
}

/** Collects what a helper node receives and waits for a message matching a predicate. */
export class Received {
  readonly messages: NodeMessage[] = [];
  #waiters: { match: (m: NodeMessage) => boolean; resolve: (m: NodeMessage) => void }[] = [];

  constructor(node: TestNode) {
    node.on('input', (msg) => {
      this.messages.push(msg);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
  }

  waitFor(match: (m: NodeMessage) => boolean, what: string, timeoutMs = 10_000): Promise<NodeMessage> {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.messages.length}`)),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
}

/** Resolves with the next `node.error(...)` call's first argument (Node-RED's catchable errors). */
export function nextError(node: TestNode, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no error from node ${node.id} within ${timeoutMs} ms`)), timeoutMs);
    node.on('call:error', (call) => {
      clearTimeout(timer);
      const first = call.args[0];
      resolve(first instanceof Error ? first.message : String(first));
    });
  });
}

/**
 * A node module as Node-RED's loader sees it: compiled TypeScript sets
 * `exports.default`, which the runtime unwraps (`r.__esModule ? r.default : r`)
 * and the helper does not, so the tests unwrap here.
 */
export function redModule(loaded: unknown): unknown {
  const m = loaded as { default?: unknown };
  return typeof m === 'function' ? m : m.default;
}

/**
 * Resolves when the node shows (or already showed, since the flow was loaded) a
 * status whose text starts with `text`, e.g. "subscribed" once its SUBACK came.
 */
export function waitForStatus(id: string, text: string, timeoutMs = 10_000): Promise<void> {
  const matches = (status: unknown) => String((status as { text?: string } | undefined)?.text).startsWith(text);
  // The helper spies on Node.prototype.status for the whole load: a status set before we listen is in its calls.
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): { thisValue: { id: string }; args: unknown[] }[] } } })
    ._NodePrototype.status;
  if (spy.getCalls().some((c) => c.thisValue.id === id && matches(c.args[0]))) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${id} showed no "${text}" status within ${timeoutMs} ms`)), timeoutMs);
    nodeOf(id).on('call:status', (call) => {
      if (matches(call.args[0])) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Messages the runtime logged at error level since the last load (a node's construction-time errors land here). */
export function loggedErrors(): string[] {
  const log = helper.log();
  return log.args
    .map(([entry]) => entry)
    .filter((e) => e.level === log.ERROR)
    .map((e) => String(e.msg));
}
