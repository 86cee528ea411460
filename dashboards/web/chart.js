// A small hand-written SVG line chart for trends: no charting library, no CDN.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const NS = 'http://www.w3.org/2000/svg';
  const H = 220;
  const PAD = { left: 48, right: 12, top: 12, bottom: 24 };

  const svg = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /** Nice round tick values covering [min, max]. */
  function ticks(min, max, count) {
    const span = max - min || 1;
    const step0 = span / count;
    const mag = 10 ** Math.floor(Math.log10(step0));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) || step0;
    const out = [];
    for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toFixed(10)));
    return out;
  }

  /**
   * Draws samples [{ts, value}] into `host`, with limit lines [{value, colour, label}].
   * The y axis always includes the limits so a trip point is visible before it is reached.
   */
  L.drawTrend = (host, samples, { unit = '', limits = [], windowMs = 15 * 60 * 1000, now = Date.now() } = {}) =>
    L.drawSeries(host, [{ samples }], { unit, limits, t0: now - windowMs, t1: now });

  /**
   * Several points on one chart over [t0, t1]: series [{samples, label}] drawn as lines s0, s1, … (colours
   * in style.css that are not the priority colours), with a legend when there is more than one.
   * A gap longer than `gapMs` (bad readings, the gateway off) breaks the line instead of bridging it.
   */
  L.drawSeries = (host, series, { unit = '', limits = [], t0, t1, gapMs } = {}) => {
    // Draw at the host's own width so text stays at its natural size on a phone and a wall screen.
    const W = Math.max(280, Math.round(host.clientWidth || 600));
    const span = Math.max(1, t1 - t0);
    const gap = gapMs ?? span / 20;
    const all = series.flatMap((s) => s.samples.filter((p) => p.ts >= t0 && p.ts <= t1));
    const root = svg('svg', {
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      class: 'trend',
      role: 'img',
      'aria-label': `trend (${all.length} samples)`,
    });
    const values = all.map((s) => s.value).concat(limits.map((l) => l.value));
    let min = values.length ? Math.min(...values) : 0;
    let max = values.length ? Math.max(...values) : 1;
    if (min === max) {
      min -= 1;
      max += 1;
    }
    const pad = (max - min) * 0.08;
    min -= pad;
    max += pad;
    const x = (ts) => PAD.left + ((ts - t0) / span) * (W - PAD.left - PAD.right);
    const y = (v) => PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom);

    for (const v of ticks(min, max, 4)) {
      root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
      root.append(svg('text', { x: PAD.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, L.fmt(v)));
    }
    const steps = W < 500 ? 1 : 3; // phones: only the two ends, so time labels never overlap
    for (let i = 0; i <= steps; i++) {
      const ts = t0 + (span * i) / steps;
      const anchor = i === 0 ? 'start' : i === steps ? 'end' : 'middle';
      root.append(svg('text', { x: x(ts), y: H - 6, class: 'axis', 'text-anchor': anchor }, L.shortTime(ts, span)));
    }
    for (const l of limits) {
      root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(l.value), y2: y(l.value), class: `limit limit-${l.colour}` }));
      root.append(
        svg('text', { x: W - PAD.right, y: y(l.value) - 4, class: `axis limit-label limit-${l.colour}`, 'text-anchor': 'end' }, l.label),
      );
    }
    for (const [i, s] of series.entries()) {
      const visible = s.samples.filter((p) => p.ts >= t0 && p.ts <= t1);
      if (!visible.length) continue;
      const d = visible
        .map((p, j) => `${j && p.ts - visible[j - 1].ts <= gap ? 'L' : 'M'}${x(p.ts).toFixed(1)},${y(p.value).toFixed(1)}`)
        .join('');
      root.append(svg('path', { d, class: `line s${i % 6}`, 'data-series': s.label || '' }));
      const last = visible[visible.length - 1];
      root.append(svg('circle', { cx: x(last.ts), cy: y(last.value), r: 3, class: `dot s${i % 6}` }));
    }
    if (!all.length) root.append(svg('text', { x: W / 2, y: H / 2, class: 'axis', 'text-anchor': 'middle' }, L.t ? L.t('trend.none') : ''));
    root.append(svg('text', { x: PAD.left + 4, y: PAD.top + 10, class: 'axis unit' }, unit));
    if (series.length > 1) {
      for (const [i, s] of series.entries())
        root.append(svg('text', { x: PAD.left + 4, y: PAD.top + 26 + i * 14, class: `axis legend s${i % 6}` }, `— ${s.label}`));
    }
    host.replaceChildren(root);
  };
})();
