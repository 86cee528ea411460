// Alarm analytics panel (ISA-18.2 §16, EEMUA 191): the alarm rate against the flood threshold, floods,
// chattering alarms, bad actors, standing alarms and stale shelves, from GET /api/alarms/analytics.
// Self-contained: it fills #analytics and refreshes itself; app.js knows nothing of it.
(() => {
  const L = window.Lifeline;
  const REFRESH_MS = 5000;
  const el = (...a) => L.el(...a);

  const minutes = (ms) => `${Math.round(ms / 60_000)} min`;
  const hours = (ms) => `${(ms / 3_600_000).toFixed(1)} h`;

  function list(title, items, render) {
    return el(
      'div',
      { class: 'analytics-list' },
      el('h3', {}, `${title} `, el('span', { class: 'count' }, String(items.length))),
      el('ul', {}, ...(items.length ? items.map((i) => el('li', {}, render(i))) : [el('li', { class: 'empty' }, 'none')])),
    );
  }

  function render(a) {
    const flood = a.flood.active
      ? el(
          'strong',
          { class: 'p-blue', 'data-flood': 'on' },
          `FLOOD since ${L.time(a.flood.since)} — ${a.flood.alarms} alarms, peak ${a.flood.peak}`,
        )
      : el('span', { 'data-flood': 'off' }, `no flood (starts above ${a.flood.start}, ends below ${a.flood.end})`);
    return [
      el(
        'p',
        { class: 'analytics-rate' },
        el('span', { 'data-rate': String(a.rate) }, `${a.rate} alarms in the last ${minutes(a.windowMs)}`),
        ' · ',
        flood,
        ' · ',
        `${a.floods} flood(s), ${a.annunciated} alarm(s) since start`,
      ),
      el(
        'div',
        { class: 'analytics-lists' },
        list('Chattering', a.chattering, (id) => id),
        list('Bad actors (24 h)', a.badActors, (b) => `${b.alarmId}: ${b.raises} (${Math.round(b.share * 100)} %)`),
        list('Standing (> 24 h)', a.standing, (s) => `${s.alarmId}: ${hours(s.ageMs)}`),
        list('Stale shelves', a.staleShelves, (s) => `${s.alarmId}: ${hours(s.ageMs)}`),
      ),
    ];
  }

  async function refresh() {
    const box = document.getElementById('analytics');
    if (!box) return;
    try {
      box.replaceChildren(...render(await L.api('GET', '/api/alarms/analytics')));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'empty' }, `alarm analytics unavailable: ${e.message}`));
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
