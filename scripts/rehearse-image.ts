// Replays the Dockerfile's image stages outside Docker (there is no Docker
// engine on the development and CI machines), from the Dockerfile's own COPY
// and RUN lines, so the rehearsal cannot drift from the image:
//   node --import tsx scripts/rehearse-image.ts runtime  <dir>   the runtime stage's /app
//   node --import tsx scripts/rehearse-image.ts node-red <dir>   <dir>/opt/lifeline + <dir>/usr/src/node-red
//   node --import tsx scripts/rehearse-image.ts node-red-lock <dir>   regenerate deploy/node-red/package-lock.json
// `npm run build` first: the build stage's output is the checkout's dist/.
// test/integration/image-runtime.test.ts runs the runtime rehearsal and then
// the gateway from it; docs/deployment.md says how to try the node-red one.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../', import.meta.url));

/** One Dockerfile instruction of a stage, continuation lines joined. */
export interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** The Dockerfile's stages by name (`FROM … AS name`), each with its base image and instructions. */
export async function dockerStages(dockerfile = join(REPO, 'Dockerfile')): Promise<Map<string, { from: string; steps: Instruction[] }>> {
  const text = (await readFile(dockerfile, 'utf8')).replace(/\\\n/g, ' ');
  const stages = new Map<string, { from: string; steps: Instruction[] }>();
  let current: Instruction[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m || line.trim().startsWith('#')) continue;
    const [, op, args] = m as unknown as [string, string, string];
    if (op === 'FROM') {
      const [, from, name] = /^(\S+)\s+AS\s+(\S+)$/.exec(args) ?? [];
      if (!from || !name) throw new Error(`FROM without a stage name: ${line}`);
      current = [];
      stages.set(name, { from, steps: current });
    } else current?.push({ op, args: args.replace(/\s+/g, ' ').trim() });
  }
  return stages;
}

/** A COPY instruction: where from (a stage or the build context) and what to where. */
export interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
  readonly dest: string;
}

