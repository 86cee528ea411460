import assert from 'node:assert/strict';
import { parseHostState, supersedes } from '../../../gateway/src/sparkplug/host-state.js';
import { nextSeq, SequenceCounter } from '../../../gateway/src/sparkplug/sequence.js';
import { type SessionInput, type SessionState, stepSession } from '../../../gateway/src/sparkplug/session.js';
import { SparkplugTopics } from '../../../gateway/src/sparkplug/sparkplug-topics.js';

const s = (kind: SessionState['kind']): SessionState => ({ kind });
const connected: SessionInput = { kind: 'connected' };
const disconnected: SessionInput = { kind: 'disconnected' };
const online: SessionInput = { kind: 'host', online: true };
const offline: SessionInput = { kind: 'host', online: false };
const rebirth: SessionInput = { kind: 'rebirth' };

/** The edge node session (Sparkplug 3.0 §5.2, §5.3) as a table of {start, input, host configured, expected}. */
describe('Sparkplug session state machine', () => {
  const early = (hostOnline: boolean): SessionState => ({ kind: 'disconnected', hostOnline });
  const rows: [SessionState['kind'] | SessionState, SessionInput, boolean, SessionState['kind'] | SessionState, string][] = [
    ['disconnected', connected, false, 'born', 'birth'],
    ['disconnected', connected, true, 'awaiting-host', 'none'],
    // A retained STATE can arrive on a new connection before it reports connected: kept, not lost.
    ['disconnected', online, true, early(true), 'none'],
    ['disconnected', offline, true, early(false), 'none'],
    [early(true), connected, true, 'born', 'birth'],
    [early(false), connected, true, 'awaiting-host', 'none'],
    [early(false), online, true, early(true), 'none'],
    [early(true), disconnected, true, 'disconnected', 'none'],
    ['disconnected', rebirth, false, 'disconnected', 'none'],
    ['awaiting-host', offline, true, 'awaiting-host', 'none'],
    ['awaiting-host', rebirth, true, 'awaiting-host', 'none'],
    ['awaiting-host', online, true, 'born', 'birth'],
    ['awaiting-host', disconnected, true, 'disconnected', 'none'],
    ['born', rebirth, false, 'born', 'birth'],
    ['born', online, true, 'born', 'birth'],
    ['born', offline, true, 'terminating', 'terminate'],
    ['born', connected, false, 'born', 'none'],
    ['born', disconnected, false, 'disconnected', 'none'],
    ['terminating', online, true, 'terminating', 'none'],
    ['terminating', rebirth, true, 'terminating', 'none'],
    ['terminating', disconnected, true, 'disconnected', 'none'],
  ];
  for (const [start, input, host, state, effect] of rows) {
    const of = (x: SessionState['kind'] | SessionState) => (typeof x === 'string' ? s(x) : x);
    it(`${JSON.stringify(start)} + ${JSON.stringify(input)}${host ? ' (primary host)' : ''} → ${JSON.stringify(state)}, ${effect}`, () => {
      assert.deepEqual(stepSession(of(start), input, host), { state: of(state), effect });
    });
  }
});

describe('Sparkplug seq, STATE and topics', () => {
  it('seq: NBIRTH 0, then +1 per message, 255 wraps to 0 (§6.4.21)', () => {
    const seq = new SequenceCounter();
    assert.equal(seq.birth(), 0);
    const got = Array.from({ length: 257 }, () => seq.next());
    assert.equal(got[0], 1);
    assert.equal(got[254], 255);
    assert.equal(got[255], 0);
    assert.equal(got[256], 1);
    assert.equal(seq.birth(), 0);
    assert.equal(seq.next(), 1);
    assert.equal(nextSeq(255), 0);
  });

  it('STATE: the 3.0 JSON payload, anything else said why; older timestamps do not supersede', () => {
    assert.deepEqual(parseHostState(Buffer.from('{"online":true,"timestamp":5}')), { online: true, timestamp: 5 });
    assert.equal(parseHostState(Buffer.from('ONLINE')), 'STATE payload is not JSON');
    assert.match(String(parseHostState(Buffer.from('{"online":"yes","timestamp":5}'))), /online/);
    assert.match(String(parseHostState(Buffer.from('{"online":false}'))), /timestamp/);
    assert.equal(supersedes(undefined, { online: false, timestamp: 1 }), true);
    assert.equal(supersedes({ online: true, timestamp: 10 }, { online: false, timestamp: 9 }), false);
    assert.equal(supersedes({ online: true, timestamp: 10 }, { online: false, timestamp: 10 }), true);
  });

  it('topics: node, device, STATE, and only this node’s commands parse', () => {
    const t = new SparkplugTopics('site', 'gw');
    assert.equal(t.node('NBIRTH'), 'spBv1.0/site/NBIRTH/gw');
    assert.equal(t.device('DDATA', 'gas-1'), 'spBv1.0/site/DDATA/gw/gas-1');
    assert.equal(SparkplugTopics.state('scada'), 'spBv1.0/STATE/scada');
    assert.equal(t.dcmdFilter, 'spBv1.0/site/DCMD/gw/+');
    assert.deepEqual(t.parseCommand('spBv1.0/site/NCMD/gw'), { verb: 'NCMD' });
    assert.deepEqual(t.parseCommand('spBv1.0/site/DCMD/gw/gas-1'), { verb: 'DCMD', device: 'gas-1' });
    for (const other of ['spBv1.0/site/NCMD/other', 'spBv1.0/x/NCMD/gw', 'spBv1.0/site/NDATA/gw', 'spBv1.0/site/DCMD/gw']) {
      assert.equal(t.parseCommand(other), undefined, other);
    }
  });
});
