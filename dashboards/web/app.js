// The gateway dashboard: one WebSocket (a snapshot, then live messages) plus a few HTTP calls for
// trends, the journal, link health and operator commands. Plain browser JavaScript with no
// dependencies, so it works with no internet. This file owns the shared state, the live feed and the
// overview page; the other pages and concepts have a file each (router.js lists them).
(() => {
  const L = window.Lifeline;
  const { el, fmt } = L;
  const $ = (id) => document.getElementById(id);
  const RANK = { none: 0, viewer: 1, operator: 2, admin: 3 };

  const state = {
    ready: false, // a snapshot arrived
    points: new Map(), // "device/point" -> { meta, reading }
    alarms: new Map(), // alarmId -> last event
    facts: new Map(), // alarmId -> { raisedAt, raiseValue, ack, shelve } (alarm-journal-reader.ts)
    devices: new Map(), // id -> { name, names, kind, profile, comm, reason }
    history: [], // alarm events, newest first
    policy: { shelveCommentUpTo: 2 },
    me: { user: 'anonymous', role: 'none' },
    trend: undefined, // overview trend: { key, samples }
  };
  L.state = state;
  let retryMs = 500;
  const trendWindowMs = () => Number($('trend-window').value);
  let socket;

  L.names = () => ({
    device: (id) => state.devices.get(id),
    point: (device, point) => state.points.get(`${device}/${point}`)?.meta,
  });
  const factsOf = (id) => state.facts.get(id) || {};
  L.alarmContext = () => ({
    factsOf,
    names: L.names(),
    valueNow: (device, point) => state.points.get(`${device}/${point}`)?.reading,
    canOperate: RANK[state.me.role] >= RANK.operator,
    shelveCommentUpTo: state.policy.shelveCommentUpTo,
    command,
    notify,
  });

  // ---- WebSocket, reconnecting with capped exponential backoff ----
  function connect() {
    socket = new WebSocket(L.wsUrl(), L.wsProtocols());
    socket.onopen = () => {
      retryMs = 500;
      setLink(true);
    };
    socket.onclose = () => {
      setLink(false);
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    };
    socket.onmessage = (msg) => handle(JSON.parse(msg.data));
  }

  function handle(m) {
    if (m.type === 'snapshot') snapshot(m);
    else if (m.type === 'readings') {
      for (const r of m.readings) setReading(r);
      renderPoints();
      L.refreshAlarmValues($('alarms'), L.alarmContext());
      renderTrend();
      if (L.activePage() === 'device') L.pages.device.refresh();
    } else if (m.type === 'alarm') alarmEvent(m.event);
    else if (m.type === 'comm') {
      const d = state.devices.get(m.device);
      if (d) Object.assign(d, { comm: m.state, reason: m.reason });
      renderDevices();
      renderOverview();
    }
  }

  function snapshot(m) {
    $('site').textContent = m.site;
    $('gateway').textContent = m.gateway;
    $('version').textContent = m.version;
    state.points.clear();
    state.alarms.clear();
    state.devices.clear();
    state.facts = new Map(Object.entries(m.facts || {}));
    if (m.policy) state.policy = m.policy;
    for (const d of m.devices)
      state.devices.set(d.id, {
        name: d.name,
        names: d.names,
        kind: d.kind,
        profile: d.profile,
        comm: d.comm.state,
        reason: d.comm.reason,
      });
    for (const p of m.points) state.points.set(`${p.device}/${p.point}`, { meta: p, reading: undefined });
    for (const r of m.readings) setReading(r);
    for (const a of m.alarms) state.alarms.set(a.alarmId, a);
    if (!state.trend && m.points.length) selectTrend(defaultTrendPoint(m.points));
    loadHistory();
    const first = !state.ready;
    state.ready = true;
    renderAll();
    if (first) L.route();
  }

  /** Keeps the facts the list shows (raise time and value, who acked) current between snapshots. */
  function alarmEvent(e) {
    if (e.state === 'normal') state.alarms.delete(e.alarmId);
    else state.alarms.set(e.alarmId, e);
    const facts = factsOf(e.alarmId);
    const act = { at: e.detectedAt, ...(e.user ? { user: e.user } : {}), ...(e.comment ? { comment: e.comment } : {}) };
    if (e.event === 'raise') state.facts.set(e.alarmId, { raisedAt: e.detectedAt, raiseValue: e.value });
    else if (e.event === 'ack') state.facts.set(e.alarmId, { ...facts, ack: act });
    else if (e.event === 'shelve') state.facts.set(e.alarmId, { ...facts, shelve: act });
    state.history.unshift(e);
    state.history.length = Math.min(state.history.length, 200);
    renderAlarms();
    renderHistory();
    renderOverview();
    renderPoints();
    if (L.activePage() === 'device') L.pages.device.alarm();
  }

  function setReading(r) {
    const entry = state.points.get(`${r.device}/${r.point}`);
    if (!entry) return;
    entry.reading = r;
    const t = state.trend;
    if (t && t.key === `${r.device}/${r.point}` && r.quality !== 'bad' && r.value !== undefined) {
      t.samples.push({ ts: r.sourceTs, value: Number(r.value) });
      const cutoff = Date.now() - trendWindowMs();
      while (t.samples.length && t.samples[0].ts < cutoff) t.samples.shift();
    }
  }

  function setLink(up) {
    $('link').textContent = L.t(up ? 'link.live' : 'link.down');
    $('link').dataset.up = String(up);
    $('link').className = `link ${up ? 'link-up' : 'link-down'}`;
  }

  // ---- Rendering ----
  function renderAll() {
    renderOverview();
    renderAlarms();
    renderDevices();
    renderPoints();
    renderHistory();
    renderTrend();
    renderMe();
    const page = L.activePage();
    if (page && page !== 'overview') L.pages[page]?.render?.();
  }

  /** Worst status of a device: offline, then its highest-priority alarm, else ok. */
  function deviceStatus(id, d) {
    if (d.comm === 'offline') return 'offline';
    const mine = [...state.alarms.values()].filter((a) => a.device === id && a.state !== 'shelved');
    if (mine.length) return L.COLOURS[Math.min(...mine.map((a) => a.priority))];
    return d.comm === 'online' ? 'ok' : 'unknown';
  }

  function renderOverview() {
    const byKind = new Map();
    for (const [id, d] of state.devices) {
      if (!byKind.has(d.kind)) byKind.set(d.kind, []);
      byKind.get(d.kind).push([id, d]);
    }
    const groups = [...byKind].map(([kind, list]) =>
      el(
        'div',
        { class: 'asset-group' },
        el('h3', {}, L.nameOf(list[0][1].profile, kind.replace(/-/g, ' '))),
        el('div', { class: 'tiles' }, ...list.map(([id, d]) => tile(id, d))),
      ),
    );
    $('overview').replaceChildren(...groups);
  }

  function tile(id, d) {
    const status = deviceStatus(id, d);
    const count = [...state.alarms.values()].filter((a) => a.device === id).length;
    const text = count
      ? count > 1
        ? L.t('tile.alarms', { n: count })
        : L.t('tile.alarm')
      : status === 'ok'
        ? L.t('tile.normal')
        : L.t(`comm.${d.comm}`);
    return el(
      'a',
      {
        class: `tile s-${status}`,
        href: `#/device/${encodeURIComponent(id)}`,
        'data-device': id,
        'data-status': status,
        title: L.t('device.open'),
      },
      el('strong', {}, L.nameOf(d, id)),
      el('span', { class: 'tile-id' }, id),
      el('span', { class: 'tile-status' }, text),
    );
  }

  function renderAlarms() {
    const list = [...state.alarms.values()];
    $('alarm-count').textContent = String(list.length);
    L.renderAlarmList($('alarms'), list, L.alarmContext());
    L.annunciate(list, factsOf);
  }

  async function command(name, body) {
    try {
      const result = await L.api('POST', `/api/alarms/${name}`, body);
      notify(L.t('command.ok', { command: L.t(`action.${name}`), alarm: result.alarmId, state: L.word('state', result.state) }));
      for (const box of document.querySelectorAll(`input.comment[data-for="${CSS.escape(body.alarmId)}"]`)) box.value = '';
    } catch (e) {
      notify(L.t('command.failed', { command: L.t(`action.${name}`), message: e.message }), true);
    }
  }

  function renderDevices() {
    $('devices').replaceChildren(
      ...[...state.devices].map(([id, d]) =>
        el(
          'li',
          { class: `comm-${d.comm}`, 'data-device': id, 'data-comm': d.comm },
          el('a', { class: 'plain', href: `#/device/${encodeURIComponent(id)}` }, el('strong', {}, L.nameOf(d, id))),
          el('span', { class: 'tile-id' }, id),
          el('span', { class: 'comm' }, L.t(`comm.${d.comm}`)),
          d.reason ? el('span', { class: 'reason' }, d.reason) : null,
        ),
      ),
    );
  }

  /** Live values grouped by device: a heading row per device (to its page), then its points. */
  function renderPoints() {
    const alarming = new Set(
      [...state.alarms.values()]
        .filter((a) => a.state === 'unacknowledged' || a.state === 'acknowledged')
        .map((a) => `${a.device}/${a.point}`),
    );
    const rows = [];
    let device;
    for (const [key, { meta, reading }] of state.points) {
      if (meta.device !== device) {
        device = meta.device;
        const d = state.devices.get(device);
        rows.push(
          el(
            'tr',
            { class: 'group', 'data-group': device },
            el(
              'th',
              { colspan: 6 },
              el('a', { class: 'plain', href: `#/device/${encodeURIComponent(device)}` }, `${L.nameOf(d, device)} · ${device}`),
            ),
          ),
        );
      }
      rows.push(pointRow(key, meta, reading, alarming.has(key)));
    }
    $('points').tBodies[0].replaceChildren(...rows);
  }

  function pointRow(key, meta, reading, alarming) {
    const q = reading ? reading.quality : 'uncertain';
    const selected = state.trend && state.trend.key === key;
    return el(
      'tr',
      {
        class: `q-${q} ${alarming ? 'alarming' : ''} ${selected ? 'selected' : ''}`,
        'data-point': key,
        'data-quality': q,
        tabindex: 0,
        title: L.t('trend.hint'),
        onclick: () => selectTrend(key),
      },
      el('td', {}, meta.device),
      el('td', {}, L.nameOf(meta, meta.point)),
      el('td', { class: 'num' }, reading && reading.value !== undefined ? fmt(reading.value) : '—'),
      el('td', {}, meta.unit),
      el('td', { class: 'quality', title: reading?.reason || '' }, L.t(`quality.${q}`)),
      el('td', {}, reading ? L.time(reading.sourceTs) : ''),
    );
  }

  function renderHistory() {
    const items = state.history
      .slice(0, 50)
      .map((e) =>
        el(
          'li',
          { class: `p-${e.colour}`, 'data-event': e.event },
          el('span', { class: 'when' }, L.time(e.detectedAt || e.publishedAt)),
          el('span', { class: 'ev' }, L.word('event', e.event)),
          el('span', {}, `${L.alarmWhat(e, L.names())} → ${L.word('state', e.state)}`),
          el('span', { class: 'meta' }, [e.user, e.comment].filter(Boolean).join(': ') || `${fmt(e.value)} ${e.unit}`),
        ),
      );
    $('history').replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, L.t('history.none'))]));
  }

  // ---- Overview trend (live, short windows; the trends page has the long ranges) ----
  function defaultTrendPoint(points) {
    const withLimits = points.find((p) => p.limits?.length);
    return `${(withLimits || points[0]).device}/${(withLimits || points[0]).point}`;
  }

  async function selectTrend(key) {
    state.trend = { key, samples: [] };
    renderPoints();
    renderTrend();
    const [device, point] = key.split('/');
    $('trend-more').href = `#/trends?points=${encodeURIComponent(key)}&range=24h`;
    try {
      const h = await L.api('GET', `/api/points/${device}/${point}/history?windowMs=${trendWindowMs()}`);
      if (state.trend && state.trend.key === key) {
        const live = state.trend.samples.filter((s) => !h.samples.length || s.ts > h.samples[h.samples.length - 1].ts);
        state.trend.samples = h.samples.concat(live);
        renderTrend();
      }
    } catch (e) {
      notify(`${L.t('trend.title')}: ${e.message}`, true);
    }
  }

  function renderTrend() {
    const t = state.trend;
    if (!t) return;
    const entry = state.points.get(t.key);
    if (!entry) return;
    const { meta } = entry;
    $('trend-title').textContent = `${L.nameOf(state.devices.get(meta.device), meta.device)} · ${L.nameOf(meta, meta.point)}`;
    const limits = (meta.limits || [])
      .filter((l) => ['hihi', 'hi', 'lo', 'lolo'].includes(l.condition))
      .map((l) => ({ value: l.value, colour: L.COLOURS[l.priority], label: l.condition.toUpperCase() }));
    L.drawTrend($('trend'), t.samples, { unit: meta.unit, limits, windowMs: trendWindowMs() });
  }

  // ---- Alarm history, link and outbox health (HTTP) ----
  async function loadHistory() {
    try {
      state.history = await L.api('GET', '/api/alarms/history?limit=200');
      renderHistory();
    } catch (e) {
      notify(`${L.t('history.title')}: ${e.message}`, true);
    }
  }

  async function refreshHealth() {
    try {
      const h = await L.api('GET', '/api/health');
      const rows = Object.entries(h.uplinks).map(([name, u]) =>
        el(
          'li',
          { class: u.connected ? 'comm-online' : 'comm-offline', 'data-uplink': name },
          el('strong', {}, name),
          el('span', { class: 'comm' }, L.t(u.connected ? 'links.connected' : 'links.disconnected')),
        ),
      );
      rows.push(
        el(
          'li',
          {},
          el('strong', {}, L.t('links.uptime')),
          el('span', { class: 'comm' }, L.t('links.minutes', { n: Math.floor(h.uptimeS / 60) })),
        ),
      );
      $('uplinks').replaceChildren(...rows);
      $('outbox').replaceChildren(...(h.features.outbox ? await outboxRows() : [el('li', { class: 'empty' }, L.t('links.unavailable'))]));
    } catch (e) {
      $('uplinks').replaceChildren(el('li', { class: 'comm-offline' }, L.t('links.unreachable', { message: e.message })));
    }
  }

  async function outboxRows() {
    const o = await L.api('GET', '/api/outbox');
    const rows = Object.entries(o.lanes).map(([lane, s]) =>
      el('li', { 'data-lane': lane }, el('strong', {}, lane), el('span', { class: 'comm' }, L.t('links.waiting', { n: s.depth }))),
    );
    for (const [sink, s] of Object.entries(o.sinks || {}))
      rows.push(el('li', {}, el('strong', {}, sink), el('span', { class: 'comm' }, L.t('links.pending', { n: s.pending }))));
    if (o.dropped)
      rows.push(
        el('li', { class: 'comm-degraded' }, el('strong', {}, L.t('links.dropped')), el('span', { class: 'comm' }, String(o.dropped))),
      );
    return rows;
  }

  // ---- Sign-in ----
  async function whoami() {
    try {
      state.me = await L.api('GET', '/api/whoami');
    } catch (e) {
      state.me = { user: 'anonymous', role: 'none' };
      if (e.status === 401) L.setToken('');
    }
    renderMe();
    renderAlarms();
    if (L.activePage() === 'device') L.pages.device.render();
  }

  function renderMe() {
    $('me').textContent = state.me.role === 'none' ? L.t('me.none') : `${state.me.user} (${state.me.role})`;
    $('sign-in').hidden = RANK[state.me.role] >= RANK.operator;
    $('sign-out').hidden = !L.token();
  }

  function notify(text, bad) {
    const n = $('notice');
    n.textContent = text;
    n.className = bad ? 'notice bad' : 'notice';
    n.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => (n.hidden = true), 6000);
  }
  L.notify = notify;

  // ---- Language ----
  $('lang').value = L.lang();
  $('lang').addEventListener('change', () => L.setLang($('lang').value));
  L.onLang(() => {
    setLink($('link').dataset.up === 'true');
    refreshHealth();
    renderAll();
  });
  L.translatePage();

  $('silence').addEventListener('click', L.silence);
  $('trend-window').addEventListener('change', () => state.trend && selectTrend(state.trend.key));
  $('sign-in').addEventListener('click', () => {
    $('login').hidden = false;
    $('token').focus();
  });
  $('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    L.setToken($('token').value.trim());
    $('token').value = '';
    $('login').hidden = true;
    await whoami();
    if (state.me.role === 'none') notify(L.t('sign.refused'), true);
    if (socket) socket.close(); // reconnects with the token
  });
  $('sign-out').addEventListener('click', async () => {
    L.setToken('');
    await whoami();
  });

  whoami();
  connect();
  refreshHealth();
  setInterval(refreshHealth, 5000);
  setInterval(renderTrend, 5000); // slide the window even when a point is quiet
})();
