import { useMemo } from 'react';
import type { Department, OrgUnit, Site } from '#shared/schemas/org';
import { useRenshi } from '../../app/context.tsx';
import { stripMeta } from '../../db/records.ts';
import { useObservable } from '../../components/use-observable.ts';

export type OrgData = {
  loaded: boolean;
  sites: Site[];
  departments: Department[];
  byId: Map<string, OrgUnit>;
};

/** Sites and departments, live: re-renders when any org document changes (here or via sync). */
export function useOrg(): OrgData {
  const { db } = useRenshi();
  const docs = useObservable(() => db.org.find().$, [db]);
  return useMemo(() => {
    const units = (docs ?? []).map((d) => stripMeta(d.toMutableJSON()) as OrgUnit);
    const byName = (a: OrgUnit, b: OrgUnit) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name, 'zh-CN');
    return {
      loaded: docs !== undefined,
      sites: units.filter((u): u is Site => u.kind === 'site').sort(byName),
      departments: units.filter((u): u is Department => u.kind === 'department').sort(byName),
      byId: new Map(units.map((u) => [u.id, u])),
    };
  }, [docs]);
}
