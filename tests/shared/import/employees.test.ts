import { describe, expect, it } from 'vitest';
import { Employee } from '#shared/schemas/employee';
import { cellText, fieldOfHeader, importTemplate, mapEmployeeRows, normalizeDate, type Cell, type ImportContext } from '#shared/import/employees';
import { fieldIssueOf, fieldIssuesOf } from '#shared/import/field-issues';

const NOW = Date.UTC(2026, 0, 15);

function context(overrides: Partial<ImportContext> = {}): ImportContext {
  let n = 0;
  return {
    sites: [
      { id: 'site-1', name: '一厂', code: 'S1' },
      { id: 'site-2', name: '二厂', code: 'S2' },
    ],
    departments: [
      { id: 'dep-a', name: '生产一部', code: 'P1', siteId: 'site-1' },
      { id: 'dep-b', name: '品质部', code: 'QA', siteId: null },
    ],
    existing: [{ employeeNo: 'E900', name: '老员工' }],
    newId: () => `id-${++n}`,
    now: NOW,
    ...overrides,
  };
}

const HEADER_ZH: Cell[] = ['工号*', '姓名', '部门', '厂区', '入职日期（YYYY-MM-DD）', '状态', '手机', '身份证号', '月薪(元)', '紧急联系人', '紧急联系人电话'];

describe('mapEmployeeRows: valid files', () => {
  it('maps Chinese headers, names and codes, and fills the site from the department', () => {
    const result = mapEmployeeRows(
      [
        HEADER_ZH,
        ['A001', '张伟', '生产一部', '', '2024/3/5', '试用期', '138 0013 8000', '11010519491231002X', '5200.5', '张强', '13900139000'],
        ['A002', '李娜', 'QA', 'S2', new Date(Date.UTC(2023, 11, 31)), '', 13700137000, '', '', '', ''],
      ],
      context(),
    );
    expect(result.issues).toEqual([]);
    expect(result.unknownColumns).toEqual([]);
    expect(result.records).toHaveLength(2);
    const [a, b] = result.records;
    expect(a).toMatchObject({
      id: 'id-1',
      employeeNo: 'A001',
      departmentId: 'dep-a',
      siteId: 'site-1',
      hireDate: '2024-03-05',
      status: 'probation',
      phone: '13800138000',
      sensitive: {
        idNumber: '11010519491231002X',
        monthlySalaryFen: 520050,
        bankAccount: null,
        emergencyContacts: [{ name: '张强', relation: '', phone: '13900139000', lastConfirmedOn: null }],
      },
      updatedAt: NOW,
    });
    expect(b).toMatchObject({ departmentId: 'dep-b', siteId: 'site-2', hireDate: '2023-12-31', status: 'active', phone: '13700137000', sensitive: { emergencyContacts: [] } });
    // Every record is a valid Employee as the database will store it.
    for (const r of result.records) expect(Employee.safeParse(r).success).toBe(true);
  });

  it('accepts English headers and enum values, reports unknown columns and skips blank rows', () => {
    const result = mapEmployeeRows(
      [
        ['employeeNo', 'Name', 'Department', 'Site', 'Hire Date', 'Status', 'Device PIN', 'Favourite colour'],
        ['B-1', 'Wang Fang', 'P1', 'S1', '20250102', 'on_leave', '0042', 'blue'],
        ['', null, '', '', '', '', '', ''],
      ],
      context(),
    );
    expect(result.issues).toEqual([]);
    expect(result.unknownColumns).toEqual(['Favourite colour']);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ employeeNo: 'B-1', status: 'on_leave', devicePin: '0042', hireDate: '2025-01-02' });
  });
});

type BadCase = { name: string; row: Cell[]; expect: { column: string; code: string; params?: Record<string, string | number> }[] };
const good: Cell[] = ['C001', '赵敏', '生产一部', '一厂', '2024-01-01', '在职', '13800138000', '', '', '', ''];
const withCell = (i: number, v: Cell) => good.map((c, j) => (j === i ? v : c));

