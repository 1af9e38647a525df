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

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = path;
}
