import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { NodeAlarmEvent } from '../../nodes/src/alarm-evaluator.js';
import alarmModule from '../../nodes/src/alarm-node.js';
import { helper, nextError, nodeOf, Received, redModule } from '../support/node-red.js';

const alarmNode = redModule(alarmModule);

function flow(props: Record<string, unknown>) {
  return [
    { id: 'a1', type: 'lifeline-alarm', name: '', wires: [['out']], ...props },
    { id: 'out', type: 'helper' },
  ];
}

const events = (r: Received) => r.messages.map((m) => m.payload as NodeAlarmEvent);

describe('Node-RED alarm node (real Node-RED runtime)', () => {
  let clock: sinon.SinonFakeTimers | undefined;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await helper.unload();
  });

  it('raises and clears with hysteresis, with the fields of the alarms topic', async () => {
    await helper.load([alarmNode], flow({ condition: 'hihi', limit: '50', hysteresis: '2', priority: '1', unit: '%LEL' }));
    const out = new Received(nodeOf('out'));
    const a1 = nodeOf('a1');
    a1.receive({ topic: 'gas-1/lel1', payload: 49.9 });
    a1.receive({ topic: 'gas-1/lel1', payload: 50, sourceTs: 1764107730255 });
    const raise = (await out.waitFor((m) => (m.payload as NodeAlarmEvent).event === 'raise', 'raise')).payload as NodeAlarmEvent;
    assert.match(raise.eventId, /^gas-1\/lel1\/hihi#1@[0-9a-f]{8}$/);
    assert.deepEqual(
      { ...raise, detectedAt: undefined, publishedAt: undefined, bootId: undefined, eventId: undefined },
      {
        event: 'raise',
        alarmId: 'gas-1/lel1/hihi',
        eventId: undefined,
        device: 'gas-1',
        point: 'lel1',
        condition: 'hihi',
        priority: 1,
        colour: 'red',
        state: 'unacknowledged',
        value: 50,
        limit: 50,
        hysteresis: 2,
        unit: '%LEL',
        sourceTs: '2025-11-25T21:55:30.255Z',
        detectedAt: undefined,
        publishedAt: undefined,
        seq: 1,
        bootId: undefined,
      },
    );
    a1.receive({ topic: 'gas-1/lel1', payload: 48.5 }); // inside the 2 %LEL dead band: still active
    a1.receive({ topic: 'gas-1/lel1', payload: 47.9 });
    await out.waitFor((m) => (m.payload as NodeAlarmEvent).event === 'clear', 'clear');
    assert.deepEqual(
      events(out).map((e) => [e.event, e.state, e.value, e.seq]),
      [
        ['raise', 'unacknowledged', 50, 1],
        ['clear', 'returned-unacknowledged', 47.9, 2],
      ],
    );
    a1.receive({ topic: 'gas-1/lel1', ack: true });
    const ack = (await out.waitFor((m) => (m.payload as NodeAlarmEvent).event === 'ack', 'ack')).payload as NodeAlarmEvent;
    assert.equal(ack.state, 'normal');
    assert.equal(out.messages.at(-1)?.topic, 'gas-1/lel1/hihi');
  });

  it('keeps one alarm per device/point and honours configured device and point', async () => {
    await helper.load([alarmNode], flow({ condition: 'lo', limit: '0.2', unit: 'MPa', priority: '3' }));
    const out = new Received(nodeOf('out'));
    nodeOf('a1').receive({ topic: 'pump-1/pressure', payload: 0.1 });
    nodeOf('a1').receive({ device: 'pump-2', point: 'pressure', payload: 0.15 });
    await out.waitFor(() => out.messages.length === 2, 'two raises');
    assert.deepEqual(
      events(out)
        .map((e) => [e.alarmId, e.colour])
        .sort(),
      [
        ['pump-1/pressure/lo', 'yellow'],
        ['pump-2/pressure/lo', 'yellow'],
      ],
    );
  });

  it('debounces with the on delay and off delay (fake timers)', async () => {
    await helper.load([alarmNode], flow({ condition: 'hi', limit: '10', onDelayMs: '1000', offDelayMs: '500', device: 'dev', point: 'p' }));
    const out = new Received(nodeOf('out'));
    const a1 = nodeOf('a1');
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    a1.receive({ payload: 11 });
    await clock.tickAsync(999);
    a1.receive({ payload: 9 }); // back before the on delay ran out: no alarm
    await clock.tickAsync(5000);
    a1.receive({ payload: 12 });
    await clock.tickAsync(999);
    assert.equal(out.messages.length, 0, 'nothing before the on delay');
    await clock.tickAsync(1);
    await out.waitFor((m) => (m.payload as NodeAlarmEvent).event === 'raise', 'raise after the on delay');
    a1.receive({ payload: 1 });
    await clock.tickAsync(499);
    assert.equal(out.messages.length, 1, 'no clear before the off delay');
    await clock.tickAsync(1);
    await out.waitFor((m) => (m.payload as NodeAlarmEvent).event === 'clear', 'clear after the off delay');
    assert.deepEqual(
      events(out).map((e) => [e.alarmId, e.event]),
      [
        ['dev/p/hi', 'raise'],
        ['dev/p/hi', 'clear'],
      ],
    );
  });

  it('refuses a payload that is not a finite number, without coercion', async () => {
    await helper.load([alarmNode], flow({ condition: 'hi', limit: '10' }));
    const a1 = nodeOf('a1');
    const error = nextError(a1);
    a1.receive({ payload: '50' });
    assert.match(await error, /msg\.payload must be a finite number, got the string "50"/);
  });

  it('ignores bad-quality samples, as the gateway does', async () => {
    await helper.load([alarmNode], flow({ condition: 'hi', limit: '10' }));
    const out = new Received(nodeOf('out'));
    nodeOf('a1').receive({ topic: 'd/p', payload: 99, quality: 'bad' });
    nodeOf('a1').receive({ topic: 'd/p', payload: 98 });
    const raised = await out.waitFor(() => true, 'the raise');
    assert.equal((raised.payload as NodeAlarmEvent).value, 98);
    assert.equal(out.messages.length, 1);
  });

  it('stays inert with a red status and names the field when the configuration is invalid', async () => {
    await helper.load([alarmNode], flow({ condition: 'hi', limit: 'fifty' }));
    const a1 = nodeOf('a1');
    const error = nextError(a1);
    a1.receive({ payload: 1 });
    assert.match(await error, /lifeline-alarm "limit": "fifty" is not a number/);
  });
});
