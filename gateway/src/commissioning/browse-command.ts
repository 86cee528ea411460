import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, loadSiteConfig, type OpcuaLink } from '@lifeline/core';
import { gatewayError } from '../errors.js';
import { createLogger } from '../log.js';
import { type CommissioningCommand, intOption, runCommand, UsageError } from './command.js';
import { type BrowsedNode, browse, readVariable, withSession } from './opcua-inspect.js';

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  node: { type: 'string' },
  depth: { type: 'string' },
  read: { type: 'string' },
  'security-mode': { type: 'string' },
  'security-policy': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'pki-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** ns=0;i=85: the Objects folder (OPC 10000-5 §8.2.4), where a server's devices live. */
const OBJECTS_FOLDER = 'ns=0;i=85';

const HELP = `lifeline-gateway browse: an OPC UA server's address space, and the value of a variable

usage: lifeline-gateway browse opc.tcp://HOST:4840/PATH [--node NODEID] [--depth N] [--read NODEID] [--json]
       lifeline-gateway browse --config site.yaml DEVICE ...   (the endpoint and credentials of an OPC UA device)

  --node NODEID     where to start (default ${OBJECTS_FOLDER}, the Objects folder)
  --depth N         levels below it (default 2)
  --read NODEID     read this variable instead: value, data type, status, source time
  --security-mode M None (default), Sign or SignAndEncrypt; --security-policy P (e.g. Basic256Sha256)
  --username U      a user identity; --password P (better: the site's \${env:…} reference with --config)
  --pki-dir DIR     our client certificate and trusted servers (default: LIFELINE_STATE_DIR or .lifeline-state, /pki)
  --json            JSON on stdout

Use what it shows as the nodeId (or browsePath) of a profile point's opcua: address.

examples:
  lifeline-gateway browse opc.tcp://192.168.1.50:4840 --depth 3
  lifeline-gateway browse opc.tcp://192.168.1.50:4840 --read "ns=2;s=HeatStation.SupplyPressure"
  lifeline-gateway browse --config site.yaml heat-1 --node "ns=2;s=HeatStation"
`;

export const browseCommand: CommissioningCommand = {
  usage: 'browse opc.tcp://HOST:4840 [--read NODEID]   browse an OPC UA server, read a variable',
  help: HELP,
  run: (argv, io, env) =>
    runCommand('browse', io, async () => {
      const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      const link = await linkOf(values, positionals);
      const pkiDir = values['pki-dir'] ?? join(env.LIFELINE_STATE_DIR ?? DEFAULTS.stateDir, 'pki');
      const options = { link, pkiDir, log: createLogger(env.LIFELINE_LOG_LEVEL ?? 'error') };
      if (values.read !== undefined) {
        const nodeId = values.read;
        const value = await withSession(options, (session, opcua) => readVariable(session, opcua, nodeId));
        io.out(
          values.json
            ? `${JSON.stringify(value, null, 2)}\n`
            : `${value.nodeId} = ${JSON.stringify(value.value)} (${value.dataType}, ${value.status}${value.sourceTimestamp ? `, ${value.sourceTimestamp}` : ''})\n`,
        );
        return 0;
      }
      const depth = intOption(values.depth, 'depth', 0, 10, 2);
      const tree = await withSession(options, (session, opcua) => browse(session, opcua, values.node ?? OBJECTS_FOLDER, depth));
      io.out(values.json ? `${JSON.stringify(tree, null, 2)}\n` : renderTree(tree));
      return 0;
    }),
};

async function linkOf(
  values: { config?: string; username?: string; password?: string; 'security-mode'?: string; 'security-policy'?: string },
  positionals: readonly string[],
): Promise<OpcuaLink> {
  const [first] = positionals;
  if (values.config !== undefined) {
    const site = await loadSiteConfig(values.config);
    const device = site.devices.find((d) => d.id === first);
    if (!device) throw gatewayError('LL_ERR_UNKNOWN_DEVICE', first ?? '(none)', site.file, site.devices.map((d) => d.id).join(', '));
    if (device.transport !== 'opcua') throw new UsageError(`device ${device.id} is a Modbus device: use lifeline-gateway read`);
    return device.opcua;
  }
  if (first === undefined || !first.startsWith('opc.tcp://'))
    throw new UsageError('name the server: browse opc.tcp://HOST:4840/PATH, or --config site.yaml DEVICE');
  const mode = values['security-mode'] ?? DEFAULTS.opcuaSecurityMode;
  if (mode !== 'None' && mode !== 'Sign' && mode !== 'SignAndEncrypt')
    throw new UsageError('--security-mode is None, Sign or SignAndEncrypt');
  return {
    endpointUrl: first,
    securityMode: mode,
    securityPolicy: values['security-policy'] ?? (mode === 'None' ? 'None' : 'Basic256Sha256'),
    ...(values.username === undefined ? {} : { username: values.username, password: values.password ?? '' }),
  };
}

/** An indented tree: `ns=1;s=X  1:SupplyPressure (Variable)`. */
export function renderTree(node: BrowsedNode, indent = ''): string {
  const line = `${indent}${node.browseName}  [${node.nodeClass}]  ${node.nodeId}${node.displayName && node.displayName !== node.browseName.replace(/^\d+:/, '') ? `  "${node.displayName}"` : ''}\n`;
  return line + (node.children ?? []).map((c) => renderTree(c, `${indent}  `)).join('');
}
