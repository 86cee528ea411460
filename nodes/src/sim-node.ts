import { nodeError } from './errors.js';
import { type LifelineApi, loadLifelineApi } from './lifeline-api.js';
import { describeValue, deviceAndPoint } from './msg-fields.js';
import { NodeConfigReader, setupOrReport } from './node-config.js';
import { defineNode, type NodeAPI, type NodeDef, type NodeMessage, type RedNode, STATUS } from './red-api.js';
import { callSimulator, SIM_ACTIONS, type SimAction, type SimRequest } from './sim-client.js';

export const SIM_NODE_TYPE = 'lifeline-sim';

interface SimDef extends NodeDef {
  readonly url?: string;
  readonly action?: string;
  readonly device?: string;
  readonly point?: string;
  readonly scenario?: string;
}

interface SimSettings {
  readonly url: URL;
  readonly action: SimAction;
  readonly device: string;
  readonly point: string;
  readonly scenario: string;
}

/**
 * `lifeline-sim`: drives the firmware simulator's control API from a test
 * flow — list devices, read or set a point, start or stop a scenario.
 */
export default async function register(RED: NodeAPI): Promise<void> {
  const api = await loadLifelineApi();
  defineNode<SimDef>(RED, SIM_NODE_TYPE, (node, def) =>
    setupOrReport(node, () => {
      const config = new NodeConfigReader(api, SIM_NODE_TYPE, def);
      run(api, node, {
        url: config.url('url', ['http:', 'https:']),
        action: config.oneOf('action', SIM_ACTIONS, 'set'),
        device: config.string('device'),
        point: config.string('point'),
        scenario: config.string('scenario'),
      });
    }),
  );
}

function run(api: LifelineApi, node: RedNode, settings: SimSettings): void {
  node.status(STATUS.idle(`${settings.action} ${settings.url.host}`));
  node.on('input', (msg, send, done) => {
    let request: SimRequest;
    try {
      request = requestOf(api, msg, settings);
    } catch (e) {
      return done(e as Error);
    }
    node.status(STATUS.busy(describe(request)));
    callSimulator(api, settings.url, request).then(
      ({ statusCode, body }) => {
        node.status(STATUS.ok(describe(request)));
        send({ ...msg, payload: body, statusCode });
        done();
      },
      (e: Error) => {
        node.status(STATUS.error(e.message));
        done(e);
      },
    );
  });
}

/** The message may choose the action and its target; the node's settings fill in (and, where set, fix) the rest. */
function requestOf(api: LifelineApi, msg: NodeMessage, settings: SimSettings): SimRequest {
  const requested = msg.action ?? settings.action;
  if (typeof requested !== 'string' || !(SIM_ACTIONS as readonly string[]).includes(requested)) {
    throw nodeError(api, 'LL_ERR_NODE_INPUT', 'action', `must be one of ${SIM_ACTIONS.join(', ')}, got ${describeValue(requested)}`);
  }
  const action = requested as SimAction;
  switch (action) {
    case 'list':
      return { action: 'list' };
    case 'get':
    case 'set': {
      const { device, point } = deviceAndPoint(msg, settings, { device: '', point: '' });
      if (device === '' || point === '') {
        throw nodeError(
          api,
          'LL_ERR_NODE_INPUT',
          'topic',
          'must name the point as "device/point" (or set msg.device and msg.point, or the node\'s Device and Point)',
        );
      }
      if (action === 'get') return { action, device, point };
      const value = msg.payload;
      // The simulator refuses "50" for 50 (docs/http-api.md): so does this node, before the request.
      if ((typeof value !== 'number' || !Number.isFinite(value)) && typeof value !== 'boolean') {
        throw nodeError(
          api,
          'LL_ERR_NODE_INPUT',
          'payload',
          `must be a finite number or a boolean to set ${device}/${point}, got ${describeValue(value)}`,
        );
      }
      return { action, device, point, value };
    }
    case 'start-scenario':
    case 'stop-scenario': {
      const scenario = settings.scenario || (typeof msg.scenario === 'string' ? msg.scenario : '');
      if (scenario === '')
        throw nodeError(
          api,
          'LL_ERR_NODE_INPUT',
          'scenario',
          `must name the scenario to ${action === 'start-scenario' ? 'start' : 'stop'}`,
        );
      return { action, scenario };
    }
  }
}

function describe(request: SimRequest): string {
  switch (request.action) {
    case 'list':
      return 'list devices';
    case 'get':
      return `get ${request.device}/${request.point}`;
    case 'set':
      return `${request.device}/${request.point} = ${String(request.value)}`;
    default:
      return `${request.action} ${request.scenario}`;
  }
}
