/** Shared by the dashboard e2e suites: a site with an operator token, and Chromium through playwright-core. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { RunningDemo } from '../../demo/src/demo.js';
import { FIXTURES, REPO_ROOT } from '../support/fixtures.js';
import { requireBinary } from '../support/services.js';
import { startSite } from '../support/site-harness.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';

/** The gas fixture site with an operator token from the environment, on free ports. */
export async function startDashboardSite(): Promise<RunningDemo> {
  return startSite(join(FIXTURES, 'gas-site.yaml'), { env: { LIFELINE_OPERATOR_TOKEN: OPERATOR_TOKEN } });
}

export async function launch(ctx: Mocha.Context, args: readonly string[] = []): Promise<Browser> {
  requireBinary(ctx, CHROMIUM, 'chromium');
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', ...args] });
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