const BAD_ROWS: BadCase[] = [
  { name: 'unknown department', row: withCell(2, '财务部'), expect: [{ column: '部门', code: 'unknownDepartment', params: { value: '财务部' } }] },
  { name: 'unknown site', row: withCell(3, '三厂'), expect: [{ column: '厂区', code: 'unknownSite', params: { value: '三厂' } }] },
  { name: 'department without a site and no site given', row: ['C001', '赵敏', '品质部', '', '2024-01-01', '', '', '', '', '', ''], expect: [{ column: '厂区', code: 'siteNeeded', params: { department: '品质部' } }] },
  { name: 'missing name', row: withCell(1, ''), expect: [{ column: '姓名', code: 'required' }] },
  { name: 'impossible date', row: withCell(4, '2023-02-29'), expect: [{ column: '入职日期（YYYY-MM-DD）', code: 'realDate' }] },
  { name: 'date in words', row: withCell(4, '去年三月'), expect: [{ column: '入职日期（YYYY-MM-DD）', code: 'date' }] },
  { name: 'unknown status', row: withCell(5, '旷工'), expect: [{ column: '状态', code: 'unknownStatus', params: { value: '旷工' } }] },
  { name: 'bad phone', row: withCell(6, '12345'), expect: [{ column: '手机', code: 'phone' }] },
  { name: 'ID checksum', row: withCell(7, '110105194912310021'), expect: [{ column: '身份证号', code: 'idChecksum' }] },
  { name: 'negative salary', row: withCell(8, '-1'), expect: [{ column: '月薪(元)', code: 'salary' }] },
  { name: 'emergency contact without phone', row: withCell(9, '赵父'), expect: [{ column: '紧急联系人电话', code: 'phone' }] },
  { name: 'employee number already in the database', row: withCell(0, 'E900'), expect: [{ column: '工号*', code: 'duplicateExisting', params: { value: 'E900', name: '老员工' } }] },
  { name: 'employee number with spaces inside', row: withCell(0, 'C 001'), expect: [{ column: '工号*', code: 'employeeNo' }] },
];

describe('mapEmployeeRows: row errors', () => {
  it.each(BAD_ROWS)('$name', ({ row, expect: expected }) => {
    const result = mapEmployeeRows([HEADER_ZH, good.map((c, i) => (i === 0 ? 'OK1' : c)), row], context());
    expect(result.records.map((r) => r.employeeNo)).toEqual(['OK1']);
    expect(result.issues.map(({ row: r, column, code, params }) => ({ row: r, column, code, params }))).toEqual(
      expected.map((e) => ({ row: 3, column: e.column, code: e.code, params: e.params ?? {} })),
    );
    expect(result.rows.find((r) => r.row === 3)?.issues).toHaveLength(expected.length);
  });

  it('flags a repeated employee number with the row it first appeared on', () => {
    const result = mapEmployeeRows([HEADER_ZH, good, withCell(1, '另一人'), good.map((c, i) => (i === 0 ? 'C002' : c))], context());
    expect(result.issues).toEqual([{ row: 3, column: '工号*', field: 'employeeNo', code: 'duplicateInFile', params: { value: 'C001', row: 2 } }]);
    expect(result.records.map((r) => r.employeeNo)).toEqual(['C001', 'C002']);
  });

  it('reports missing required columns against the header row', () => {
    const result = mapEmployeeRows([['姓名', '部门'], ['赵敏', '生产一部']], context());
    const missing = result.issues.filter((i) => i.code === 'missingColumn').map((i) => i.params.column);
    expect(missing).toEqual(['工号', '入职日期']);
    expect(result.issues.every((i) => i.row === 1 || i.row === 2)).toBe(true);
  });

  it('treats an empty sheet as no rows and no records', () => {
    const result = mapEmployeeRows([], context());
    expect(result.rows).toEqual([]);
    expect(result.records).toEqual([]);
  });
});

