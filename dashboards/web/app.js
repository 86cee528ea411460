// The gateway dashboard: one WebSocket, a snapshot then live messages.
// Plain browser JavaScript with no dependencies, so it works with no internet.
(() => {
  const points = new Map(); // "device/point" -> { meta, reading }
  const alarms = new Map(); // alarmId -> event
  const devices = new Map(); // id -> { name, comm }
  const $ = (id) => document.getElementById(id);
  let retryMs = 500;

  function connect() {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    ws.onopen = () => {
      retryMs = 500;
      setLink(true);
    };
    ws.onclose = () => {
      setLink(false);
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    };
    ws.onmessage = (msg) => handle(JSON.parse(msg.data));
  }

  function handle(m) {
    if (m.type === 'snapshot') {
      $('site').textContent = m.site;
      $('gateway').textContent = m.gateway;
      $('version').textContent = m.version;
      points.clear();
      alarms.clear();
      devices.clear();
      for (const d of m.devices) devices.set(d.id, { name: d.name, comm: d.comm.state });
      for (const p of m.points) points.set(`${p.device}/${p.point}`, { meta: p, reading: undefined });
      for (const r of m.readings) setReading(r);
      for (const a of m.alarms) alarms.set(a.alarmId, a);
      renderAll();
    } else if (m.type === 'readings') {
      for (const r of m.readings) setReading(r);
      renderPoints();
    } else if (m.type === 'alarm') {
      if (m.event.state === 'normal') alarms.delete(m.event.alarmId);
      else alarms.set(m.event.alarmId, m.event);
      renderAlarms();
      renderPoints();
    } else if (m.type === 'comm') {
      const d = devices.get(m.device);
      if (d) d.comm = m.state;
      renderDevices();
    }
  }

  function setReading(r) {
    const entry = points.get(`${r.device}/${r.point}`);
    if (entry) entry.reading = r;
  }

  function setLink(up) {
    $('link').textContent = up ? 'live' : 'reconnecting…';
    $('link').className = `link ${up ? 'link-up' : 'link-down'}`;
  }

  function renderAll() {
    renderAlarms();
    renderDevices();
    renderPoints();
  }

  function renderAlarms() {
    const list = [...alarms.values()].sort((a, b) => a.priority - b.priority || b.detectedAt.localeCompare(a.detectedAt));
    $('alarm-count').textContent = String(list.length);
    $('alarms').replaceChildren(...(list.length ? list.map(alarmItem) : [el('li', { class: 'empty' }, 'No active alarms')]));
  }

  function alarmItem(a) {
    const level = ['', 'I red', 'II orange', 'III yellow', 'IV blue'][a.priority];
    return el(
      'li',
      { class: `p-${a.colour} ${a.state}`, 'data-alarm': a.alarmId },
      el('span', { class: 'level' }, level),
      el('span', {}, `${a.device} · ${a.point} ${a.condition.toUpperCase()}`),
      el('span', { class: 'state' }, a.state),
      el('span', { class: 'meta' }, `${fmt(a.value)} ${a.unit} (limit ${fmt(a.limit)}) · ${new Date(a.detectedAt).toLocaleTimeString()}`),
    );
  }

  function renderDevices() {
    $('devices').replaceChildren(...[...devices].map(([id, d]) => el('li', { class: d.comm }, `${d.name} (${id}): ${d.comm}`)));
  }

  function renderPoints() {
    const alarming = new Set(
      [...alarms.values()].filter((a) => a.state === 'unacknowledged' || a.state === 'acknowledged').map((a) => `${a.device}/${a.point}`),
    );
    const rows = [...points].map(([key, { meta, reading }]) => {
      const q = reading ? reading.quality : 'uncertain';
      return el(
        'tr',
        { class: `q-${q} ${alarming.has(key) ? 'alarming' : ''}`, 'data-point': key },
        el('td', {}, meta.device),
        el('td', {}, meta.name),
        el('td', { class: 'num' }, reading && reading.value !== undefined ? fmt(reading.value) : '—'),
        el('td', {}, meta.unit),
        el('td', { class: 'quality', title: reading?.reason ?? '' }, q),
        el('td', {}, reading ? new Date(reading.sourceTs).toLocaleTimeString() : ''),
      );
    });
    $('points').tBodies[0].replaceChildren(...rows);
  }

  function fmt(v) {
    return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  }

  connect();
})();
