import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TwinReported } from '@lifeline/twin';
import fc from 'fast-check';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';
import { encodeMbap, MAX_ADU_BYTES, parseMbap } from '../../../gateway/src/transports/mbap-framing.js';
import { runCommand } from '../../../gateway/src/twin/command-decision.js';
import { decideDesired, MAX_REASONS } from '../../../gateway/src/twin/desired-decision.js';
import { RequestGuard } from '../../../gateway/src/twin/request-guard.js';

/**
 * Property-based hostile input (issue 18): whatever arrives, each parser gives
 * a clear rejection or a bounded result, and never throws.
 */
const reported = { limitsVersion: 'lv-1', limits: { 'gas-1/lel1/hihi': {} }, alarms: { 'gas-1/lel1/hihi': {} } } as unknown as TwinReported;
const ctx = {
  reported,
  rules: [{ user: 'ops', may: ['limits', 'ack', 'shelve'] as const }],
  canApply: true,
  maxBytes: 65_536,
  maxItems: 256,
  origin: 'centre' as const,
  guard: new RequestGuard(300_000, () => Date.now()),
};

/** JSON-ish payloads: arbitrary values, desired-shaped objects with hostile members, raw bytes. */
const payloads = fc.oneof(
  fc.json().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc
    .record(
      {
        clientToken: fc.oneof(fc.string(), fc.integer()),
        by: fc.oneof(fc.record({ user: fc.string() }), fc.constant(null)),
        ifLimitsVersion: fc.oneof(fc.string(), fc.constant('lv-1')),
        limits: fc.dictionary(fc.string(), fc.oneof(fc.record({ value: fc.double() }), fc.anything()), { maxKeys: 400 }),
        acks: fc.array(fc.oneof(fc.string(), fc.constant('gas-1/lel1/hihi')), { maxLength: 300 }),
        shelve: fc.dictionary(fc.string(), fc.anything()),
      },
      { requiredKeys: [] },
    )
    .map((o) => Buffer.from(JSON.stringify(o))),
);

describe('hostile input: property-based (fast-check)', () => {
  it('MBAP: any byte stream parses to a bounded frame, a need for more, or a reason — never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const r = parseMbap(Buffer.from(bytes));
        if (r.kind === 'frame') {
          assert.ok(r.size <= MAX_ADU_BYTES && r.size <= bytes.length);
          assert.equal(r.pdu.length, r.size - 7);
        }
        if (r.kind === 'invalid') assert.ok(r.reason.length > 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('MBAP: every well-formed ADU round-trips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ minLength: 1, maxLength: 253 }),
        (tid, unit, pdu) => {
          const r = parseMbap(encodeMbap(tid, unit, Buffer.from(pdu)));
          assert.equal(r.kind, 'frame');
          if (r.kind === 'frame') assert.deepEqual([r.tid, r.unitId, [...r.pdu]], [tid, unit, [...pdu]]);
        },
      ),
    );
  });

  it('twin/desired: any payload is decided without a throw, with at most 50 reasons', () => {
    fc.assert(
      fc.property(payloads, (payload) => {
        const d = decideDesired(payload, ctx);
        if (!d.ok) {
          assert.ok(d.reasons.length >= 1 && d.reasons.length <= MAX_REASONS);
          for (const r of d.reasons) assert.match(r.code, /^LL_ERR_/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('twin commands: any payload gets an answer or a resync, never a throw', () => {
    fc.assert(
      fc.property(fc.constantFrom('ack' as const, 'shelve' as const, 'resync' as const), payloads, (name, payload) => {
        const outcome = runCommand(name, payload, {
          reported,
          rules: [],
          alarms: undefined,
          origin: 'centre',
          guard: new RequestGuard(300_000, () => Date.now()),
        });
        if (outcome.kind === 'answer' && !outcome.result.ok) assert.match(outcome.result.code ?? '', /^LL_ERR_/);
      }),
      { numRuns: 500 },
    );
  });

  describe('site files', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lifeline-hostile-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    /** YAML-ish text: valid-looking keys, anchors and aliases, tabs, quotes, noise. */
    const yamlText = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'site: s',
            'gateway: g',
            'devices:',
            '  - id: d',
            '    profile: gas-detector',
            'a: &x [1, 2]',
            'b: *x',
            'c: *missing',
            '\t- tab',
            '"unclosed',
            'http: { port: 99999 }',
            '<<: *x',
          ),
          fc.string({ maxLength: 40 }),
        ),
        { maxLength: 20 },
      )
      .map((lines) => lines.join('\n'));

    it('any text is a site config or a ConfigError with file:line issues — never another throw', async () => {
      await fc.assert(
        fc.asyncProperty(yamlText, async (text) => {
          const file = join(dir, 'site.yaml');
          await writeFile(file, text);
          try {
            await loadSiteConfig(file, {});
          } catch (e) {
            assert.ok(e instanceof ConfigError, `not a ConfigError for ${JSON.stringify(text)}: ${(e as Error)?.stack}`);
            for (const issue of e.issues) assert.ok(issue.line >= 1 && issue.message.length > 0);
          }
        }),
        { numRuns: 150 },
      );
    });
  });
});
