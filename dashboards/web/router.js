// Pages by the address's fragment: #/ (overview), #/journal, #/device/<id>, #/trends?points=…&range=….
// Each page is a file (journal.js, device-page.js, trends.js, …) registering L.pages[name] with
// open(params), render() and optional close(); a further page (e.g. analytics.js) registers the same
// way and adds a <section data-page="…"> and a nav link. A sign-in fragment (#token=…) is api.js's.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  let active;

  /** { name, params } of the current fragment. */
  function parse() {
    const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    const [name, id] = (path || '').split('/');
    if (name === 'device' && id) params.set('id', decodeURIComponent(id));
    return { name: name && L.pages[name] ? name : 'overview', params };
  }

  L.route = () => {
    if (!L.state.ready) return; // the first snapshot routes
    const { name, params } = parse();
    if (active && active !== name) L.pages[active]?.close?.();
    active = name;
    for (const section of document.querySelectorAll('[data-page]')) section.hidden = section.dataset.page !== name;
    for (const a of document.querySelectorAll('nav a[data-nav]')) a.classList.toggle('on', a.dataset.nav === name);
    L.pages[name]?.open?.(params);
  };
  L.activePage = () => active;
  window.addEventListener('hashchange', L.route);
})();
