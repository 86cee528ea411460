// The gateway API as the dashboard uses it: a bearer token kept in this browser only.
(() => {
  window.Lifeline = window.Lifeline || {};
  const L = window.Lifeline;
  const KEY = 'lifeline.token';

  L.token = () => localStorage.getItem(KEY) || '';
  L.setToken = (t) => (t ? localStorage.setItem(KEY, t) : localStorage.removeItem(KEY));

  // A sign-in link (the demo banner prints one: /#token=…) signs in as the form does, then leaves the
  // address bar, history and bookmarks: the fragment never reached the server, and now not the screen either.
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has('token')) {
    L.setToken((hash.get('token') || '').trim());
    hash.delete('token');
    const rest = hash.toString();
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }

  /** fetch + JSON with the token; rejects with the API's coded error message. */
  L.api = async (method, path, body) => {
    const headers = {};
    if (L.token()) headers.authorization = `Bearer ${L.token()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = new Error(data?.message ? data.message : `HTTP ${res.status}`);
      e.status = res.status;
      e.code = data?.code;
      throw e;
    }
    return data;
  };

  /** Saves a Blob as a file: an object URL on a temporary link, revoked after the click. */
  L.saveBlob = (blob, filename) => {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  /** Downloads an export (CSV) with the token: a plain link could not carry the Authorization header. */
  L.download = async (path, filename) => {
    const headers = L.token() ? { authorization: `Bearer ${L.token()}` } : {};
    const res = await fetch(path, { headers });
    if (!res.ok) {
      const data = await res.json().catch(() => undefined);
      throw new Error(data?.message || `HTTP ${res.status}`);
    }
    L.saveBlob(await res.blob(), filename);
  };

  L.wsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

  // A WebSocket cannot carry an Authorization header, and a token in its URL lands in logs: the token rides
  // as a subprotocol, base64url-encoded; the gateway answers with lifeline.v1, never echoing it.
  L.wsProtocols = () => {
    const t = L.token();
    if (!t) return ['lifeline.v1'];
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(t)));
    return ['lifeline.v1', `lifeline.bearer.${b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`];
  };
})();
