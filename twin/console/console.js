// The centre alarm console: every gateway's alarms, health and journal, read from the centre API.
// Words, times and alarm texts come from the gateway dashboard's i18n.js and alarm-text.js (zh-CN, en).
(() => {
  const L = window.Lifeline;
  const KEY = 'lifeline.centre.token';
  const $ = (id) => document.getElementById(id);
  const token = () => sessionStorage.getItem(KEY) || '';
  // The centre has no profile names: devices and points read as their ids.
  const NO_NAMES = { device: () => undefined, point: () => undefined };
  let me = '';
  let alarms = [];
  let gateways = [];
  let journal = [];
  let linkUp;

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

  /** Adds the values not yet offered and labels every option in the current language ("" is "all"). */
  function fillSelect(id, values, label) {
    const select = $(id);
    const current = select.value;
    const known = new Set([...select.options].map((o) => o.value));
    for (const v of values) if (!known.has(v)) select.append(el('option', { value: v }));
    for (const o of select.options) o.textContent = o.value ? label(o.value) : L.t('console.all');
    select.value = current;
  }

  function renderAlarms() {
    fillSelect('f-site', [...new Set(alarms.map((a) => a.site))].sort(), (v) => v);
    fillSelect('f-kind', [...new Set(alarms.map((a) => a.condition))].sort(), (v) => L.word('condition', v));
    fillSelect('f-priority', [], (v) => L.level(Number(v)));
    fillSelect('f-state', [...new Set(alarms.map((a) => a.state))].sort(), (v) => L.word('state', v));
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
    list.replaceChildren(...(shown.length ? shown.map(alarmItem) : [el('li', { class: 'empty', textContent: L.t('alarms.none') })]));
  }

  /** The gateway's alarm analytics raise these itself: nothing to acknowledge or shelve (the gateway refuses both). */
  const INFORMATIONAL = new Set(['flood', 'chatter']);

  function alarmItem(a) {
    const actions = el('div', { class: 'actions' });
    if (INFORMATIONAL.has(a.condition)) actions.append(el('span', { class: 'hint', textContent: L.t('alarms.informational') }));
    else if (me && (a.state === 'unacknowledged' || a.state === 'returned-unacknowledged')) {
      actions.append(
        el('button', { type: 'button', textContent: L.t('action.ack'), 'data-action': 'ack', onclick: () => send(a, 'ack', {}) }),
      );
    }
    if (me && a.state !== 'shelved' && !INFORMATIONAL.has(a.condition)) {
      actions.append(
        el('button', {
          type: 'button',
          textContent: L.t('console.shelve1h'),
          'data-action': 'shelve',
          onclick: () => send(a, 'shelve', { durationMs: 3_600_000 }),
        }),
      );
    }
    if (!me) actions.append(el('span', { class: 'hint', textContent: L.t('console.signin') }));
    const item = el(
      'li',
      { class: `p-${L.COLOURS[a.priority]} ${a.state}`, 'data-alarm': `${a.site}/${a.gateway}/${a.alarmId}` },
      el('span', { class: 'level', textContent: L.level(a.priority) }),
      el('span', {
        class: 'what',
        textContent: `${a.site} / ${a.gateway} — ${L.alarmWhat(a, NO_NAMES)}${L.t('console.colon')}${L.alarmDetail(a)}`,
      }),
      el('span', { class: 'state', 'data-state': a.state, textContent: L.word('state', a.state) }),
      el('span', { class: 'meta', textContent: L.t('console.since', { at: L.time(a.detectedAt) }) }),
      actions,
    );
    return item;
  }

  async function send(a, command, extra) {
    try {
      const result = await api('POST', `/api/twins/${a.site}/${a.gateway}/${command}`, { alarmId: a.alarmId, ...extra });
      const words = { command: L.word('event', command), alarm: a.alarmId };
      notice(
        result.ok
          ? L.t('console.done', { ...words, state: L.word('state', result.state) })
          : L.t('console.refused', { ...words, message: result.reason }),
      );
      await refresh();
    } catch (e) {
      notice(L.t('console.refused', { command: L.word('event', command), alarm: a.alarmId, message: e.message }));
    }
  }

  /** What the gateway holds for the centre (all lanes); every sink and lane in the title; alarms held stand out. */
  function backlogCell(backlog) {
    if (!backlog) return el('td', { textContent: L.t('console.notReported') });
    const sinks = Object.entries(backlog);
    const centre = backlog.centre ?? { alarm: 0, twin: 0, telemetry: 0 };
    const title = sinks.map(([sink, l]) => `${sink}: alarm ${l.alarm} · twin ${l.twin} · telemetry ${l.telemetry}`).join('\n');
    return el('td', {
      class: centre.alarm > 0 ? 'backlog-alarm' : '',
      'data-backlog': String(centre.alarm + centre.twin + centre.telemetry),
      textContent: String(centre.alarm + centre.twin + centre.telemetry),
      title,
    });
  }

  function renderGateways() {
    $('gateway-count').textContent = String(gateways.length);
    const rows = gateways.map((g) =>
      el(
        'tr',
        { class: g.online ? '' : 'offline', 'data-gateway': `${g.site}/${g.gateway}` },
        el('td', { textContent: g.site }),
        el('td', { textContent: g.gateway }),
        el(
          'td',
          {},
          el('span', { class: g.online ? 'online' : 'offline-label', textContent: L.t(g.online ? 'comm.online' : 'comm.offline') }),
        ),
        el('td', { textContent: g.lastSeen ? L.time(g.lastSeen) : '—' }),
        el('td', { textContent: g.devicesTotal === undefined ? '—' : `${g.devicesOnline}/${g.devicesTotal}` }),
        el('td', { textContent: String(g.activeAlarms) }),
        el('td', { textContent: String(g.version) }),
        backlogCell(g.outboxBacklog),
        el('td', { textContent: String(g.rejectedMessages), title: g.lastRejection || '' }),
      ),
    );
    $('gateways').tBodies[0].replaceChildren(...rows);
  }

  async function searchJournal() {
    const q = $('j-text').value.trim();
    const query = q ? `?q=${encodeURIComponent(q)}` : '';
    $('j-csv').href = `/api/journal${query ? `${query}&` : '?'}format=csv`;
    journal = await api('GET', `/api/journal${query}`);
    renderJournal();
  }

  function renderJournal() {
    const rows = journal.map((r) =>
      el(
        'tr',
        { 'data-event': r.event.event },
        ...[
          L.time(r.receivedAt),
          r.site,
          r.gateway,
          r.seq,
          L.word('event', r.event.event),
          r.event.alarmId,
          L.level(r.event.priority),
          L.word('state', r.event.state),
          `${L.fmt(r.event.value)} ${r.event.unit}`,
          r.event.user || '',
        ].map((v) => el('td', { textContent: String(v) })),
      ),
    );
    const none = el('tr', {}, el('td', { colSpan: 10, class: 'empty', textContent: L.t('journal.none') }));
    $('journal').tBodies[0].replaceChildren(...(rows.length ? rows : [none]));
  }

  function renderLink() {
    if (linkUp === undefined) return;
    $('link').textContent = L.t(linkUp ? 'console.up' : 'console.down');
    $('link').className = linkUp ? 'link link-up' : 'link link-down';
  }

  function renderMe() {
    $('me').textContent = me ? L.t('console.me', { user: me }) : L.t('me.none');
  }

  async function refresh() {
    try {
      const [a, g] = await Promise.all([api('GET', '/api/alarms'), api('GET', '/api/twins')]);
      alarms = a;
      gateways = g;
      renderAlarms();
      renderGateways();
      linkUp = true;
    } catch {
      linkUp = false;
    }
    renderLink();
  }

  async function signIn(t) {
    sessionStorage.setItem(KEY, t);
    try {
      me = (await api('GET', '/api/whoami')).user;
      renderMe();
      $('login').hidden = true;
      $('sign-out').hidden = false;
      notice('');
    } catch (e) {
      sessionStorage.removeItem(KEY);
      me = '';
      notice(L.t('console.signInFailed', { message: e.message }));
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
    renderMe();
    $('login').hidden = false;
    $('sign-out').hidden = true;
    renderAlarms();
  });
  $('filters').addEventListener('change', renderAlarms);
  $('journal-search').addEventListener('submit', (e) => {
    e.preventDefault();
    void searchJournal().catch((err) => notice(L.t('console.journalError', { message: err.message })));
  });

  // ---- Language: the dashboard's choice (browser, then the remembered switch) ----
  function translate() {
    document.title = L.t('console.title');
    renderMe();
    renderLink();
    renderAlarms();
    renderGateways();
    renderJournal();
  }
  $('lang').value = L.lang();
  $('lang').addEventListener('change', () => L.setLang($('lang').value));
  L.onLang(translate);
  L.translatePage();
  translate();

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
