import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILT_IN_PROFILES_DIR, findProfile, loadSiteConfig } from '@lifeline/core';
import { type CommandIo, type CommissioningCommand, runCommand, UsageError } from './command.js';
import { writeNew } from './output-file.js';
import { type DeviceChoice, parseDeviceSpec, renderSite } from './site-template.js';

const OPTIONS = {
  site: { type: 'string' },
  gateway: { type: 'string' },
  device: { type: 'string', multiple: true, short: 'd' },
  'profiles-dir': { type: 'string' },
  out: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `lifeline-gateway init: write a commented site config that validates as written

usage: lifeline-gateway init --site ID --gateway ID --device [ID=]PROFILE@URL ... [--out site.yaml]

  --site ID         the site id (a topic level), e.g. gas-station-12
  --gateway ID      this gateway's id within the site, e.g. gw-01
  --device SPEC     one per device: [ID=]PROFILE@URL where URL is
                      tcp://HOST[:PORT]?unit=N            Modbus TCP (port 502 by default)
                      rtu-over-tcp://HOST:PORT?unit=N     RTU through a serial device server
                      rtu:/dev/ttyUSB0?unit=N&baud=9600&parity=even   RTU on a serial line
                      opc.tcp://HOST:4840/PATH            OPC UA
                    the id defaults to PROFILE-1, PROFILE-2 …
  --profiles-dir D  a folder of site profiles (from profile from-csv), searched before device-profiles/
  --out FILE        write it there (default: stdout); --force overwrites

The file is loaded with the same checks as \`validate\` before it is written.

examples:
  lifeline-gateway init --site gas-station-12 --gateway gw-01 \\
      --device gas-detector@rtu:/dev/ttyUSB0?unit=1 --device gas-detector@rtu:/dev/ttyUSB0?unit=2 --out site.yaml
  lifeline-gateway init --site pump-7 --gateway gw-1 --profiles-dir profiles \\
      --device vfd-1=pump-vfd@tcp://192.168.1.30?unit=1 -o site.yaml
`;

export const initCommand: CommissioningCommand = {
  usage: 'init --site ID --gateway ID --device PROFILE@URL   write a commented site config',
  help: HELP,
  run: (argv, io) =>
    runCommand('init', io, async () => {
      const { values } = parseArgs({ args: [...argv], options: OPTIONS });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      const specs = values.device ?? [];
      if (specs.length === 0)
        throw new UsageError(`give at least one --device PROFILE@URL; built-in profiles: ${(await builtInProfiles()).join(', ')}`);
      for (const [flag, value] of [
        ['site', values.site],
        ['gateway', values.gateway],
      ] as const) {
        if (value === undefined || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(value))
          throw new UsageError(`--${flag} ID is required: lower-case letters, digits, - and _`);
      }
      const outDir = values.out === undefined ? process.cwd() : dirname(resolve(values.out));
      const profilesDir = values['profiles-dir'] === undefined ? undefined : resolve(values['profiles-dir']);
      const dirs = profilesDir === undefined ? [BUILT_IN_PROFILES_DIR] : [profilesDir, BUILT_IN_PROFILES_DIR];
      const devices = await chooseDevices(specs, dirs);
      const site = { site: values.site as string, gateway: values.gateway as string, devices };
      const text = renderSite(profilesDir === undefined ? site : { ...site, profilesDir: relative(outDir, profilesDir) || '.' });
      await checkLoads(renderSite(profilesDir === undefined ? site : { ...site, profilesDir }));
      if (values.out === undefined) io.out(text);
      else {
        await writeNew(values.out, text, values.force === true);
        report(io, values.out, devices.length);
      }
      return 0;
    }),
};

async function chooseDevices(specs: readonly string[], dirs: readonly string[]): Promise<DeviceChoice[]> {
  const counts = new Map<string, number>();
  const devices: DeviceChoice[] = [];
  for (const spec of specs) {
    const parsed = parseDeviceSpec(spec);
    const n = (counts.get(parsed.profile) ?? 0) + 1;
    counts.set(parsed.profile, n);
    devices.push({
      id: parsed.id ?? `${parsed.profile}-${n}`.slice(0, 64),
      profile: await findProfile(parsed.profile, dirs),
      link: parsed.link,
    });
  }
  const ids = devices.map((d) => d.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new UsageError(`device id "${twice}" is given twice: name them ID=PROFILE@URL`);
  return devices;
}

/**
 * Loads the config as `validate` would, from a temporary copy whose
 * profilesDir is absolute (the written file's is relative to where it goes).
 */
async function checkLoads(text: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-init-'));
  try {
    const file = join(dir, 'site.yaml');
    await writeFile(file, text);
    await loadSiteConfig(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function report(io: CommandIo, file: string, devices: number): void {
  io.err(`wrote ${file}: ${devices} device(s); it validates as written. Next: lifeline-gateway validate ${file}\n`);
}

async function builtInProfiles(): Promise<string[]> {
  return (await readdir(BUILT_IN_PROFILES_DIR)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
}
