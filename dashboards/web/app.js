// The gateway dashboard: one WebSocket (a snapshot, then live messages) plus a
// few HTTP calls for trends, history, link health and operator commands.
// Plain browser JavaScript with no dependencies, so it works with no internet.
(() => {
  const L = window.Lifeline;
  const { el, fmt, time } = L;
  const $ = (id) => document.getElementById(id);
  const RANK = { none: 0, viewer: 1, operator: 2, admin: 3 };

  const state = {
    points: new Map(), // "device/point" -> { meta, reading }
    alarms: new Map(), // alarmId -> last event
    devices: new Map(), // id -> { name, kind, comm, reason }
    history: [], // alarm events, newest first
    me: { user: 'anonymous', role: 'none' },
    trend: undefined, // { key, samples }
  };
  let retryMs = 500;
  const trendWindowMs = () => Number($('trend-window').value);
  let socket;

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
    if (m.type === 'snapshot') {
      $('site').textContent = m.site;
      $('gateway').textContent = m.gateway;
      $('version').textContent = m.version;
      state.points.clear();
      state.alarms.clear();
      state.devices.clear();
      for (const d of m.devices) state.devices.set(d.id, { name: d.name, kind: d.kind, comm: d.comm.state, reason: d.comm.reason });
      for (const p of m.points) state.points.set(`${p.device}/${p.point}`, { meta: p, reading: undefined });
      for (const r of m.readings) setReading(r);
      for (const a of m.alarms) state.alarms.set(a.alarmId, a);
      if (!state.trend && m.points.length) selectTrend(defaultTrendPoint(m.points));
      loadHistory();
      renderAll();
    } else if (m.type === 'readings') {
      for (const r of m.readings) setReading(r);
      renderPoints();
      renderTrend();
    } else if (m.type === 'alarm') {
      if (m.event.state === 'normal') state.alarms.delete(m.event.alarmId);
      else state.alarms.set(m.event.alarmId, m.event);
      state.history.unshift(m.event);
      state.history.length = Math.min(state.history.length, 200);
      renderAlarms();
      renderHistory();
      renderOverview();
      renderPoints();
    } else if (m.type === 'comm') {
      const d = state.devices.get(m.device);
      if (d) Object.assign(d, { comm: m.state, reason: m.reason });
      renderDevices();
      renderOverview();
    }
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
    $('link').textContent = up ? 'live' : 'reconnecting…';
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
        el('h3', {}, kind.replace(/-/g, ' ')),
        el(
          'div',
          { class: 'tiles' },
          ...list.map(([id, d]) => {
            const status = deviceStatus(id, d);
            const count = [...state.alarms.values()].filter((a) => a.device === id).length;
            return el(
              'div',
              { class: `tile s-${status}`, 'data-device': id, 'data-status': status },
              el('strong', {}, d.name),
              el('span', { class: 'tile-id' }, id),
              el('span', { class: 'tile-status' }, count ? `${count} alarm${count > 1 ? 's' : ''}` : status === 'ok' ? 'normal' : d.comm),
            );
          }),
        ),
      ),
    );
    $('overview').replaceChildren(...groups);
  }

  function renderAlarms() {
    const list = [...state.alarms.values()].sort((a, b) => a.priority - b.priority || b.detectedAt.localeCompare(a.detectedAt));
    $('alarm-count').textContent = String(list.length);
    $('alarms').replaceChildren(...(list.length ? list.map(alarmItem) : [el('li', { class: 'empty' }, 'No active alarms')]));
  }

  function alarmItem(a) {
    const canOperate = RANK[state.me.role] >= RANK.operator;
    const ackable = a.state === 'unacknowledged' || a.state === 'returned-unacknowledged';
    const actions = canOperate
      ? el(
          'span',
          { class: 'actions' },
          ackable ? el('button', { 'data-action': 'ack', onclick: () => command('ack', { alarmId: a.alarmId }) }, 'Ack') : null,
          a.state === 'shelved'
            ? el('button', { 'data-action': 'unshelve', onclick: () => command('unshelve', { alarmId: a.alarmId }) }, 'Unshelve')
            : shelveControl(a),
        )
      : el('span', { class: 'actions hint' }, 'sign in as operator to ack');
    return el(
      'li',
      { class: `p-${a.colour} ${a.state}`, 'data-alarm': a.alarmId, 'data-state': a.state },
      el('span', { class: 'level' }, `${L.LEVELS[a.priority]} ${a.colour}`),
      el('span', { class: 'what' }, `${a.device} · ${a.point} ${a.condition.toUpperCase()}`),
      el('span', { class: 'state' }, a.state),
      el('span', { class: 'meta' }, `${fmt(a.value)} ${a.unit} (limit ${fmt(a.limit)}) · ${time(a.detectedAt)}`),
      actions,
    );
  }

  function shelveControl(a) {
    const select = el(
      'select',
      { 'aria-label': 'shelve for' },
      el('option', { value: String(15 * 60000) }, '15 min'),
      el('option', { value: String(60 * 60000) }, '1 h'),
      el('option', { value: String(8 * 60 * 60000) }, '8 h'),
    );
    const button = el(
      'button',
      { 'data-action': 'shelve', onclick: () => command('shelve', { alarmId: a.alarmId, durationMs: Number(select.value) }) },
      'Shelve',
    );
    return el('span', { class: 'shelve' }, select, button);
  }

  async function command(name, body) {
    try {
      const result = await L.api('POST', `/api/alarms/${name}`, body);
      notify(`${name}: ${result.alarmId} is now ${result.state}`);
    } catch (e) {
      notify(`${name} failed: ${e.message}`, true);
    }
  }

  function renderDevices() {
    $('devices').replaceChildren(
      ...[...state.devices].map(([id, d]) =>
        el(
          'li',
          { class: `comm-${d.comm}`, 'data-device': id, 'data-comm': d.comm },
          el('strong', {}, d.name),
          el('span', { class: 'tile-id' }, id),
          el('span', { class: 'comm' }, d.comm),
          d.reason ? el('span', { class: 'reason' }, d.reason) : null,
        ),
      ),
    );
  }

  function renderPoints() {
    const alarming = new Set(
      [...state.alarms.values()]
        .filter((a) => a.state === 'unacknowledged' || a.state === 'acknowledged')
        .map((a) => `${a.device}/${a.point}`),
    );
    const rows = [...state.points].map(([key, { meta, reading }]) => {
      const q = reading ? reading.quality : 'uncertain';
      const selected = state.trend && state.trend.key === key;
      return el(
        'tr',
        {
          class: `q-${q} ${alarming.has(key) ? 'alarming' : ''} ${selected ? 'selected' : ''}`,
          'data-point': key,
          tabindex: 0,
          title: 'show trend',
          onclick: () => selectTrend(key),
        },
        el('td', {}, meta.device),
        el('td', {}, meta.name),
        el('td', { class: 'num' }, reading && reading.value !== undefined ? fmt(reading.value) : '—'),
        el('td', {}, meta.unit),
        el('td', { class: 'quality', title: reading?.reason || '' }, q),
        el('td', {}, reading ? time(reading.sourceTs) : ''),
      );
    });
    $('points').tBodies[0].replaceChildren(...rows);
  }

  function renderHistory() {
    const items = state.history
      .slice(0, 50)
      .map((e) =>
        el(
          'li',
          { class: `p-${e.colour}`, 'data-event': e.event },
          el('span', { class: 'when' }, time(e.publishedAt || e.detectedAt)),
          el('span', { class: 'ev' }, e.event),
          el('span', {}, `${e.alarmId} → ${e.state}`),
          el('span', { class: 'meta' }, `${fmt(e.value)} ${e.unit}`),
        ),
      );
    $('history').replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, 'No alarm events since the gateway started')]));
  }

  // ---- Trends ----
  function defaultTrendPoint(points) {
    const withLimits = points.find((p) => p.limits?.length);
    return `${(withLimits || points[0]).device}/${(withLimits || points[0]).point}`;
  }

  async function selectTrend(key) {
    state.trend = { key, samples: [] };
    renderPoints();
    renderTrend();
    const [device, point] = key.split('/');
    try {
      const h = await L.api('GET', `/api/points/${device}/${point}/history?windowMs=${trendWindowMs()}`);
      if (state.trend && state.trend.key === key) {
        const live = state.trend.samples.filter((s) => !h.samples.length || s.ts > h.samples[h.samples.length - 1].ts);
        state.trend.samples = h.samples.concat(live);
        renderTrend();
      }
    } catch (e) {
      notify(`trend: ${e.message}`, true);
    }
  }

  function renderTrend() {
    const t = state.trend;
    if (!t) return;
    const entry = state.points.get(t.key);
    if (!entry) return;
    const { meta } = entry;
    $('trend-title').textContent = `${meta.device} · ${meta.name}`;
    const limits = (meta.limits || []).map((l) => ({ value: l.value, colour: L.COLOURS[l.priority], label: l.condition.toUpperCase() }));
    L.drawTrend($('trend'), t.samples, { unit: meta.unit, limits, windowMs: trendWindowMs() });
  }

  // ---- Alarm history, link and outbox health (HTTP) ----
  async function loadHistory() {
    try {
      state.history = await L.api('GET', '/api/alarms/history?limit=200');
      renderHistory();
    } catch (e) {
      notify(`alarm history: ${e.message}`, true);
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
          el('span', { class: 'comm' }, u.connected ? 'connected' : 'disconnected'),
        ),
      );
      rows.push(el('li', {}, el('strong', {}, 'uptime'), el('span', { class: 'comm' }, `${Math.floor(h.uptimeS / 60)} min`)));
      $('uplinks').replaceChildren(...rows);
      $('outbox').replaceChildren(
        ...(h.features.outbox ? await outboxRows() : [el('li', { class: 'empty' }, 'outbox status not available')]),
      );
    } catch (e) {
      $('uplinks').replaceChildren(el('li', { class: 'comm-offline' }, `gateway unreachable: ${e.message}`));
    }
  }

  async function outboxRows() {
    const o = await L.api('GET', '/api/outbox');
    const rows = Object.entries(o.lanes).map(([lane, s]) =>
      el('li', { 'data-lane': lane }, el('strong', {}, lane), el('span', { class: 'comm' }, `${s.depth} waiting`)),
    );
    for (const [sink, s] of Object.entries(o.sinks || {}))
      rows.push(el('li', {}, el('strong', {}, sink), el('span', { class: 'comm' }, `${s.pending} pending`)));
    if (o.dropped)
      rows.push(el('li', { class: 'comm-degraded' }, el('strong', {}, 'dropped'), el('span', { class: 'comm' }, String(o.dropped))));
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
    $('me').textContent = state.me.role === 'none' ? 'not signed in' : `${state.me.user} (${state.me.role})`;
    $('sign-in').hidden = RANK[state.me.role] >= RANK.operator;
    $('sign-out').hidden = !L.token();
    renderAlarms();
  }

  function notify(text, bad) {
    const n = $('notice');
    n.textContent = text;
    n.className = bad ? 'notice bad' : 'notice';
    n.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => (n.hidden = true), 6000);
  }

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
    if (state.me.role === 'none') notify('token not accepted', true);
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
