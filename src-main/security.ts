import { app, session, shell, type WebContents } from 'electron';

/**
 * One place for the window's security policy: a strict CSP on every response, no navigation away from the
 * app, no new windows (external https links open in the system browser), no permission prompts granted.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Mantine injects CSS variables at run time
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' http://127.0.0.1:* http://localhost:* https:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function isAppUrl(url: string, rendererUrl: string | undefined): boolean {
  try {
    const u = new URL(url);
    if (rendererUrl) return u.origin === new URL(rendererUrl).origin;
    return u.protocol === 'file:';
  } catch {
    return false;
  }
}

export function applySessionSecurity(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'notifications'));
}

export function lockDownContents(contents: WebContents, rendererUrl: string | undefined): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function enforceSingleInstance(): boolean {
  return app.requestSingleInstanceLock();
}
