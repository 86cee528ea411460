/**
 * The sign-in link the dashboard understands: it reads `#token=` once, keeps
 * the token where its Sign-in form keeps it and removes it from the address
 * bar (dashboards/web/api.js). A fragment never reaches a server or its logs.
 */
export function signInUrl(dashboard: string, token: string): string {
  return `${dashboard}#token=${encodeURIComponent(token)}`;
}
