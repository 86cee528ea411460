// The centre alarm console: every gateway's alarms, health and journal, read from the centre API.
(() => {
  const KEY = 'lifeline.centre.token';
  const $ = (id) => document.getElementById(id);
  const COLOURS = { 1: 'red', 2: 'orange', 3: 'yellow', 4: 'blue' };
  const token = () => sessionStorage.getItem(KEY) || '';
  let me = '';
  let alarms = [];

  async function api(method, path, body) {
    const headers = {};
    if (token()) headers.authorization = `Bearer ${token()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(data?.reason || data?.message || `HTTP ${res.status}`);
    return data;
  }

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  };

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  function fillSelect(id, values) {
    const select = $(id);
    const current = select.value;
    const known = new Set([...select.options].map((o) => o.value));
    for (const v of values) if (!known.has(v)) select.append(el('option', { value: v, textContent: v }));
    select.value = current;
  }

  function renderAlarms() {
    fillSelect('f-site', [...new Set(alarms.map((a) => a.site))].sort());
    fillSelect('f-kind', [...new Set(alarms.map((a) => a.condition))].sort());
    fillSelect('f-state', [...new Set(alarms.map((a) => a.state))].sort());
    const f = { site: $('f-site').value, kind: $('f-kind').value, priority: $('f-priority').value, state: $('f-state').value };
    const shown = alarms.filter(
      (a) =>
        (!f.site || a.site === f.site) &&
        (!f.kind || a.condition === f.kind) &&
        (!f.priority || String(a.priority) === f.priority) &&
        (!f.state || a.state === f.state),
    );
    $('alarm-count').textContent = String(shown.length);
    const list = $('alarms');
    list.replaceChildren(...(shown.length ? shown.map(alarmItem) : [el('li', { class: 'empty', textContent: 'No active alarms' })]));
  }

  function alarmItem(a) {
    const actions = el('div', { class: 'actions' });
    if (me && (a.state === 'unacknowledged' || a.state === 'returned-unacknowledged')) {
      actions.append(el('button', { type: 'button', textContent: 'Acknowledge', 'data-action': 'ack', onclick: () => send(a, 'ack', {}) }));
    }
    if (me && a.state !== 'shelved') {
      actions.append(
        el('button', {
          type: 'button',
          textContent: 'Shelve 1 h',
          'data-action': 'shelve',
          onclick: () => send(a, 'shelve', { durationMs: 3_600_000 }),
        }),
      );
    }
    if (!me) actions.append(el('span', { class: 'hint', textContent: 'sign in to act' }));
    const item = el(
      'li',
      { class: `p-${COLOURS[a.priority]} ${a.state}`, 'data-alarm': `${a.site}/${a.gateway}/${a.alarmId}` },
      el('span', { class: 'level', textContent: `P${a.priority} ${COLOURS[a.priority]}` }),
      el('span', { class: 'what', textContent: `${a.site} / ${a.gateway} — ${a.alarmId}: ${a.value} ${a.unit} (limit ${a.limit})` }),
      el('span', { class: 'state', textContent: a.state }),
      el('span', { class: 'meta', textContent: `since ${new Date(a.detectedAt).toLocaleString()}` }),
      actions,
    );
    return item;
  }

  async function send(a, command, extra) {
    try {
      const result = await api('POST', `/api/twins/${a.site}/${a.gateway}/${command}`, { alarmId: a.alarmId, ...extra });
      notice(`${command} ${a.alarmId}: ${result.ok ? `done by the gateway (${result.state})` : result.reason}`);
      await refresh();
    } catch (e) {
      notice(`${command} ${a.alarmId}: ${e.message}`);
    }
  }

  function renderGateways(gateways) {
    $('gateway-count').textContent = String(gateways.length);
    const rows = gateways.map((g) =>
      el(
        'tr',
        { class: g.online ? '' : 'offline', 'data-gateway': `${g.site}/${g.gateway}` },
        el('td', { textContent: g.site }),
        el('td', { textContent: g.gateway }),
        el('td', {}, el('span', { class: g.online ? 'online' : 'offline-label', textContent: g.online ? 'online' : 'offline' })),
        el('td', { textContent: g.lastSeen ? new Date(g.lastSeen).toLocaleString() : '—' }),
        el('td', { textContent: g.devicesTotal === undefined ? '—' : `${g.devicesOnline}/${g.devicesTotal}` }),
        el('td', { textContent: String(g.activeAlarms) }),
        el('td', { textContent: String(g.version) }),
        el('td', { textContent: g.outboxBacklog === undefined ? 'not reported' : String(g.outboxBacklog) }),
        el('td', { textContent: String(g.rejectedMessages), title: g.lastRejection || '' }),
      ),
    );
    $('gateways').tBodies[0].replaceChildren(...rows);
  }

  async function searchJournal() {
    const q = $('j-text').value.trim();
    const query = q ? `?q=${encodeURIComponent(q)}` : '';
    $('j-csv').href = `/api/journal${query ? `${query}&` : '?'}format=csv`;
    const rows = await api('GET', `/api/journal${query}`);
    $('journal').tBodies[0].replaceChildren(
      ...rows.map((r) =>
        el(
          'tr',
          {},
          ...[
            new Date(r.receivedAt).toLocaleString(),
            r.site,
            r.gateway,
            r.seq,
            r.event.event,
            r.event.alarmId,
            r.event.priority,
            r.event.state,
            `${r.event.value} ${r.event.unit}`,
            r.event.user || '',
          ].map((v) => el('td', { textContent: String(v) })),
        ),
      ),
    );
  }

  async function refresh() {
    try {
      const [a, g] = await Promise.all([api('GET', '/api/alarms'), api('GET', '/api/twins')]);
      alarms = a;
      renderAlarms();
      renderGateways(g);
      $('link').textContent = 'centre connected';
      $('link').className = 'link link-up';
    } catch {
      $('link').textContent = 'centre unreachable';
      $('link').className = 'link link-down';
    }
  }

  async function signIn(t) {
    sessionStorage.setItem(KEY, t);
    try {
      me = (await api('GET', '/api/whoami')).user;
      $('me').textContent = `signed in as ${me}`;
      $('login').hidden = true;
      $('sign-out').hidden = false;
      notice('');
    } catch (e) {
      sessionStorage.removeItem(KEY);
      me = '';
      notice(`sign-in failed: ${e.message}`);
    }
    renderAlarms();
  }

  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn($('token').value.trim());
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    me = '';
    $('me').textContent = 'not signed in';
    $('login').hidden = false;
    $('sign-out').hidden = true;
    renderAlarms();
  });
  $('filters').addEventListener('change', renderAlarms);
  $('journal-search').addEventListener('submit', (e) => {
    e.preventDefault();
    void searchJournal().catch((err) => notice(`journal: ${err.message}`));
  });

  if (token()) void signIn(token());
  void refresh();
  void searchJournal().catch(() => undefined);
  setInterval(refresh, 2000);
  // Any instance's store change arrives here: refresh soon, at most every 300 ms.
  let pending = false;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.onmessage = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      void refresh();
    }, 300);
  };
})();
