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
