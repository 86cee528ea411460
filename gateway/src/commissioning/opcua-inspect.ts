import { mkdir } from 'node:fs/promises';
import type { OpcuaLink } from '@lifeline/core';
import type { ClientSession, OPCUAClient } from 'node-opcua';
import type { Logger } from 'pino';
import { loadOpcua, type Opcua } from '../acquisition/opcua/opcua-module.js';
import { gatewayError } from '../errors.js';

/** One node met while browsing, with its children down to the depth asked for. */
export interface BrowsedNode {
  readonly nodeId: string;
  readonly browseName: string;
  readonly displayName: string;
  readonly nodeClass: string;
  readonly children?: readonly BrowsedNode[];
}

export interface VariableValue {
  readonly nodeId: string;
  readonly value: unknown;
  readonly dataType: string;
  readonly status: string;
  readonly sourceTimestamp?: string;
}

export interface InspectOptions {
  readonly link: OpcuaLink;
  readonly pkiDir: string;
  readonly log: Logger;
}

/** A browse never runs away on a big server: at most this many nodes per call. */
export const MAX_BROWSED_NODES = 2000;

/** Connects, runs `body` in an anonymous or user session, and always disconnects. */
export async function withSession<T>(options: InspectOptions, body: (session: ClientSession, opcua: Opcua) => Promise<T>): Promise<T> {
  const opcua = await loadOpcua(options.log);
  const { link } = options;
  await mkdir(options.pkiDir, { recursive: true });
  const client: OPCUAClient = opcua.OPCUAClient.create({
    applicationName: 'lifeline-gateway',
    applicationUri: 'urn:lifeline:gateway:commissioning',
    endpointMustExist: false,
    securityMode: opcua.MessageSecurityMode[link.securityMode],
    securityPolicy: link.securityPolicy as never,
    // One attempt: a person is waiting, and "cannot connect" is the answer they need.
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 500 },
    clientCertificateManager: new opcua.OPCUACertificateManager({
      rootFolder: options.pkiDir,
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
  try {
    await client.connect(link.endpointUrl);
  } catch (e) {
    await client.disconnect().catch(() => undefined);
    throw gatewayError(
      'LL_ERR_OPCUA_CONNECT',
      'connect',
      'commissioning',
      link.endpointUrl,
      (e as Error).message.replace(/\s*\n\s*/g, ' '),
    );
  }
  try {
    const identity =
      link.username !== undefined
        ? { type: opcua.UserTokenType.UserName, userName: link.username, password: link.password ?? '' }
        : { type: opcua.UserTokenType.Anonymous };
    const session = await client.createSession(identity as never).catch((e: Error) => {
      throw gatewayError('LL_ERR_OPCUA_CONNECT', 'session', 'commissioning', link.endpointUrl, e.message);
    });
    try {
      return await body(session, opcua);
    } finally {
      await session.close().catch(() => undefined);
    }
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

/** Hierarchical references from `nodeId` down `depth` levels (OPC 10000-4 §5.8.2 Browse). */
export async function browse(session: ClientSession, opcua: Opcua, nodeId: string, depth: number): Promise<BrowsedNode> {
  let budget = MAX_BROWSED_NODES;
  const root = await describe(session, opcua, nodeId);
  const expand = async (node: BrowsedNode, level: number): Promise<BrowsedNode> => {
    if (level >= depth || budget <= 0) return node;
    const result = await session.browse({
      nodeId: node.nodeId,
      browseDirection: opcua.BrowseDirection.Forward,
      referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true,
      resultMask: 63,
    });
    if (result.statusCode.value !== 0) throw gatewayError('LL_ERR_OPCUA_NODE', 'commissioning', node.nodeId, result.statusCode.name);
    const children: BrowsedNode[] = [];
    for (const ref of result.references ?? []) {
      if (budget-- <= 0) break;
      const child: BrowsedNode = {
        nodeId: ref.nodeId.toString(),
        browseName: ref.browseName.toString(),
        displayName: ref.displayName.text ?? '',
        nodeClass: opcua.NodeClass[ref.nodeClass] ?? String(ref.nodeClass),
      };
      // The standard nodes (namespace 0: Server, its diagnostics…) are listed, not opened: devices live in the server's own namespaces.
      children.push(child.nodeId.startsWith('ns=0;') ? child : await expand(child, level + 1));
    }
    return { ...node, children };
  };
  return expand(root, 0);
}

async function describe(session: ClientSession, opcua: Opcua, nodeId: string): Promise<BrowsedNode> {
  const [browseName, displayName, nodeClass] = await session.read([
    { nodeId, attributeId: opcua.AttributeIds.BrowseName },
    { nodeId, attributeId: opcua.AttributeIds.DisplayName },
    { nodeId, attributeId: opcua.AttributeIds.NodeClass },
  ]);
  if (browseName?.statusCode.value !== 0) {
    throw gatewayError('LL_ERR_OPCUA_NODE', 'commissioning', nodeId, browseName?.statusCode.name ?? 'no such node');
  }
  return {
    nodeId,
    browseName: String(browseName.value.value),
    displayName: String((displayName?.value.value as { text?: string } | undefined)?.text ?? ''),
    nodeClass: opcua.NodeClass[nodeClass?.value.value as number] ?? 'Unknown',
  };
}

/** The Value attribute of one variable, with its type, status and source time. */
export async function readVariable(session: ClientSession, opcua: Opcua, nodeId: string): Promise<VariableValue> {
  const dv = await session.read({ nodeId, attributeId: opcua.AttributeIds.Value });
  if (dv.statusCode.value !== 0 && dv.value.dataType === opcua.DataType.Null) {
    throw gatewayError('LL_ERR_OPCUA_NODE', 'commissioning', nodeId, dv.statusCode.name);
  }
  return {
    nodeId,
    value: dv.value.value as unknown,
    dataType: opcua.DataType[dv.value.dataType] ?? String(dv.value.dataType),
    status: dv.statusCode.name,
    ...(dv.sourceTimestamp ? { sourceTimestamp: dv.sourceTimestamp.toISOString() } : {}),
  };
}
