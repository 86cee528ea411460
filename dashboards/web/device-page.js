// A page per device (#/device/gas-1): its points grouped (measurements, states, outputs), its comm health
// and acquisition counters (GET /api/devices), its active alarms and its recent journal entries.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const { el } = L;
  const $ = (id) => document.getElementById(id);
  let current;
  let healthTimer;

  const GROUPS = [
    ['measurements', { en: 'Measurements', 'zh-CN': '测量值' }, (p, r) => !p.writable && typeof r?.value !== 'boolean'],
    ['states', { en: 'States', 'zh-CN': '状态量' }, (p, r) => !p.writable && typeof r?.value === 'boolean'],
    ['outputs', { en: 'Outputs', 'zh-CN': '输出' }, (p) => p.writable],
  ];

  function pointsOf(id) {
    return [...L.state.points.values()].filter((e) => e.meta.device === id);
  }

  function pointRow({ meta, reading }) {
    const q = reading ? reading.quality : 'uncertain';
    const key = `${meta.device}/${meta.point}`;
    return el(
      'tr',
      { class: `q-${q}`, 'data-point': key },
      el('td', {}, L.nameOf(meta, meta.point), el('small', { class: 'muted' }, ` ${meta.point}`)),
      el('td', { class: 'num' }, reading && reading.value !== undefined ? L.fmt(reading.value) : '—'),
      el('td', {}, meta.unit),
      el('td', { class: 'quality', title: reading?.reason || '' }, L.t(`quality.${q}`)),
      el('td', {}, reading ? L.time(reading.sourceTs) : ''),
      el('td', {}, el('a', { href: `#/trends?points=${encodeURIComponent(key)}&range=24h` }, L.t('trend.title'))),
    );
  }

  function renderPoints(id) {
    const entries = pointsOf(id);
    const groups = GROUPS.map(([name, title, test]) => {
      const rows = entries.filter((e) => test(e.meta, e.reading));
      if (!rows.length) return null;
      return el(
        'div',
        { class: 'point-group', 'data-group': name },
        el('h3', {}, title[L.lang()]),
        el(
          'div',
          { class: 'scroll' },
          el(
            'table',
            {},
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...['col.point', 'col.value', 'col.unit', 'col.quality', 'col.updated', 'trend.title'].map((k, i) =>
                  el('th', i === 1 ? { class: 'num' } : {}, L.t(k)),
                ),
              ),
            ),
            el('tbody', {}, ...rows.map(pointRow)),
          ),
        ),
      );
    });
    $('d-points').replaceChildren(...groups.filter(Boolean));
  }

  async function renderHealth(id) {
    try {
      const devices = await L.api('GET', '/api/devices');
      const d = devices.find((x) => x.id === id);
      if (!d || current !== id) return;
      const rows = [
        [L.t('col.state'), L.t(`comm.${d.comm?.state}`) + (d.comm?.reason ? ` — ${d.comm.reason}` : '')],
        [L.t('device.link'), d.connection || Object.values(d.transport || {}).join(' ')],
        [L.t('device.poll'), `${d.pollIntervalMs} ms`],
        [L.t('device.lastOk'), d.lastSuccessTs ? L.time(d.lastSuccessTs) : '—'],
        ...Object.entries(d.counters || {}).map(([k, v]) => [L.t(`counter.${k}`), String(v)]),
      ];
      $('d-health').replaceChildren(...rows.map(([k, v]) => el('div', { class: 'counter' }, el('dt', {}, k), el('dd', {}, v))));
    } catch (e) {
      $('d-health').replaceChildren(el('div', { class: 'comm-offline' }, e.message));
    }
  }

  async function renderJournal(id) {
    try {
      const page = await L.api('GET', `/api/alarms/journal?device=${encodeURIComponent(id)}&limit=20`);
      if (current !== id) return;
      $('d-journal').replaceChildren(
        ...page.entries.map((e) =>
          el(
            'li',
            { class: `p-${e.colour}`, 'data-event': e.event },
            el('span', { class: 'when' }, L.time(e.detectedAt)),
            el('span', { class: 'ev' }, L.word('event', e.event)),
            el('span', {}, L.alarmWhat(e, L.names())),
            el('span', { class: 'meta' }, [e.user, e.comment].filter(Boolean).join(': ')),
          ),
        ),
      );
    } catch (e) {
      $('d-journal').replaceChildren(el('li', { class: 'empty' }, e.message));
    }
  }

  function render() {
    const id = current;
    const d = L.state.devices.get(id);
    if (!d) {
      $('d-title').textContent = L.t('device.unknown', { id });
      return;
    }
    $('d-title').textContent = L.nameOf(d, id);
    $('d-sub').textContent = `${id} · ${L.t('device.profile')} ${L.nameOf(d.profile, d.profile?.id)} · ${L.t(`comm.${d.comm}`)}`;
    $('page-device').dataset.device = id;
    renderPoints(id);
    L.renderAlarmList(
      $('d-alarms'),
      [...L.state.alarms.values()].filter((a) => a.device === id),
      L.alarmContext(),
    );
  }

  L.pages = L.pages || {};
  L.pages.device = {
    open(params) {
      current = params.get('id');
      render();
      renderHealth(current);
      renderJournal(current);
      clearInterval(healthTimer);
      healthTimer = setInterval(() => renderHealth(current), 5000);
    },
    close() {
      clearInterval(healthTimer);
      current = undefined;
    },
    render() {
      if (current) render();
    },
    /** Readings: only the values change. */
    refresh() {
      if (current) renderPoints(current);
    },
    alarm() {
      if (!current) return;
      render();
      renderJournal(current);
    },
  };
})();
