// DOM helpers shared by the dashboard scripts (classic scripts: no build step, no CDN).
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;

  /** Builds an element: el('li', {class: 'x'}, 'text', childNode). */
  L.el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    node.append(...children.filter((c) => c !== undefined && c !== null));
    return node;
  };

  L.fmt = (v) => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
    if (v === null || v === undefined) return '—';
    return String(v);
  };

  /** China's four warning levels (DESIGN.md §1): 1 red (I) … 4 blue (IV). */
  L.LEVELS = ['', 'I', 'II', 'III', 'IV'];
  L.COLOURS = ['', 'red', 'orange', 'yellow', 'blue'];
})();
