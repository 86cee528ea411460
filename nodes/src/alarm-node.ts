import { AlarmEvaluator, type NodeAlarmEvent } from './alarm-evaluator.js';
import { type ALARM_CONDITIONS_FOR_NODE, type AlarmNodeDef, readAlarmRule } from './alarm-rule.js';
import { nodeError } from './errors.js';
import { type LifelineApi, loadLifelineApi } from './lifeline-api.js';
import { describeValue, deviceAndPoint, sourceTsOf } from './msg-fields.js';
import { NodeConfigReader, setupOrReport } from './node-config.js';
import { defineNode, type NodeAPI, type NodeMessage, type RedNode, STATUS } from './red-api.js';

export const ALARM_NODE_TYPE = 'lifeline-alarm';

/**
 * `lifeline-alarm`: the gateway's limit, hysteresis and debounce engine as a
 * standalone node. Numbers in; raise, clear and ack events out, shaped like
 * the gateway's alarms topic (docs/topics.md).
 */
export default async function register(RED: NodeAPI): Promise<void> {
  const api = await loadLifelineApi();
  defineNode<AlarmNodeDef>(RED, ALARM_NODE_TYPE, (node, def) =>
    setupOrReport(node, () => {
      const config = new NodeConfigReader(api, ALARM_NODE_TYPE, def);
      const rule = readAlarmRule(config);
      const configured = { device: config.string('device'), point: config.string('point') };
      run(
        api,
        node,
        rule.condition as 'hihi' | 'hi' | 'lo' | 'lolo',
        new AlarmEvaluator(api, rule, api.core.systemClock, (event) => node.send(toMsg(event))),
        configured,
      );
    }),
  );
}

function run(
  api: LifelineApi,
  node: RedNode,
  condition: (typeof ALARM_CONDITIONS_FOR_NODE)[number],
  evaluator: AlarmEvaluator,
  configured: { device: string; point: string },
): void {
  const showStatus = () => {
    const active = Object.keys(evaluator.active()).length;
    node.status(active > 0 ? STATUS.error(`${active} active (${condition})`) : STATUS.ok(`normal (${condition})`));
  };
  node.status(STATUS.idle(`waiting for values (${condition})`));

  node.on('input', (msg, _send, done) => {
    const { device, point } = deviceAndPoint(msg, configured, { device: 'node-red', point: 'value' });
    if (msg.reset === true) {
      evaluator.stop();
      showStatus();
      return done();
    }
    if (msg.ack === true) {
      evaluator.ack(device, point);
      showStatus();
      return done();
    }
    if (msg.quality === 'bad') {
      // The gateway's engine skips samples of bad quality: a broken sensor must not raise or clear a limit alarm.
      node.status(STATUS.idle(`ignored bad-quality ${device}/${point}`));
      return done();
    }
    if (typeof msg.payload !== 'number' || !Number.isFinite(msg.payload)) {
      return done(nodeError(api, 'LL_ERR_NODE_INPUT', 'payload', `must be a finite number, got ${describeValue(msg.payload)}`));
    }
    const sourceTs = sourceTsOf(msg, api.core.systemClock.now());
    if (sourceTs === undefined) {
      return done(
        nodeError(
          api,
          'LL_ERR_NODE_INPUT',
          'sourceTs',
          `must be epoch milliseconds or an ISO 8601 time, got ${describeValue(msg.sourceTs)}`,
        ),
      );
    }
    evaluator.sample(device, point, msg.payload, sourceTs);
    showStatus();
    done();
  });

  node.on('close', (_removed, done) => {
    evaluator.stop();
    done();
  });
}

function toMsg(event: NodeAlarmEvent): NodeMessage {
  return { topic: event.alarmId, payload: event };
}
