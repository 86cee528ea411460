import assert from 'node:assert/strict';
import { gatewayTopics } from '@lifeline/twin';
import { filterCovers, LocalAcl } from '../../../gateway/src/uplink/local-acl.js';
import { topicMatches } from '../../../gateway/src/uplink/topic-filter.js';

describe('MQTT topic filters', () => {
  const rows: [string, string, boolean][] = [
    ['a/b', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'x/y', true],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/b', 'a', false],
  ];
  for (const [filter, topic, match] of rows) {
    it(`${filter} ${match ? 'matches' : 'does not match'} ${topic}`, () => assert.equal(topicMatches(filter, topic), match));
  }

  const covers: [string, string, boolean][] = [
    ['lifeline/v1/#', 'lifeline/v1/+/+/alarms', true],
    ['lifeline/v1/+/+/alarms', 'lifeline/v1/#', false],
    ['lifeline/v1/+/+/alarms', 'lifeline/v1/s/g/alarms', true],
    ['lifeline/v1/s/+/alarms', 'lifeline/v1/+/g/alarms', false],
    ['a/b', 'a/b', true],
  ];
  for (const [allowed, requested, ok] of covers) {
    it(`${allowed} ${ok ? 'covers' : 'does not cover'} ${requested}`, () => assert.equal(filterCovers(allowed, requested), ok));
  }
});

describe('local broker ACL decisions', () => {
  const topics = gatewayTopics('s', 'g');
  const gateway = { username: 'lifeline-gateway', password: 'gw-secret', publish: ['#'], subscribe: ['#'] };
  const acl = new LocalAcl(
    [
      { username: 'hmi', password: 's3cret', publish: ['lifeline/v1/#'], subscribe: ['lifeline/v1/#'] },
      { username: 'nodered', password: 'pw', publish: [], subscribe: ['lifeline/v1/+/+/telemetry'] },
    ],
    { gateway, topics },
  );
  const open = new LocalAcl([], { gateway, topics });
  const body = (user: string) => Buffer.from(JSON.stringify({ clientToken: 't', by: { user } }));

  it('without users anyone may connect and publish, but an unknown login proves nobody', () => {
    assert.equal(open.authenticate(undefined, undefined), null);
    assert.equal(open.authenticate('hmi', Buffer.from('anything')), null);
    assert.equal(open.authenticate('lifeline-gateway', Buffer.from('gw-secret')), 'lifeline-gateway');
    assert.equal(open.authenticate('lifeline-gateway', Buffer.from('guess')), false);
    assert.equal(open.publishRefusal(undefined, 'x', Buffer.from('')), undefined);
  });

  it('checks passwords', () => {
    assert.equal(acl.authenticate('hmi', Buffer.from('s3cret')), 'hmi');
    assert.equal(acl.authenticate('hmi', Buffer.from('wrong!')), false);
    assert.equal(acl.authenticate('nobody', Buffer.from('s3cret')), false);
    assert.equal(acl.authenticate(undefined, undefined), false);
  });

  it('holds each user to their filters', () => {
    assert.equal(acl.publishRefusal('hmi', 'lifeline/v1/s/g/cmd/ack', body('hmi')), undefined);
    assert.equal(acl.publishRefusal('nodered', 'lifeline/v1/s/g/cmd/ack', body('nodered')), 'acl');
    assert.equal(acl.maySubscribe('nodered', 'lifeline/v1/s/g/telemetry'), true);
    assert.equal(acl.maySubscribe('nodered', 'lifeline/v1/#'), false);
    assert.equal(acl.maySubscribe(undefined, 'lifeline/v1/#'), false);
  });

  // Identity from the connection (docs/security.md): [who, topic, by.user, refusal].
  const rows: ['open' | 'users', string | undefined, string, string, string | undefined][] = [
    ['open', undefined, 'lifeline/v1/s/g/cmd/ack', 'anyone-on-the-lan', 'anonymous-command'],
    ['open', undefined, 'lifeline/v1/s/g/cmd/shelve', 'ops', 'anonymous-command'],
    ['open', undefined, 'lifeline/v1/s/g/cmd/resync', 'ops', 'anonymous-command'],
    ['open', undefined, 'lifeline/v1/s/g/twin/desired', 'ops', 'anonymous-command'],
    ['open', undefined, 'lifeline/v1/s/g/status', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/s/g/twin', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/s/g/twin/patch', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/s/g/twin/desired/result', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/s/g/cmd/ack/result', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/s/g/alarms', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/s/g/telemetry', 'x', 'gateway-topic'],
    ['open', undefined, 'lifeline/v1/other/g/status', 'x', undefined],
    ['open', 'lifeline-gateway', 'lifeline/v1/s/g/status', 'x', undefined],
    ['users', 'hmi', 'lifeline/v1/s/g/cmd/ack', 'hmi', undefined],
    ['users', 'hmi', 'lifeline/v1/s/g/cmd/ack', 'ops', 'forged-user'],
    ['users', 'hmi', 'lifeline/v1/s/g/twin/desired', 'admin', 'forged-user'],
    ['users', 'hmi', 'lifeline/v1/s/g/status', 'hmi', 'gateway-topic'],
    ['users', 'hmi', 'lifeline/v1/s/g/alarms', 'hmi', 'gateway-topic'],
    ['users', 'lifeline-gateway', 'lifeline/v1/s/g/cmd/ack/result', 'x', undefined],
  ];
  for (const [mode, user, topic, by, refusal] of rows) {
    it(`${mode}: ${user ?? 'anonymous'} publishing ${topic} as by.user ${by}: ${refusal ?? 'allowed'}`, () => {
      assert.equal((mode === 'open' ? open : acl).publishRefusal(user, topic, body(by)), refusal);
    });
  }

  it('a payload naming nobody passes to the gateway, which refuses it as malformed', () => {
    assert.equal(acl.publishRefusal('hmi', 'lifeline/v1/s/g/cmd/ack', Buffer.from('not json')), undefined);
  });
});
