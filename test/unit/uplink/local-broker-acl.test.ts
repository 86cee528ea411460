import assert from 'node:assert/strict';
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
  const acl = new LocalAcl([
    { username: 'hmi', password: 's3cret', publish: ['lifeline/v1/+/+/cmd/#'], subscribe: ['lifeline/v1/#'] },
    { username: 'nodered', password: 'pw', publish: [], subscribe: ['lifeline/v1/+/+/telemetry'] },
  ]);

  it('without users the broker is open', () => {
    const open = new LocalAcl([]);
    assert.equal(open.authenticate(undefined, undefined), true);
    assert.equal(open.mayPublish(undefined, 'x'), true);
  });

  it('checks passwords', () => {
    assert.equal(acl.authenticate('hmi', Buffer.from('s3cret')), true);
    assert.equal(acl.authenticate('hmi', Buffer.from('wrong!')), false);
    assert.equal(acl.authenticate('nobody', Buffer.from('s3cret')), false);
    assert.equal(acl.authenticate(undefined, undefined), false);
  });

  it('holds each user to their filters', () => {
    assert.equal(acl.mayPublish('hmi', 'lifeline/v1/s/g/cmd/ack'), true);
    assert.equal(acl.mayPublish('hmi', 'lifeline/v1/s/g/alarms'), false);
    assert.equal(acl.mayPublish('nodered', 'lifeline/v1/s/g/cmd/ack'), false);
    assert.equal(acl.maySubscribe('nodered', 'lifeline/v1/s/g/telemetry'), true);
    assert.equal(acl.maySubscribe('nodered', 'lifeline/v1/#'), false);
    assert.equal(acl.maySubscribe(undefined, 'lifeline/v1/#'), false);
  });
});
