import assert from 'node:assert/strict';
import { alarmMessage, parseTopic, readingMessage, telemetryMessages, webSocketMessages } from '../../nodes/src/gateway-messages.js';
import { webSocketUrl } from '../../nodes/src/gateway-socket.js';

const ORIGIN = { site: 'site-a', gateway: 'gw-1' };
const EVENT = { event: 'raise', alarmId: 'gas-1/lel1/hihi', device: 'gas-1', point: 'lel1', state: 'unacknowledged' };

describe('Node-RED gateway-in message parsing', () => {
  it('reads site, gateway and suffix from a topic, and nothing from a foreign one', () => {
    const rows: [string, ReturnType<typeof parseTopic>][] = [
      ['lifeline/v1/site-a/gw-1/alarms', { site: 'site-a', gateway: 'gw-1', suffix: 'alarms' }],
      ['lifeline/v1/site-a/gw-1/twin/desired/result', { site: 'site-a', gateway: 'gw-1', suffix: 'twin/desired/result' }],
      ['lifeline/v2/site-a/gw-1/alarms', undefined],
      ['lifeline/v1/site-a/gw-1', undefined],
      ['other/v1/a/b/alarms', undefined],
    ];
    for (const [topic, expected] of rows) assert.deepEqual(parseTopic(topic), expected, topic);
  });

  it('keeps alarm events whole and rejects ones without their identifying fields', () => {
    assert.deepEqual(alarmMessage(EVENT, ORIGIN), { topic: 'gas-1/lel1/hihi', payload: EVENT, site: 'site-a', gateway: 'gw-1' });
    const rows: [unknown, string][] = [
      [null, 'an alarm event must be a JSON object'],
      [[EVENT], 'an alarm event must be a JSON object'],
      [{ ...EVENT, alarmId: 7 }, 'alarm event without a string "alarmId"'],
      [{ ...EVENT, device: undefined }, 'alarm event without a string "device"'],
    ];
    for (const [event, reason] of rows) assert.equal(alarmMessage(event, ORIGIN), reason);
  });

  it('turns readings into device/point messages and refuses values of other types', () => {
    assert.deepEqual(readingMessage({ device: 'd', point: 'p', value: true, quality: 'good', sourceTs: 5 }, ORIGIN), {
      topic: 'd/p',
      payload: true,
      device: 'd',
      point: 'p',
      quality: 'good',
      sourceTs: 5,
      site: 'site-a',
      gateway: 'gw-1',
    });
    assert.equal(readingMessage({ device: 'd', point: 'p', value: '5' }, ORIGIN), 'reading d/p has a value of type string');
    assert.deepEqual(telemetryMessages({ readings: 'x' }, ORIGIN).rejected, [
      'a telemetry batch must be an object with a "readings" array',
    ]);
    const batch = telemetryMessages({ bootId: 'b', seq: 1, readings: [{ device: 'd', point: 'p', value: 1 }, { point: 'p' }] }, ORIGIN);
    assert.deepEqual([batch.readings.length, batch.rejected], [1, ['a reading without a string "device" and "point"']]);
  });

  it('takes site and gateway from the WebSocket snapshot and marks the alarms active at connect', () => {
    const none = { site: undefined, gateway: undefined };
    const snapshot = webSocketMessages(
      { type: 'snapshot', site: 'site-a', gateway: 'gw-1', readings: [{ device: 'd', point: 'p', value: 2 }], alarms: [EVENT] },
      none,
    );
    assert.deepEqual(snapshot.origin, ORIGIN);
    assert.deepEqual(snapshot.alarms, [{ topic: 'gas-1/lel1/hihi', payload: EVENT, site: 'site-a', gateway: 'gw-1', snapshot: true }]);
    assert.equal(snapshot.readings[0]?.site, 'site-a');
    const live = webSocketMessages({ type: 'alarm', event: { ...EVENT, event: 'clear' } }, snapshot.origin);
    assert.deepEqual(live.alarms, [{ topic: 'gas-1/lel1/hihi', payload: { ...EVENT, event: 'clear' }, site: 'site-a', gateway: 'gw-1' }]);
    assert.deepEqual(webSocketMessages({ type: 'comm', device: 'd', state: 'offline' }, ORIGIN), {
      alarms: [],
      readings: [],
      rejected: [],
      origin: ORIGIN,
    });
    assert.deepEqual(webSocketMessages(42, ORIGIN).rejected, ['a WebSocket message must be an object with a "type"']);
  });

  it('derives the /ws URL from a gateway URL', () => {
    const rows: [string, string][] = [
      ['http://gw:8080', 'ws://gw:8080/ws'],
      ['https://gw/base/', 'wss://gw/base/ws'],
      ['ws://gw:8080/ws', 'ws://gw:8080/ws'],
    ];
    for (const [base, expected] of rows) assert.equal(webSocketUrl(new URL(base)), expected, base);
  });
});
