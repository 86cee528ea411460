/**
 * The gateway and twin packages are ES modules; Node-RED loads node files with
 * require(). Each node module's init awaits this once (Node-RED waits for a
 * node module's returned promise before starting flows), then uses only their
 * public, stable API: DESIGN.md §2, `nodes → gateway/twin public API`.
 */
export type GatewayApi = typeof import('@lifeline/gateway');
export type TwinApi = typeof import('@lifeline/twin');

export interface LifelineApi {
  readonly gateway: GatewayApi;
  readonly twin: TwinApi;
}

let loading: Promise<LifelineApi> | undefined;

export function loadLifelineApi(): Promise<LifelineApi> {
  loading ??= Promise.all([import('@lifeline/gateway'), import('@lifeline/twin')]).then(([gateway, twin]) => ({ gateway, twin }));
  return loading;
}

// The packages' types, named once here: a CommonJS file reaches an ES module's
// types through import() type queries.
export type ErrorSpec = import('@lifeline/gateway').ErrorSpec;
export type LifelineError = import('@lifeline/gateway').LifelineError;
export type Clock = import('@lifeline/gateway').Clock;
export type TimerHandle = import('@lifeline/gateway').TimerHandle;
export type LimitState = import('@lifeline/gateway').LimitState;
export type LimitInput = import('@lifeline/gateway').LimitInput;
export type LifecycleInput = import('@lifeline/gateway').LifecycleInput;
export type Lifecycle = import('@lifeline/gateway').Lifecycle;
export type AlarmEvent = import('@lifeline/twin').AlarmEvent;
export type AlarmState = import('@lifeline/twin').AlarmState;
export type AlarmCondition = import('@lifeline/twin').AlarmCondition;
export type Priority = import('@lifeline/twin').Priority;
export type GatewayTopics = import('@lifeline/twin').GatewayTopics;
