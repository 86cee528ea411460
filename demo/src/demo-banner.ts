import type { SiteConfig } from '@lifeline/core';
import { PRIORITY_COLOURS } from '@lifeline/twin';
import type { RunningDemo } from './demo.js';
import { type DemoHint, demoHint } from './demo-hints.js';
import { signInUrl } from './demo-urls.js';

/** What `npm start` prints: every URL, how to sign in, where state lives, and hints that raise and clear an alarm. */
export function demoBanner(demo: RunningDemo): string {
  const { urls, site } = demo;
  const mqtt = urls.mqtt ? new URL(urls.mqtt) : undefined;
  const hint = demoHint(site);
  return [
    `lifeline demo: site ${site.site}, gateway ${site.gateway}`,
    `  dashboard       ${urls.dashboard}`,
    ...signInLines(demo),
    `  local MQTT      ${urls.mqtt ?? '(disabled)'}   topics lifeline/v1/${site.site}/${site.gateway}/#`,
    `  simulator API   ${urls.simulator}/devices`,
    ...(urls.centre ? [`  centre broker   ${urls.centre}`] : []),
    `  state           ${demo.state.dir}${demo.state.temporary ? '   (this run only, removed on Ctrl-C; --state-dir DIR keeps it)' : ''}`,
    '',
    ...(mqtt ? [`  watch alarms:   mosquitto_sub -h ${mqtt.hostname} -p ${mqtt.port} -t 'lifeline/v1/#' -v`] : []),
    ...(hint ? hintLines(hint, site, urls.simulator) : []),
    '',
    '  Ctrl-C stops everything.',
  ].join('\n');
}

function signInLines(demo: RunningDemo): string[] {
  if (!demo.operatorToken)
    return ['  sign in         with a token from http.tokens or LIFELINE_OPERATOR_TOKEN (Ack and Shelve need an operator)'];
  return [
    `  sign in         ${signInUrl(demo.urls.dashboard, demo.operatorToken)}`,
    `                  operator token for this run: ${demo.operatorToken}   (Ack and Shelve)`,
  ];
}

function hintLines(hint: DemoHint, site: SiteConfig, simulator: string): string[] {
  const url = `${simulator}/devices/${hint.device}/points/${hint.point}`;
  const unit = hint.unit ? ` ${hint.unit}` : '';
  const { condition, priority, value } = hint.limit;
  const writes = actionWrites(hint, site);
  return [
    `  raise an alarm: curl -X PUT -H 'content-type: application/json' -d '{"value": ${hint.raise}}' ${url}`,
    `                  ${hint.alarmId} (${condition} ${value}${unit}, priority ${priority}, ${PRIORITY_COLOURS[priority]}) raises`,
    ...writes.map((w) => `                  local action ${w.action} sets ${w.device}/${w.point} = ${w.value}${w.effect}`),
    `  clear it:       curl -X DELETE ${url}`,
    `                  ${hint.point} goes back to its simulated behaviour and the alarm clears after its ${hint.limit.offDelayMs} ms off-delay`,
    // Outputs such as a closed gas valve stay put when the alarm clears: a person resets them.
    ...writes.map((w) => `  reset output:   curl -X DELETE ${simulator}/devices/${w.device}/points/${w.point}`),
  ];
}

interface HintedWrite {
  readonly action: string;
  readonly device: string;
  readonly point: string;
  readonly value: boolean | number;
  /** What the simulator's couplings make of the write, e.g. ", so gas-flow falls to 0". */
  readonly effect: string;
}

/** The writes of the local actions the hinted alarm triggers. */
function actionWrites(hint: DemoHint, site: SiteConfig): HintedWrite[] {
  return site.actions
    .filter((a) => a.alarms.includes(hint.alarmId))
    .flatMap((a) =>
      a.do.map((w) => {
        const device = site.devices.find((d) => d.id === w.device);
        const held = (device?.profile.couplings ?? []).filter((c) => c.while.point === w.point && c.while.equals === w.value);
        const effect = held.map((c) => `, so ${c.hold.point} falls to ${c.hold.value} (dashboard: Points)`).join('');
        return { action: a.id, device: w.device, point: w.point, value: w.value, effect };
      }),
    );
}
