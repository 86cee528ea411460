const pools = new WeakMap<object, Map<string, unknown>>();

/**
 * Structurally equal plain values (a register, a limit, a point's limits) made
 * once per `scope` (a profile) and shared: the devices of one profile carry
 * the same registers and, unless the site overrides them, the same limits, so
 * a site of 910 gas detectors holds 11 register objects instead of 10,010.
 * Safe because the resolved config is frozen (validate, then freeze). The key
 * is the value's JSON: these values are built field by field in one order.
 */
export function internIn(scope: object): <T>(value: T) => T {
  let pool = pools.get(scope);
  if (!pool) {
    pool = new Map();
    pools.set(scope, pool);
  }
  const values = pool;
  return <T>(value: T): T => {
    const key = JSON.stringify(value);
    const known = values.get(key);
    if (known !== undefined) return known as T;
    values.set(key, value);
    return value;
  };
}
