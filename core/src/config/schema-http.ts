import { Type } from '@sinclair/typebox';
import { coreError } from '../errors/index.js';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import { type ListenerTls, type ListenerTlsInput, listenerTlsSchema, resolveListenerTls } from './schema-tls.js';
import type { YamlSource } from './yaml-source.js';

/**
 * The `http:` block of a site config: where the API and dashboard listen, who
 * may do what (DESIGN.md §4: viewer, operator for ack/shelve, admin for
 * config), and how fast write routes may be called.
 */

export const HTTP_ROLES = ['viewer', 'operator', 'admin'] as const;
export type HttpRole = (typeof HTTP_ROLES)[number];

export const HttpTokenSchema = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 64, description: 'who holds the token; recorded with every ack and shelve' }),
    role: Type.Unsafe<HttpRole>({
      type: 'string',
      enum: [...HTTP_ROLES],
      description: 'what the token may do; roles nest viewer < operator < admin',
    }),
    token: Type.String({ minLength: 16, description: 'a bearer secret of at least 16 characters; never logged' }),
  },
  { additionalProperties: false },
);

export const HttpSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ default: DEFAULTS.httpHost, description: 'address of the HTTP API and dashboard' })),
    port: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        default: DEFAULTS.httpPort,
        description: 'its port; 0 picks a free one; LIFELINE_HTTP_PORT overrides',
      }),
    ),
    tls: Type.Optional(listenerTlsSchema('serve HTTPS (and wss://) only: a plain HTTP connection is refused')),
    allowInsecure: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'off loopback the API needs tokens and anonymous: none, else it is refused unless this is true (a closed test network only; warned at every start)',
      }),
    ),
    allowedOrigins: Type.Optional(
      Type.Array(Type.String({ pattern: '^https?://[^/\\s]+$', description: 'scheme://host[:port]' }), {
        description:
          "web page origins besides the dashboard's own that may open the live WebSocket (/ws); any other browser page is refused (403)",
      }),
    ),
    tokens: Type.Optional(Type.Array(HttpTokenSchema, { description: 'bearer tokens; LIFELINE_{VIEWER,OPERATOR,ADMIN}_TOKEN add more' })),
    anonymous: Type.Optional(
      Type.Unsafe<'viewer' | 'none'>({
        type: 'string',
        enum: ['viewer', 'none'],
        default: DEFAULTS.httpAnonymous,
        description: 'what a request without a token may do: read (viewer) or nothing (none)',
      }),
    ),
    writeRateLimit: Type.Optional(
      Type.Object(
        {
          max: Type.Integer({
            minimum: 1,
            maximum: 100_000,
            description: 'write requests per client (token user, else address) per window',
          }),
          windowMs: Type.Optional(
            Type.Integer({
              minimum: 1000,
              maximum: 3_600_000,
              default: DEFAULTS.httpWriteRateLimitWindowMs,
              description: 'the window, ms',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: `rate limit of the write routes (ack, shelve, limit changes); without it ${DEFAULTS.httpWriteRateLimitMax} per ${DEFAULTS.httpWriteRateLimitWindowMs} ms; more answer 429`,
        },
      ),
    ),
    historyPerPoint: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 100_000,
        default: DEFAULTS.httpHistoryPerPoint,
        description: 'full-resolution samples kept in memory per point for trends (older ones come from the durable history)',
      }),
    ),
    maxBodyBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 16_777_216,
        default: DEFAULTS.httpMaxBodyBytes,
        description:
          'the largest request body of any route (an ack, a shelve, a limit change are well under 1 KiB); larger bodies are answered 413 before they are parsed',
      }),
    ),
    live: Type.Optional(
      Type.Object(
        {
          maxClients: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 10_000,
              default: DEFAULTS.httpLiveMaxClients,
              description: 'open /ws connections at most; one more is closed at once with code 1013 (try again later)',
            }),
          ),
          maxBufferedBytes: Type.Optional(
            Type.Integer({
              minimum: 65_536,
              maximum: 268_435_456,
              default: DEFAULTS.httpLiveMaxBufferedBytes,
              description:
                'bytes queued for one /ws client that does not read: above half of it readings are dropped (alarms and comm changes still go), above all of it its connection is dropped',
            }),
          ),
        },
        { additionalProperties: false, description: 'the live WebSocket (/ws): a connection cap and backpressure for slow clients' },
      ),
    ),
  },
  { additionalProperties: false },
);

