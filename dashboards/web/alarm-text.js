// Readable text for every alarm condition in both languages (docs/alarms.md says what `value` and
// `limit` mean for each): a comm alarm reads "gas-1 · communication lost — no answer from the device",
// not "gas-1 · comm COMM, 1 (limit 1)".
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;

  const seconds = (ms) => L.fmt(Math.round(Number(ms) / 100) / 10);
  const minutes = (ms) => L.fmt(Math.round(Number(ms) / 6000) / 10);

  /** Per condition: the detail of value and limit, by language. */
  const DETAIL = {
    limit: {
      en: (a) => `${L.fmt(a.value)} ${a.unit} (limit ${L.fmt(a.limit)} ${a.unit})`,
      'zh-CN': (a) => `${L.fmt(a.value)} ${a.unit}（限值 ${L.fmt(a.limit)} ${a.unit}）`,
    },
    roc: {
      en: (a) => `${L.fmt(a.value)} ${a.unit}/s (limit ${L.fmt(a.limit)} ${a.unit}/s)`,
      'zh-CN': (a) => `${L.fmt(a.value)} ${a.unit}/s（限值 ${L.fmt(a.limit)} ${a.unit}/s）`,
    },
    state: { en: (a) => `in its alarm state (${L.fmt(a.value)})`, 'zh-CN': (a) => `处于报警状态（${L.fmt(a.value)}）` },
    stale: { en: (a) => `no good reading for ${seconds(a.limit)} s`, 'zh-CN': (a) => `${seconds(a.limit)} 秒无有效读数` },
    fault: { en: () => 'reading bad or out of range', 'zh-CN': () => '读数为坏值或超出量程' },
    flatline: { en: (a) => `unchanged for ${minutes(a.limit)} min`, 'zh-CN': (a) => `${minutes(a.limit)} 分钟数值无变化` },
    comm: { en: () => 'no answer from the device', 'zh-CN': () => '设备无应答' },
    action: { en: () => 'the output could not be written', 'zh-CN': () => '输出写入失败' },
    // Alarm analytics (docs/alarms.md#alarm-analytics): value is the count, limit the threshold.
    flood: {
      en: (a) => `${L.fmt(a.value)} alarms in the window (a flood from ${L.fmt(a.limit)})`,
      'zh-CN': (a) => `窗口内 ${L.fmt(a.value)} 条报警（${L.fmt(a.limit)} 条起为泛滥）`,
    },
    chatter: {
      en: (a) => `raised ${L.fmt(a.value)} times in the window (chattering from ${L.fmt(a.limit)})`,
      'zh-CN': (a) => `窗口内报警 ${L.fmt(a.value)} 次（${L.fmt(a.limit)} 次起为振荡）`,
    },
  };
  const LIMIT_KINDS = new Set(['hihi', 'hi', 'lo', 'lolo']);

  /** "device · point · condition" with names in the current language; a comm alarm has no point. */
  L.alarmWhat = (a, names) => {
    const device = L.nameOf(names.device(a.device), a.device);
    const condition = L.word('condition', a.condition);
    if (a.condition === 'comm') return `${device} · ${condition}`;
    const point = a.condition === 'action' ? a.point : L.nameOf(names.point(a.device, a.point), a.point);
    return `${device} · ${point} · ${condition}`;
  };

  /** What the condition found, with the reason the engine gave (sensor fault, failed write, comm loss). */
  L.alarmDetail = (a) => {
    const kind = LIMIT_KINDS.has(a.condition) ? 'limit' : a.condition;
    const detail = (DETAIL[kind] || DETAIL.limit)[L.lang()](a);
    return a.reason ? `${detail} — ${a.reason}` : detail;
  };
})();
