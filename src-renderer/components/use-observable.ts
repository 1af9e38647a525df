import { useEffect, useState } from 'react';
import type { Observable } from 'rxjs';

/**
 * The latest value of an observable (an RxDB query's `$`), `undefined` until the first emission.
 * `deps` decide when to resubscribe; the observable itself is rebuilt each render by the caller.
 */
export function useObservable<T>(make: () => Observable<T>, deps: unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const sub = make().subscribe({ next: setValue, error: (err: unknown) => console.error(err) });
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}
