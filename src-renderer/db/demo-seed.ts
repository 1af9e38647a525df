import { demoFactory } from '#shared/demo/factory';
import type { WriteContext } from './records.ts';

/**
 * Fills an empty local database with the demo factory (first start of a demo or test run). Does nothing
 * once any site exists, so restarts and real data are never touched.
 */
export async function seedDemoIfEmpty(ctx: WriteContext, opts: { employees?: number } = {}): Promise<boolean> {
  if ((await ctx.db.org.count().exec()) > 0) return false;
  const company = demoFactory({ employees: opts.employees, now: (ctx.now ?? Date.now)() });
  await ctx.db.org.bulkInsert([...company.sites, ...company.departments]);
  await ctx.db.settings.bulkInsert([...company.shifts, ...company.rotations, ...company.devices]);
  await ctx.db.employees.bulkInsert(company.employees);
  await ctx.audit.append({
    actor: ctx.actor,
    action: 'import',
    collection: 'employees',
    docId: 'demo-seed',
    before: null,
    after: { employees: company.employees.length, sites: company.sites.length, departments: company.departments.length },
    summary: `演示数据：${company.employees.length} 名员工`,
  });
  return true;
}
