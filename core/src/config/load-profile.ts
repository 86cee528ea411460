import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreError } from '../errors/index.js';
import { ConfigError, type ConfigIssue } from './config-issue.js';
import { checkProfile } from './profile-rules.js';
import { type Profile, ProfileSchema } from './profile-schema.js';
import { validateAgainst } from './validate.js';
import { YamlSource } from './yaml-source.js';

/** The profiles shipped with the product: `device-profiles/` at the repository root. */
export const BUILT_IN_PROFILES_DIR = fileURLToPath(new URL('../../../device-profiles/', import.meta.url));

/**
 * The largest site or profile file read (1 MiB: the biggest real site is a few
 * tens of KiB). A 50 MB file once took 5.9 s and 1.9 GB to validate (issue 18);
 * the size is checked before a byte is parsed.
 */
export const MAX_CONFIG_FILE_BYTES = 1_048_576;

/** Reads a YAML file into a located source, or throws LL_ERR_CONFIG_NOT_FOUND, or a ConfigError if it is too big. */
export async function readYaml(file: string): Promise<YamlSource> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_CONFIG_FILE_BYTES) {
      throw new ConfigError(file, [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: `the file is ${size} bytes, over the limit of ${MAX_CONFIG_FILE_BYTES} bytes for a site or profile file`,
          fix: 'check that this is the file you meant; split devices into profiles (profilesDir) instead of one huge file',
        },
      ]);
    }
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw coreError('LL_ERR_CONFIG_NOT_FOUND', file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  return new YamlSource(file, text);
}

/** Loads and validates one profile file; every problem is reported at once. */
export async function loadProfileFile(file: string): Promise<Profile> {
  const source = await readYaml(file);
  const issues = profileIssues(source);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return source.data as Profile;
}

/** Every problem of a profile's YAML (syntax, schema, the rules a schema cannot say); none means it loads. */
export function profileIssues(source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [...source.syntaxIssues];
  if (issues.length === 0) issues.push(...validateAgainst(ProfileSchema, source));
  if (issues.length === 0) issues.push(...checkProfile(source.data as Profile, source));
  return issues;
}

/**
 * Finds a profile by id in the given folders, first match wins, so a site's
 * own profilesDir can shadow a built-in profile.
 */
export async function findProfile(id: string, dirs: readonly string[]): Promise<Profile> {
  for (const dir of dirs) {
    const file = join(dir, `${id}.yaml`);
    try {
      await readFile(file);
    } catch {
      continue;
    }
    return loadProfileFile(file);
  }
  throw coreError('LL_ERR_PROFILE_NOT_FOUND', id, dirs.join(', '));
}
