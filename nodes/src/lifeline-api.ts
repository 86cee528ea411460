/**
 * The core and twin packages are ES modules; Node-RED loads node files with
 * require(). Each node module's init awaits this once (Node-RED waits for a
 * node module's returned promise before starting flows), then uses only their
 * public, stable API: DESIGN.md §2, `nodes → core, twin` (never the gateway,
 * so installing the nodes pulls in no broker, HTTP server or SQLite).
 */
export type CoreApi = typeof import('@lifeline/core');
export type TwinApi = typeof import('@lifeline/twin');

export interface LifelineApi {
  readonly core: CoreApi;
  readonly twin: TwinApi;
}

let loading: Promise<LifelineApi> | undefined;

export function loadLifelineApi(): Promise<LifelineApi> {
  loading ??= Promise.all([import('@lifeline/core'), import('@lifeline/twin')]).then(([core, twin]) => ({ core, twin }));
  return loading;
}

// The packages' types, named once here: a CommonJS file reaches an ES module's
// types through import() type queries.
export type ErrorSpec = import('@lifeline/core').ErrorSpec;
export type LifelineError = import('@lifeline/core').LifelineError;
export type Clock = import('@lifeline/core').Clock;
export type TimerHandle = import('@lifeline/core').TimerHandle;
export type LimitState = import('@lifeline/core').LimitState;
export type LimitInput = import('@lifeline/core').LimitInput;
export type LifecycleInput = import('@lifeline/core').LifecycleInput;
export type Lifecycle = import('@lifeline/core').Lifecycle;
export type AlarmEvent = import('@lifeline/twin').AlarmEvent;
export type AlarmState = import('@lifeline/twin').AlarmState;
export type AlarmCondition = import('@lifeline/twin').AlarmCondition;
export type Priority = import('@lifeline/twin').Priority;
export type GatewayTopics = import('@lifeline/twin').GatewayTopics;