export interface HttpToken {
  readonly user: string;
  readonly role: HttpRole;
  readonly token: string;
}

/** The resolved `http:` block. */
export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  readonly allowInsecure: boolean;
  readonly tls?: ListenerTls;
  readonly allowedOrigins: readonly string[];
  readonly tokens: readonly HttpToken[];
  readonly anonymous: 'viewer' | 'none';
  readonly writeRateLimit: { readonly max: number; readonly windowMs: number };
  readonly historyPerPoint: number;
  readonly maxBodyBytes: number;
  readonly live: { readonly maxClients: number; readonly maxBufferedBytes: number };
}

/** Environment variables that each add one token, for containers that keep secrets out of the file. */
export const TOKEN_VARIABLES: Readonly<Record<HttpRole, string>> = {
  viewer: 'LIFELINE_VIEWER_TOKEN',
  operator: 'LIFELINE_OPERATOR_TOKEN',
  admin: 'LIFELINE_ADMIN_TOKEN',
};

type HttpInput = {
  host?: string;
  port?: number;
  allowInsecure?: boolean;
  tls?: ListenerTlsInput;
  allowedOrigins?: string[];
  tokens?: HttpToken[];
  anonymous?: 'viewer' | 'none';
  writeRateLimit?: { max: number; windowMs?: number };
  historyPerPoint?: number;
  maxBodyBytes?: number;
  live?: { maxClients?: number; maxBufferedBytes?: number };
};

export function resolveHttp(input: HttpInput | undefined, baseDir = '.'): HttpConfig {
  const tls = resolveListenerTls(input?.tls, baseDir);
  return {
    ...(tls ? { tls } : {}),
    host: input?.host ?? DEFAULTS.httpHost,
    port: input?.port ?? DEFAULTS.httpPort,
    allowInsecure: input?.allowInsecure ?? false,
    allowedOrigins: input?.allowedOrigins ?? [],
    tokens: input?.tokens ?? [],
    anonymous: input?.anonymous ?? DEFAULTS.httpAnonymous,
    writeRateLimit: {
      max: input?.writeRateLimit?.max ?? DEFAULTS.httpWriteRateLimitMax,
      windowMs: input?.writeRateLimit?.windowMs ?? DEFAULTS.httpWriteRateLimitWindowMs,
    },
    historyPerPoint: input?.historyPerPoint ?? DEFAULTS.httpHistoryPerPoint,
    maxBodyBytes: input?.maxBodyBytes ?? DEFAULTS.httpMaxBodyBytes,
    live: {
      maxClients: input?.live?.maxClients ?? DEFAULTS.httpLiveMaxClients,
      maxBufferedBytes: input?.live?.maxBufferedBytes ?? DEFAULTS.httpLiveMaxBufferedBytes,
    },
  };
}

/**
 * Adds the tokens given in LIFELINE_{VIEWER,OPERATOR,ADMIN}_TOKEN (user `env-<role>`).
 */
export function tokensFromEnv(env: NodeJS.ProcessEnv): HttpToken[] {
  return HTTP_ROLES.flatMap((role) => {
    const token = env[TOKEN_VARIABLES[role]];
    if (token === undefined || token === '') return [];
    // The value is a secret: the error names the variable, never echoes it.
    if (token.length < 16) throw coreError('LL_ERR_CONFIG_ENV', TOKEN_VARIABLES[role], '(hidden)', 'a token of at least 16 characters');
    return [{ user: `env-${role}`, role, token }];
  });
}

/** One token, one holder: a shared token would make every ack's `user` a guess. */
export function checkHttpTokens(input: HttpInput | undefined, source: YamlSource): ConfigIssue[] {
  const seen = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  for (const [index, t] of (input?.tokens ?? []).entries()) {
    const first = seen.get(t.token);
    if (first === undefined) seen.set(t.token, index);
    else
      issues.push(
        source.issueAt(
          ['http', 'tokens', index, 'token'],
          `the same token as http.tokens[${first}]`,
          'give every user a token of their own',
        ),
      );
  }
  return issues;
}
