// The alarm journal page (#/journal): the durable journal in alarms.db through GET /api/alarms/journal,
// filtered by device, point, priority, state and time range, searched, paged, exported as CSV.
// It survives restarts because the journal does; yesterday's alarms are one filter away.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const { el } = L;
  const $ = (id) => document.getElementById(id);
  const PAGE = 100;

  let entries = [];
  let nextCursor;

  /** The query string of the form's filters (times from the browser's local time to ISO UTC). */
  function filters() {
    const q = new URLSearchParams();
    const set = (key, value) => value && q.set(key, value);
    set('device', $('j-device').value);
    set('point', $('j-point').value);
    set('priority', $('j-priority').value);
    set('state', $('j-state').value);
    set('event', $('j-event').value);
    const from = $('j-from').value;
    const to = $('j-to').value;
    if (from) q.set('from', new Date(from).toISOString());
    if (to) q.set('to', new Date(to).toISOString());
    set('q', $('j-q').value.trim());
    return q;
  }

  // Only the newest load renders: an earlier answer (the unfiltered first page) arriving after a filtered one must not replace it.
  let loads = 0;
  async function load(more) {
    const mine = ++loads;
    const q = filters();
    q.set('limit', String(PAGE));
    if (more && nextCursor) q.set('cursor', String(nextCursor));
    try {
      const page = await L.api('GET', `/api/alarms/journal?${q}`);
      if (mine !== loads) return;
      entries = more ? entries.concat(page.entries) : page.entries;
      nextCursor = page.nextCursor;
      render();
    } catch (e) {
      L.notify(`${L.t('journal.title')}: ${e.message}`, true);
    }
  }

  async function exportCsv() {
    const q = filters();
    q.set('limit', '10000');
    q.set('format', 'csv');
    try {
      await L.download(`/api/alarms/journal?${q}`, `alarm-journal-${L.time(Date.now()).slice(0, 10)}.csv`);
    } catch (e) {
      L.notify(`${L.t('journal.export')}: ${e.message}`, true);
    }
  }

  function row(e) {
    const names = L.names();
    return el(
      'tr',
      { class: `p-${e.colour}`, 'data-entry': e.id, 'data-event': e.event },
      el('td', { class: 'when' }, L.time(e.detectedAt)),
      el('td', {}, L.word('event', e.event)),
      el('td', {}, el('span', { class: `badge p-${e.colour}` }, L.level(e.priority))),
      el('td', { class: 'what' }, L.alarmWhat(e, names), el('small', { class: 'muted' }, ` ${e.alarmId}`)),
      el('td', { class: 'detail' }, L.alarmDetail(e)),
      el('td', {}, L.word('state', e.state)),
      el('td', { class: 'who' }, e.user || ''),
      el('td', { class: 'comment-text' }, e.comment || ''),
    );
  }

  function render() {
    $('j-count').textContent = L.t('journal.count', { n: entries.length });
    $('journal').tBodies[0].replaceChildren(
      ...(entries.length ? entries.map(row) : [el('tr', {}, el('td', { class: 'empty', colspan: 8 }, L.t('journal.none')))]),
    );
    $('j-more').hidden = nextCursor === undefined;
  }

  /** Options of the device and point filters from the snapshot's devices and points. */
  function fillOptions() {
    const device = $('j-device');
    const keep = device.value;
    device.replaceChildren(
      el('option', { value: '' }, L.t('journal.any')),
      ...[...L.state.devices].map(([id, d]) => el('option', { value: id }, `${L.nameOf(d, id)} (${id})`)),
    );
    device.value = keep;
    const point = $('j-point');
    const keepPoint = point.value;
    const ids = new Set([...L.state.points.values()].filter((p) => !keep || p.meta.device === keep).map((p) => p.meta.point));
    point.replaceChildren(el('option', { value: '' }, L.t('journal.any')), ...[...ids].map((id) => el('option', { value: id }, id)));
    point.value = ids.has(keepPoint) ? keepPoint : '';
    const fill = (select, kind, values) => {
      const v = select.value;
      select.replaceChildren(
        el('option', { value: '' }, L.t('journal.any')),
        ...values.map((x) => el('option', { value: x }, L.word(kind, x))),
      );
      select.value = v;
    };
    fill($('j-state'), 'state', [
      'unacknowledged',
      'acknowledged',
      'returned-unacknowledged',
      'shelved',
      'suppressed',
      'out-of-service',
      'normal',
    ]);
    fill($('j-event'), 'event', ['raise', 'clear', 'ack', 'shelve', 'unshelve', 'suppress', 'unsuppress', 'out-of-service', 'in-service']);
    const pr = $('j-priority');
    const p = pr.value;
    pr.replaceChildren(
      el('option', { value: '' }, L.t('journal.any')),
      ...['1', '2', '3', '4', '1,2'].map((x) => el('option', { value: x }, x.split(',').map(Number).map(L.level).join(' + '))),
    );
    pr.value = p;
  }

  L.pages = L.pages || {};
  L.pages.journal = {
    open() {
      fillOptions();
      load(false);
    },
    render() {
      fillOptions();
      render();
    },
  };

  $('j-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    load(false);
  });
  $('j-device').addEventListener('change', fillOptions);
  $('j-more').addEventListener('click', () => load(true));
  $('j-export').addEventListener('click', exportCsv);
})();