export function parseCopy(args: string): Copy {
  const words = args.split(' ');
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  const dest = paths.pop();
  if (!dest || paths.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { from, sources: paths, dest };
}

/** What the build stage deletes after tsc (its `find … -delete`): compiler-only files. */
export const BUILD_ONLY = [/\.tsbuildinfo$/, /\.d\.ts$/, /\.d\.ts\.map$/];

/** The .dockerignore patterns (only the forms it uses: a name, `**` + name, a path). */
export async function dockerIgnored(): Promise<(path: string) => boolean> {
  const lines = (await readFile(join(REPO, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
  const patterns = lines.filter((l) => l && !l.startsWith('#'));
  return (path: string) =>
    patterns.some((p) => {
      const bare = p.replace(/^\*\*\//, '');
      if (bare.startsWith('*')) return path.endsWith(bare.slice(1));
      return p.startsWith('**/') ? path.split('/').includes(bare) : path === p || path.startsWith(`${p}/`);
    });
}

/** Where each stage's files are in the rehearsal: the build stage is the built checkout. */
interface Sources {
  readonly context: string;
  readonly stages: Map<string, string>;
}

/** Replays a stage's WORKDIR, COPY and (for prod-deps) its `npm ci` into `root`, a stand-in for `/`. */
async function replay(steps: Instruction[], root: string, sources: Sources): Promise<void> {
  const ignored = await dockerIgnored();
  let workdir = '/';
  for (const { op, args } of steps) {
    if (op === 'WORKDIR') workdir = posix.resolve(workdir, args);
    if (op === 'COPY') {
      const copy = parseCopy(args);
      for (const source of copy.sources) {
        const target = join(
          root,
          posix.resolve(workdir, copy.dest),
          copy.sources.length > 1 || copy.dest.endsWith('/') ? posix.basename(source) : '',
        );
        if (copy.from === undefined && ignored(source)) throw new Error(`COPY ${source}: excluded by .dockerignore`);
        const base = copy.from === undefined ? sources.context : sources.stages.get(copy.from);
        if (base === undefined) throw new Error(`COPY --from=${copy.from}: stage not rehearsed`);
        const from = copy.from === undefined ? join(base, source) : join(base, source.replace(/^\/app\/?/, ''));
        await mkdir(dirname(target), { recursive: true });
        // Only the build stage's output went through its `find … -delete`; node_modules keep their .d.ts files.
        const filter = copy.from === 'build' ? (f: string) => !BUILD_ONLY.some((r) => r.test(f)) : () => true;
        await cp(from, target, { recursive: true, verbatimSymlinks: true, filter });
      }
    }
    if (op === 'RUN' && args.startsWith('npm ci ')) {
      const npmArgs = args.split('&&')[0]?.trim().split(' ').slice(1) ?? [];
      // The npm cache of the checkout's own install has every tarball; the registry only fills gaps.
      await run('npm', [...npmArgs, '--prefer-offline'], { cwd: join(root, workdir), env: { ...process.env, NODE_ENV: 'production' } });
    }
  }
}

/** The runtime stage's `/app` in `dir`, with a rehearsed prod-deps stage next to it. */
export async function rehearseRuntime(dir: string): Promise<string> {
  const stages = await dockerStages();
  const prodDeps = join(dir, 'stage-prod-deps');
  const sources: Sources = { context: REPO, stages: new Map([['build', REPO]]) };
  await replay(stages.get('prod-deps')?.steps ?? [], prodDeps, sources);
  sources.stages.set('prod-deps', join(prodDeps, 'app'));
  const runtime = join(dir, 'stage-runtime');
  await replay(stages.get('runtime')?.steps ?? [], runtime, sources);
  return join(runtime, 'app');
}

/** The node-red stage in `dir` (its /opt/lifeline and /usr/src/node-red); `npm ci` of Node-RED needs its tarballs cached or the registry. */
export async function rehearseNodeRed(dir: string): Promise<string> {
  const app = await rehearseRuntime(join(dir, 'stages'));
  const stages = await dockerStages();
  const root = join(dir, 'root');
  const sources: Sources = {
    context: REPO,
    stages: new Map([
      ['build', REPO],
      ['runtime', app],
    ]),
  };
  await replay(stages.get('node-red')?.steps ?? [], root, sources);
  return root;
}

/**
 * Regenerates deploy/node-red/package-lock.json where it means what it means
 * in the image: the node-red stage's /opt/lifeline is rehearsed first, so the
 * `file:` link to /opt/lifeline/nodes and its dependencies (satisfied from
 * /opt/lifeline/node_modules) resolve as they will in `npm ci` there.
 */
export async function lockNodeRed(dir: string): Promise<string> {
  const app = await rehearseRuntime(join(dir, 'stages'));
  const steps = (await dockerStages()).get('node-red')?.steps ?? [];
  const own = steps.findIndex((s) => s.op === 'COPY' && s.args.includes('deploy/node-red/'));
  const root = join(dir, 'root');
  await replay(steps.slice(0, own), root, {
    context: REPO,
    stages: new Map([
      ['build', REPO],
      ['runtime', app],
    ]),
  });
  const target = join(root, 'usr/src/node-red');
  await mkdir(target, { recursive: true });
  await cp(join(REPO, 'deploy/node-red/package.json'), join(target, 'package.json'));
  await run('npm', ['install', '--package-lock-only', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: target,
  });
  await cp(join(target, 'package-lock.json'), join(REPO, 'deploy/node-red/package-lock.json'));
  return join(REPO, 'deploy/node-red/package-lock.json');
}

const MODES: Record<string, (dir: string) => Promise<string>> = {
  runtime: rehearseRuntime,
  'node-red': rehearseNodeRed,
  'node-red-lock': lockNodeRed,
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [what, dir] = process.argv.slice(2);
  const mode = what === undefined ? undefined : MODES[what];
  if (!mode || !dir) {
    process.stderr.write(`usage: rehearse-image.ts ${Object.keys(MODES).join('|')} <empty folder>\n`);
    process.exit(2);
  }
  process.stdout.write(`${await mode(resolve(dir))}\n`);
}
