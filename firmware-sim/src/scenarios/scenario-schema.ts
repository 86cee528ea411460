import { type Static, Type } from '@sinclair/typebox';

/** JSON Schema of a scenario file (firmware-sim/scenarios/*.yaml; docs/simulator.md). */

const PointId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' });
const Value = Type.Union([Type.Number(), Type.Boolean()]);

export const BehaviourOverrideSchema = Type.Object(
  {
    noise: Type.Optional(Type.Number({ minimum: 0 })),
    driftPerHour: Type.Optional(Type.Number()),
    daily: Type.Optional(
      Type.Object(
        { amplitude: Type.Number({ minimum: 0 }), peakHour: Type.Optional(Type.Number({ minimum: 0, maximum: 24 })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ScenarioStepSchema = Type.Object(
  {
    atMs: Type.Integer({ minimum: 0, description: 'when the step starts, from scenario start, in scenario time' }),
    note: Type.Optional(Type.String({ description: 'what happens, for the live log' })),
    set: Type.Optional(Type.Record(PointId, Value, { description: 'points set at once' })),
    ramp: Type.Optional(
      Type.Object(
        { point: PointId, to: Type.Number(), durationMs: Type.Integer({ minimum: 1 }) },
        { additionalProperties: false, description: 'a linear change from the current value' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    name: PointId,
    description: Type.String({ minLength: 1 }),
    profile: PointId,
    behaviour: Type.Optional(Type.Record(PointId, BehaviourOverrideSchema, { description: 'behaviour overrides while running' })),
    steps: Type.Array(ScenarioStepSchema, { minItems: 1 }),
  },
  { $id: 'https://lifeline.dev/schemas/scenario.json', additionalProperties: false },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type ScenarioStep = Static<typeof ScenarioStepSchema>;

/** Scenario time at which every step, ramps included, is done. */
export function scenarioDurationMs(scenario: Scenario): number {
  return Math.max(...scenario.steps.map((s) => s.atMs + (s.ramp?.durationMs ?? 0)));
}
