// The trends page (#/trends?points=gas-1/lel1,gas-1/lel2&range=24h): several points on one chart over
// 1 h, 8 h, 24 h, 7 d or a custom range, from the gateway's durable history (bucket averages beyond its
// in-memory ring, across restarts), exported as one CSV.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const { el } = L;
  const $ = (id) => document.getElementById(id);
  const RANGES = { '1h': 3_600_000, '8h': 8 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
  const MAX_POINTS = 6;

  const view = { keys: [], range: '1h', from: undefined, to: undefined, series: new Map() };

  function window_() {
    if (view.range === 'custom' && view.from !== undefined && view.to !== undefined) return { t0: view.from, t1: view.to };
    const t1 = Date.now();
    return { t0: t1 - RANGES[view.range], t1 };
  }

  function writeHash() {
    const q = new URLSearchParams({ points: view.keys.join(','), range: view.range });
    if (view.range === 'custom') {
      q.set('from', String(view.from));
      q.set('to', String(view.to));
    }
    history.replaceState(null, '', `#/trends?${q}`);
  }

  async function load() {
    const { t0, t1 } = window_();
    writeHash();
    await Promise.all(
      view.keys.map(async (key) => {
        const [device, point] = key.split('/');
        try {
          const h = await L.api('GET', `/api/points/${device}/${point}/history?sinceMs=${Math.round(t0)}&untilMs=${Math.round(t1)}`);
          view.series.set(key, h.samples);
        } catch (e) {
          L.notify(`${L.t('trend.title')} ${key}: ${e.message}`, true);
        }
      }),
    );
    render();
  }

  const labelOf = (key) => {
    const entry = L.state.points.get(key);
    if (!entry) return key;
    return `${L.nameOf(L.state.devices.get(entry.meta.device), entry.meta.device)} · ${L.nameOf(entry.meta, entry.meta.point)}`;
  };

  function render() {
    for (const b of document.querySelectorAll('#t-ranges button')) b.classList.toggle('on', b.dataset.range === view.range);
    $('t-custom').hidden = view.range !== 'custom';
    const { t0, t1 } = window_();
    if (view.range !== 'custom') {
      $('t-from').value = L.localInput(t0);
      $('t-to').value = L.localInput(t1);
    }
    $('t-points').replaceChildren(
      ...view.keys.map((key, i) =>
        el(
          'li',
          { class: `chip s${i % 6}`, 'data-point': key },
          labelOf(key),
          el('button', { type: 'button', class: 'remove', 'aria-label': L.t('trend.remove'), onclick: () => remove(key) }, '×'),
        ),
      ),
    );
    const add = $('t-add');
    add.replaceChildren(
      el('option', { value: '' }, `+ ${L.t('trend.add')}`),
      ...[...L.state.points.keys()].filter((k) => !view.keys.includes(k)).map((k) => el('option', { value: k }, labelOf(k))),
    );
    add.disabled = view.keys.length >= MAX_POINTS;
    const series = view.keys.map((key) => ({ label: labelOf(key), samples: view.series.get(key) || [] }));
    const units = [...new Set(view.keys.map((k) => L.state.points.get(k)?.meta.unit).filter(Boolean))];
    const only = view.keys.length === 1 ? L.state.points.get(view.keys[0])?.meta : undefined;
    const limits = (only?.limits || [])
      .filter((l) => ['hihi', 'hi', 'lo', 'lolo'].includes(l.condition))
      .map((l) => ({ value: l.value, colour: L.COLOURS[l.priority], label: L.word('condition', l.condition) }));
    L.drawSeries($('t-chart'), series, { unit: units.join(' / '), limits, t0, t1 });
  }

  function remove(key) {
    view.keys = view.keys.filter((k) => k !== key);
    view.series.delete(key);
    load();
  }

  function exportCsv() {
    const lines = ['ts,device,point,value,unit'];
    for (const key of view.keys) {
      const [device, point] = key.split('/');
      const unit = L.state.points.get(key)?.meta.unit || '';
      for (const s of view.series.get(key) || []) lines.push(`${new Date(s.ts).toISOString()},${device},${point},${s.value},${unit}`);
    }
    const blob = new Blob([`\uFEFF${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
    L.saveBlob(blob, `trend-${view.range}-${L.time(Date.now()).slice(0, 10)}.csv`);
  }

  L.pages = L.pages || {};
  L.pages.trends = {
    open(params) {
      const keys = (params.get('points') || '').split(',').filter((k) => L.state.points.has(k));
      view.keys = keys.length ? keys.slice(0, MAX_POINTS) : [...L.state.points.keys()].slice(0, 1);
      view.range = params.get('range') in RANGES || params.get('range') === 'custom' ? params.get('range') : '1h';
      view.from = Number(params.get('from')) || undefined;
      view.to = Number(params.get('to')) || undefined;
      if (view.range === 'custom' && !(view.from < view.to)) view.range = '1h';
      load();
    },
    render,
  };

  for (const b of document.querySelectorAll('#t-ranges button'))
    b.addEventListener('click', () => {
      view.range = b.dataset.range;
      if (view.range === 'custom') {
        const { t0, t1 } = window_();
        view.from = view.from ?? t0;
        view.to = view.to ?? t1;
        render();
        return;
      }
      load();
    });
  $('t-custom').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = new Date($('t-from').value).getTime();
    const to = new Date($('t-to').value).getTime();
    if (!(from < to)) return;
    view.range = 'custom';
    view.from = from;
    view.to = to;
    load();
  });
  $('t-add').addEventListener('change', (ev) => {
    const key = ev.target.value;
    if (key && !view.keys.includes(key) && view.keys.length < MAX_POINTS) view.keys.push(key);
    load();
  });
  $('t-export').addEventListener('click', exportCsv);
})();
