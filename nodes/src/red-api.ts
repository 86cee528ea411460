/**
 * The slice of the Node-RED 5 runtime API these nodes use, typed here so the
 * package needs no runtime dependency on Node-RED (the runtime hands `RED` to
 * each module). See https://nodered.org/docs/creating-nodes/node-js.
 */
export interface NodeMessage {
  _msgid?: string;
  topic?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  readonly fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  readonly shape?: 'ring' | 'dot';
  readonly text?: string;
}

export type SendFn = (msg: NodeMessage | readonly (NodeMessage | null)[]) => void;
export type DoneFn = (err?: Error) => void;

export interface RedNode {
  readonly id: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFn, done: DoneFn) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | readonly (NodeMessage | null)[]): void;
  status(status: NodeStatus): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
}

/** What the editor saved for one node: its `defaults` plus id, type and wiring. */
export interface NodeDef {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
}

export interface CredentialSpec {
  readonly type: 'text' | 'password';
}

export interface NodeAPI {
  readonly nodes: {
    createNode(node: RedNode, def: NodeDef): void;
    registerType(
      type: string,
      nodeConstructor: (this: RedNode, def: never) => void,
      options?: { credentials?: Record<string, CredentialSpec> },
    ): void;
  };
}

/**
 * Registers a node type: the constructor Node-RED calls with `new` becomes a
 * plain setup function of (node, validated-later config).
 */
export function defineNode<Def extends NodeDef>(
  RED: NodeAPI,
  type: string,
  setup: (node: RedNode, def: Def) => void,
  credentials?: Record<string, CredentialSpec>,
): void {
  function LifelineNode(this: RedNode, def: Def): void {
    RED.nodes.createNode(this, def);
    setup(this, def);
  }
  RED.nodes.registerType(type, LifelineNode as (this: RedNode, def: never) => void, credentials ? { credentials } : undefined);
}

/** Status shown under a node in the editor, one vocabulary for every lifeline node. */
export const STATUS = {
  connecting: (text = 'connecting'): NodeStatus => ({ fill: 'yellow', shape: 'ring', text }),
  connected: (text = 'connected'): NodeStatus => ({ fill: 'green', shape: 'dot', text }),
  disconnected: (text = 'disconnected'): NodeStatus => ({ fill: 'red', shape: 'ring', text }),
  error: (text: string): NodeStatus => ({ fill: 'red', shape: 'dot', text: clip(text) }),
  ok: (text: string): NodeStatus => ({ fill: 'green', shape: 'dot', text: clip(text) }),
  busy: (text: string): NodeStatus => ({ fill: 'blue', shape: 'ring', text: clip(text) }),
  idle: (text: string): NodeStatus => ({ fill: 'grey', shape: 'ring', text: clip(text) }),
} as const;

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
