// Issues the compose stack's two InfluxDB 2 tokens, each limited to the one
// bucket: a write-only token for the gateway's sink and a read-only token for
// Grafana, so neither holds the operator (admin) token InfluxDB was set up
// with. InfluxDB 2 mints token strings itself (POST /api/v2/authorizations
// takes no token), so they cannot be generated ahead like the other secrets;
// this one-shot service (docker-compose.yml `influx-tokens`) asks for them and
// writes each into the volume only its consumer mounts. Idempotent: a token
// with the same description is reused, so a restart changes nothing.
// Plain ESM for the runtime image's Node.js, no dependencies.
//
// Environment: INFLUX_URL, INFLUX_ORG, INFLUX_BUCKET, INFLUX_ADMIN_TOKEN_FILE,
// WRITE_TOKEN_FILE, READ_TOKEN_FILE.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const base = env('INFLUX_URL');
const admin = readFileSync(env('INFLUX_ADMIN_TOKEN_FILE'), 'utf8').trim();

/** One InfluxDB v2 API call with the operator token; an error answer throws with its body. */
async function api(path, init = {}) {
  const res = await fetch(new URL(path, base), {
    ...init,
    headers: { authorization: `Token ${admin}`, 'content-type': 'application/json' },
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${body}`);
  return JSON.parse(body);
}

/** The active token with this description, or a new one with exactly `permissions`. */
async function ensureToken(orgID, description, permissions) {
  const { authorizations } = await api(`/api/v2/authorizations?orgID=${orgID}`);
  const existing = authorizations.find((a) => a.description === description && a.status === 'active');
  if (existing) return existing.token;
  const created = await api('/api/v2/authorizations', {
    method: 'POST',
    body: JSON.stringify({ orgID, description, status: 'active', permissions }),
  });
  return created.token;
}

/** Written whole (rename), world-readable: the consumers run as other users than this service. No newline: Grafana's $__file{} takes the file as it is. */
function publish(file, token) {
  writeFileSync(`${file}.tmp`, token, { mode: 0o444 });
  renameSync(`${file}.tmp`, file);
}

const org = env('INFLUX_ORG');
const bucketName = env('INFLUX_BUCKET');
const { orgs } = await api(`/api/v2/orgs?org=${encodeURIComponent(org)}`);
const orgID = orgs[0]?.id;
if (!orgID) throw new Error(`InfluxDB has no organisation ${org}`);
const { buckets } = await api(`/api/v2/buckets?orgID=${orgID}&name=${encodeURIComponent(bucketName)}`);
const bucket = buckets[0]?.id;
if (!bucket) throw new Error(`InfluxDB has no bucket ${bucketName} in ${org}`);
const resource = { type: 'buckets', id: bucket, orgID };

publish(env('WRITE_TOKEN_FILE'), await ensureToken(orgID, `lifeline gateway: write ${bucketName}`, [{ action: 'write', resource }]));
publish(env('READ_TOKEN_FILE'), await ensureToken(orgID, `lifeline grafana: read ${bucketName}`, [{ action: 'read', resource }]));
process.stdout.write(`issued the gateway's write token and Grafana's read token for bucket ${bucketName}\n`);