describe('cell helpers', () => {
  it.each([
    ['2024-3-5', '2024-03-05'],
    ['2024/03/05', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['20240305', '2024-03-05'],
    [45356, '2024-03-05'], // Excel serial
    ['soon', 'soon'],
  ] as [Cell, string][])('normalizeDate(%s) = %s', (input, out) => {
    expect(normalizeDate(input)).toBe(out);
  });

  it('prints whole numbers without exponent', () => {
    expect(cellText(13800138000)).toBe('13800138000');
    expect(cellText(1.5)).toBe('1.5');
    expect(cellText(null)).toBe('');
  });

  it.each([
    ['工号*', 'employeeNo'],
    ['Employee No', 'employeeNo'],
    ['入职日期（YYYY-MM-DD）', 'hireDate'],
    ['手机号码', 'phone'],
    ['device_pin', 'devicePin'],
    ['备注', null],
  ])('header %s -> %s', (h, f) => {
    expect(fieldOfHeader(h)).toBe(f);
  });

  it('the template maps back onto every field and its example row imports cleanly', () => {
    const t = importTemplate();
    const result = mapEmployeeRows([t.headers, t.example], context());
    expect(result.unknownColumns).toEqual([]);
    expect(result.issues).toEqual([]);
    expect(result.records).toHaveLength(1);
  });

  it("the template's example row can name the company's own units", () => {
    const t = importTemplate({ department: '品质部', site: '二厂' });
    const result = mapEmployeeRows([t.headers, t.example], context());
    expect(result.issues).toEqual([]);
    expect(result.records[0]).toMatchObject({ departmentId: 'dep-b', siteId: 'site-2' });
  });
});

describe('fieldIssueOf', () => {
  it('maps zod issues from the Employee schema to stable codes', () => {
    const r = Employee.safeParse({ id: 'x', updatedAt: 0, employeeNo: '', name: 'x'.repeat(60), departmentId: 'd', siteId: 's', hireDate: '2024-01-01', email: 'nope', sensitive: { monthlySalaryFen: 1.5 } });
    expect(r.success).toBe(false);
    const codes = Object.fromEntries(fieldIssuesOf(r.error!.issues).map((f) => [f.path.join('.'), f.code]));
    expect(codes).toEqual({ employeeNo: 'required', name: 'tooLong', email: 'email', 'sensitive.monthlySalaryFen': expect.stringMatching(/^(integer|number)$/) });
  });
  it('treats a missing field as required', () => {
    const r = Employee.safeParse({ id: 'x', updatedAt: 0 });
    const hire = r.error!.issues.map(fieldIssueOf).find((i) => i.path[0] === 'hireDate');
    expect(hire?.code).toBe('required');
  });
});

describe('mapEmployeeRows: the shift or rotation column', () => {
  const schedules = [
    { id: 'shift-day', name: '白班' },
    { id: 'rot-a', name: '做二休二 甲班' },
  ];
  it('matches a shift or rotation by name, leaves a blank cell unassigned, and names what it cannot find', () => {
    const header: Cell[] = ['工号', '姓名', '部门', '入职日期', '班次'];
    const ok = mapEmployeeRows(
      [header, ['A1', '张伟', '生产一部', '2024-03-01', '白班'], ['A2', '李娜', '生产一部', '2024-03-01', ' 做二休二 甲班 '], ['A3', '王五', '生产一部', '2024-03-01', '']],
      context({ schedules }),
    );
    expect(ok.issues).toEqual([]);
    expect(ok.records.map((r) => r.shiftId)).toEqual(['shift-day', 'rot-a', null]);

    const bad = mapEmployeeRows([header, ['A1', '张伟', '生产一部', '2024-03-01', '中班']], context({ schedules }));
    expect(bad.records).toEqual([]);
    expect(bad.issues).toEqual([{ row: 2, column: '班次', field: 'schedule', code: 'unknownSchedule', params: { value: '中班' } }]);
  });

  it('is recognised under its other names and is in the template', () => {
    for (const h of ['班次', '排班', '倒班', 'shift', 'Schedule']) expect(fieldOfHeader(h)).toBe('schedule');
    const t = importTemplate({ schedule: '夜班' });
    expect(t.example[t.headers.indexOf('班次')]).toBe('夜班');
  });
});
