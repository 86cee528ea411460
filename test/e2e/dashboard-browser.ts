/** Shared by the dashboard e2e suites: a site with an operator token, and Chromium through playwright-core. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningDemo, startDemo } from '../../gateway/src/cli/demo.js';
import { FIXTURES, REPO_ROOT } from '../support/fixtures.js';
import { requireBinary } from '../support/services.js';
import { tempStateDir } from '../support/state-dir.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';

/** The gas fixture site with an operator token from the environment, on free ports. */
export async function startDashboardSite(): Promise<RunningDemo> {
  const env = {
    LIFELINE_HTTP_PORT: '0',
    LIFELINE_MQTT_PORT: '0',
    LIFELINE_SIM_PORT: '0',
    LIFELINE_OPERATOR_TOKEN: OPERATOR_TOKEN,
    // Alarm state persists: each run starts from its own empty folder, not one an earlier test left raised.
    LIFELINE_STATE_DIR: tempStateDir(),
  };
  return startDemo(join(FIXTURES, 'gas-site.yaml'), env, pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' }));
}

export async function launch(ctx: Mocha.Context): Promise<Browser> {
  requireBinary(ctx, CHROMIUM, 'chromium');
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
