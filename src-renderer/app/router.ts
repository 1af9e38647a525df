import { useEffect, useState } from 'react';

/**
 * A tiny hash router: the location is `#/area/...`, so a reload (and Electron's file:// pages) keep the
 * current screen without a server route. Screens parse `segments` themselves.
 */
export type Route = { path: string; segments: string[]; query: URLSearchParams };

function current(): Route {
  const [path = '', search = ''] = (window.location.hash.replace(/^#/, '') || '/employees').split('?');
  return { path, segments: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

let lastPath = current().path;

/** A new screen starts at its top, not at the scroll position the previous screen was left at. */
function scrollToTopOnNewScreen(path: string) {
  if (path === lastPath) return;
  lastPath = path;
  document.querySelector('.mantine-AppShell-main')?.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => {
      const next = current();
      scrollToTopOnNewScreen(next.path);
      setRoute(next);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = path;
}
