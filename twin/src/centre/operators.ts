import { timingSafeEqual } from 'node:crypto';

/** Who the centre's tokens belong to: the operator recorded with each ack, shelve and desired change. */
export type Operators = ReadonlyMap<string, string>;

/** Shortest token accepted in `--operators` (a guessable token is no login). */
export const MIN_TOKEN_LENGTH = 16;

/**
 * `alice:token1,bob:token2` → token → user, or a message saying what is
 * wrong. The single `--token` of earlier versions is the user `centre`.
 */
export function parseOperators(text: string | undefined, legacyToken: string | undefined): Operators | string {
  const operators = new Map<string, string>();
  if (legacyToken) operators.set(legacyToken, 'centre');
  for (const entry of (text ?? '').split(',').filter((e) => e.trim() !== '')) {
    const at = entry.indexOf(':');
    const user = entry.slice(0, at).trim();
    const token = entry.slice(at + 1).trim();
    if (at <= 0 || !/^[\w.@-]{1,64}$/.test(user))
      return `--operators "${entry.split(':')[0]}:…": write user:token, users of letters, digits, . @ - _`;
    if (token.length < MIN_TOKEN_LENGTH) return `--operators: the token of ${user} is shorter than ${MIN_TOKEN_LENGTH} characters`;
    operators.set(token, user);
  }
  return operators;
}

/** `Authorization: Bearer <token>` → the operator, compared in constant time. */
export function operatorOf(operators: Operators, authorization: string | undefined): string | undefined {
  const m = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!m) return undefined;
  const given = Buffer.from(m[1] as string);
  for (const [token, user] of operators) {
    const known = Buffer.from(token);
    if (known.length === given.length && timingSafeEqual(known, given)) return user;
  }
  return undefined;
}
