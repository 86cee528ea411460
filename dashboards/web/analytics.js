// Alarm analytics panel (ISA-18.2 §16, EEMUA 191): the alarm rate against the flood threshold, floods,
// chattering alarms, bad actors, standing alarms and stale shelves, from GET /api/alarms/analytics.
// Self-contained: it fills #analytics and refreshes itself; app.js knows nothing of it.
(() => {
  const L = window.Lifeline;
  const REFRESH_MS = 5000;
  const el = (...a) => L.el(...a);

  const hours = (ms) => `${(ms / 3_600_000).toFixed(1)} h`;

  function list(title, items, render) {
    return el(
      'div',
      { class: 'analytics-list' },
      el('h3', {}, `${L.t(title)} `, el('span', { class: 'count' }, String(items.length))),
      el('ul', {}, ...(items.length ? items.map((i) => el('li', {}, render(i))) : [el('li', { class: 'empty' }, L.t('analytics.none'))])),
    );
  }

  function render(a) {
    const flood = a.flood.active
      ? el(
          'strong',
          { class: 'p-blue', 'data-flood': 'on' },
          L.t('analytics.flood', { since: L.time(a.flood.since), alarms: a.flood.alarms, peak: a.flood.peak }),
        )
      : el('span', { 'data-flood': 'off' }, L.t('analytics.noFlood', { start: a.flood.start, end: a.flood.end }));
    return [
      el(
        'p',
        { class: 'analytics-rate' },
        el('span', { 'data-rate': String(a.rate) }, L.t('analytics.rate', { rate: a.rate, minutes: Math.round(a.windowMs / 60_000) })),
        ' · ',
        flood,
        ' · ',
        L.t('analytics.totals', { floods: a.floods, annunciated: a.annunciated }),
      ),
      el(
        'div',
        { class: 'analytics-lists' },
        list('analytics.chattering', a.chattering, (id) => id),
        list('analytics.badActors', a.badActors, (b) => `${b.alarmId}: ${b.raises} (${Math.round(b.share * 100)} %)`),
        list('analytics.standing', a.standing, (s) => `${s.alarmId}: ${hours(s.ageMs)}`),
        list('analytics.staleShelves', a.staleShelves, (s) => `${s.alarmId}: ${hours(s.ageMs)}`),
      ),
    ];
  }

  async function refresh() {
    const box = document.getElementById('analytics');
    if (!box) return;
    try {
      box.replaceChildren(...render(await L.api('GET', '/api/alarms/analytics')));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'empty' }, L.t('analytics.unavailable', { reason: e.message })));
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
