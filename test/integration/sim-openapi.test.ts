import assert from 'node:assert/strict';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { FIXTURES } from '../support/fixtures.js';

type Operation = { operationId?: string; responses?: Record<string, unknown> };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** A request a bench could send by mistake, and the operation (OpenAPI path + method) it reaches. */
interface Probe {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly url: string;
  readonly operation: string;
  readonly body?: unknown;
  readonly contentType?: string;
}

const POINT = '/devices/{device}/points/{point}';
const PROBES: readonly Probe[] = [
  { method: 'GET', url: '/devices/no-such/points/lel1', operation: `get ${POINT}` },
  { method: 'PUT', url: '/devices/no-such/points/lel1', operation: `put ${POINT}`, body: { value: 1 } },
  { method: 'PUT', url: '/devices/gas-1/points/lel1', operation: `put ${POINT}`, body: { valeu: 1 } },
  { method: 'PUT', url: '/devices/gas-1/points/lel1', operation: `put ${POINT}`, body: 'value=1', contentType: 'text/plain' },
  { method: 'DELETE', url: '/devices/gas-1/points/no-such', operation: `delete ${POINT}` },
  { method: 'POST', url: '/scenarios/no-such/start', operation: 'post /scenarios/{name}/start', body: {} },
  { method: 'POST', url: '/scenarios/gas-leak/start', operation: 'post /scenarios/{name}/start', body: { timeScale: 0 } },
  { method: 'POST', url: '/scenarios/no-such/stop', operation: 'post /scenarios/{name}/stop' },
  { method: 'POST', url: '/faults', operation: 'post /faults', body: { kind: 'no-such', device: 'gas-1' } },
  { method: 'POST', url: '/faults', operation: 'post /faults', body: { kind: 'no-response', device: 'no-such' } },
  { method: 'DELETE', url: '/faults/f999', operation: 'delete /faults/{id}' },
];

/** Routes that take neither a path parameter nor a body, and so have no client error to answer. */
const NO_CLIENT_ERRORS = new Set(['get /devices', 'get /scenarios', 'get /faults']);

/**
 * The OpenAPI document a running simulator serves, as a client generator
 * reads it: valid (an OpenAPI 3.0 document may not carry JSON Schema 2020
 * keywords such as a numeric exclusiveMinimum), every operation named, and
 * every client error a route really answers declared with the error body.
 */
describe('simulator OpenAPI document', () => {
  let sim: FirmwareSimulator;
  let api: string;
  let doc: Doc;

  before(async () => {
    const site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    sim = new FirmwareSimulator(site, pino({ level: 'silent' }));
    const { controlPort } = await sim.start('127.0.0.1', 0);
    api = `http://127.0.0.1:${controlPort}`;
    const res = await fetch(`${api}/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
  });
  after(() => sim?.stop());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path}`, op })),
    );

  it('is a valid OpenAPI document', async () => {
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, `${doc.openapi}: ${JSON.stringify(result, null, 2)}`);
    assert.match(doc.openapi, /^3\.1\./);
  });

  it('names every operation, each once', () => {
    const ids = operations().map(({ key, op }) => {
      assert.ok(op.operationId, `${key} has an operationId`);
      return op.operationId;
    });
    assert.ok(ids.length >= 10, `${ids.length} operations`);
    assert.equal(new Set(ids).size, ids.length, ids.join(', '));
  });

  it('declares DELETE and PUT {"mode": "behaviour"} on a point', () => {
    const point = doc.paths[POINT];
    assert.ok(point?.delete, 'DELETE /devices/{device}/points/{point}');
    assert.match(JSON.stringify(point?.put), /"mode"[^}]*"enum":\["behaviour"\]/);
  });

  it('declares, with the error body, every client error the routes really answer', async () => {
    const probed = new Set<string>();
    for (const probe of PROBES) {
      const res = await fetch(`${api}${probe.url}`, {
        method: probe.method,
        ...(probe.body === undefined
          ? {}
          : {
              headers: { 'content-type': probe.contentType ?? 'application/json' },
              body: typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body),
            }),
      });
      const body = (await res.json()) as { code?: string; statusCode?: number };
      assert.ok(res.status >= 400 && res.status < 500, `${probe.method} ${probe.url}: ${res.status}`);
      assert.match(body.code ?? '', /^LL_ERR_SIM_/, `${probe.method} ${probe.url} answers the error body`);
      assert.equal(body.statusCode, res.status, 'the body carries its status, as the gateway and centre bodies do');
      const [method = '', path = ''] = probe.operation.split(' ');
      const declared = doc.paths[path]?.[method]?.responses?.[String(res.status)] as { content?: Record<string, { schema?: unknown }> };
      assert.ok(declared, `${probe.operation} answered ${res.status} (${body.code}), which it does not declare`);
      assert.deepEqual(
        (declared.content?.['application/json']?.schema as { required?: string[] })?.required,
        ['statusCode', 'code', 'message', 'hint'],
        `${probe.operation} ${res.status} declares the error body`,
      );
      probed.add(probe.operation);
    }
    for (const { key } of operations()) assert.ok(probed.has(key) || NO_CLIENT_ERRORS.has(key), `no probe reaches ${key}`);
  });
});
