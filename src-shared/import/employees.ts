import { Employee, EmployeeStatus, type EmployeeInput } from '../schemas/employee.ts';
import { fieldIssuesOf, type FieldIssueCode } from './field-issues.ts';

/**
 * Employee import: spreadsheet rows (first row = header) -> validated Employee records, or row-level errors.
 *
 * The model: a file is accepted as a whole or not at all. Every data row is mapped and validated on its
 * own (unknown department/site, bad dates, the Employee zod schema), then across rows (an employee number
 * may appear once in the file and must not exist yet). The caller writes `records` only when `issues` is
 * empty. Column headers may be Chinese or English; unknown columns are reported, not fatal. Departments
 * and sites are matched by name or code; when the site is blank the department's own site is used. The shift
 * or rotation (班次) is matched by name.
 * Pure: ids and "now" come from the caller.
 */

/** A spreadsheet cell as read from .xlsx (read-excel-file) or .csv (papaparse). */
export type Cell = string | number | boolean | Date | null | undefined;

export type ImportField =
  | 'employeeNo'
  | 'name'
  | 'gender'
  | 'department'
  | 'site'
  | 'position'
  | 'hireDate'
  | 'status'
  | 'phone'
  | 'email'
  | 'devicePin'
  | 'schedule'
  | 'idNumber'
  | 'salary'
  | 'bankAccount'
  | 'emergencyName'
  | 'emergencyRelation'
  | 'emergencyPhone';

/** Header spellings per field, compared after `normalizeHeader`. The first Chinese one is the template's. */
export const IMPORT_COLUMNS: Record<ImportField, { zh: string; en: string; aliases: string[]; required?: boolean }> = {
  employeeNo: { zh: '工号', en: 'employeeNo', aliases: ['员工编号', '员工号', 'employeeno', 'employeenumber', 'no'], required: true },
  name: { zh: '姓名', en: 'name', aliases: ['员工姓名', 'fullname'], required: true },
  gender: { zh: '性别', en: 'gender', aliases: ['sex'] },
  department: { zh: '部门', en: 'department', aliases: ['所属部门', '部门编码', 'dept', 'departmentcode'], required: true },
  site: { zh: '厂区', en: 'site', aliases: ['工厂', '园区', '所属厂区', '厂区编码', 'sitecode', 'factory'] },
  position: { zh: '职位', en: 'position', aliases: ['岗位', '职务', 'title', 'jobtitle'] },
  hireDate: { zh: '入职日期', en: 'hireDate', aliases: ['入职时间', 'hiredate', 'startdate'], required: true },
  status: { zh: '状态', en: 'status', aliases: ['员工状态', '在职状态'] },
  phone: { zh: '手机', en: 'phone', aliases: ['手机号', '手机号码', '电话', '联系电话', 'mobile'] },
  email: { zh: '邮箱', en: 'email', aliases: ['电子邮箱', 'mail'] },
  devicePin: { zh: '考勤号', en: 'devicePin', aliases: ['考勤编号', '考勤机编号', 'pin', 'devicepin'] },
  schedule: { zh: '班次', en: 'schedule', aliases: ['排班', '倒班', '班次/倒班', '班别', 'shift', 'rotation'] },
  idNumber: { zh: '身份证号', en: 'idNumber', aliases: ['身份证', '身份证号码', 'idnumber', 'idcard'] },
  salary: { zh: '月薪', en: 'salary', aliases: ['月工资', '基本工资', 'monthlysalary'] },
  bankAccount: { zh: '银行账号', en: 'bankAccount', aliases: ['银行卡号', '工资卡号', 'bankaccount'] },
  emergencyName: { zh: '紧急联系人', en: 'emergencyContact', aliases: ['紧急联系人姓名', 'emergencycontactname'] },
  emergencyRelation: { zh: '紧急联系人关系', en: 'emergencyRelation', aliases: ['关系', 'emergencycontactrelation'] },
  emergencyPhone: { zh: '紧急联系人电话', en: 'emergencyPhone', aliases: ['紧急联系电话', 'emergencycontactphone'] },
};

export const IMPORT_FIELDS = Object.keys(IMPORT_COLUMNS) as ImportField[];

/** Labels for statuses as HR writes them in a sheet, plus the enum values themselves. */
const STATUS_WORDS: Record<string, EmployeeStatus> = {
  试用: 'probation',
  试用期: 'probation',
  在职: 'active',
  正式: 'active',
  转正: 'active',
  休假: 'on_leave',
  休假中: 'on_leave',
  中止: 'suspended',
  '中止（劳动合同）': 'suspended',
  劳动合同中止: 'suspended',
  擅自离岗: 'absent_without_leave',
  '擅自离岗（内部状态）': 'absent_without_leave',
  离职: 'terminated',
  已离职: 'terminated',
  onleave: 'on_leave',
  absentwithoutleave: 'absent_without_leave',
  ...Object.fromEntries(EmployeeStatus.options.map((s) => [s, s])),
};

const GENDER_WORDS: Record<string, 'male' | 'female' | 'unspecified'> = {
  男: 'male',
  女: 'female',
  male: 'male',
  female: 'female',
  m: 'male',
  f: 'female',
  未填写: 'unspecified',
  unspecified: 'unspecified',
};

export type OrgRef = { id: string; name: string; code: string };
export type DepartmentRef = OrgRef & { siteId: string | null };

export type ImportContext = {
  departments: DepartmentRef[];
  sites: OrgRef[];
  /** Shifts and rotations on file, matched by name (or id) in the 班次 column. */
  schedules?: { id: string; name: string }[];
  /** Employees already in the database, to refuse duplicate employee numbers. */
  existing: { employeeNo: string; name: string }[];
  newId: () => string;
  now: number;
};

export type ImportIssue = {
  /** Spreadsheet row number as the user sees it (the header is row 1); 1 for header problems. */
  row: number;
  /** Header text as written in the file (or the template's name for a missing column). */
  column: string;
  field: ImportField | null;
  code: FieldIssueCode;
  params: Record<string, string | number>;
};

export type ImportRow = {
  row: number;
  /** Cell text per recognised field, for the preview table. */
  values: Partial<Record<ImportField, string>>;
  issues: ImportIssue[];
  /** The validated record this row becomes, or null when the row has problems. */
  record: Employee | null;
};

export type ImportResult = {
  /** Recognised columns in file order. */
  columns: { field: ImportField; header: string }[];
  unknownColumns: string[];
  rows: ImportRow[];
  issues: ImportIssue[];
  /** Validated employees, one per row; only to be written when `issues` is empty. */
  records: Employee[];
};

export function normalizeHeader(h: string): string {
  return h
    .replace(/[（(][^）)]*[）)]/g, '') // "入职日期（YYYY-MM-DD）", "月薪(元)"
    .replace(/[\s_*\-：:]/g, '')
    .toLowerCase();
}

const HEADER_LOOKUP: Map<string, ImportField> = new Map(
  IMPORT_FIELDS.flatMap((f) => {
    const c = IMPORT_COLUMNS[f];
    return [c.zh, c.en, ...c.aliases].map((h) => [normalizeHeader(h), f] as const);
  }),
);

export function fieldOfHeader(header: string): ImportField | null {
  return HEADER_LOOKUP.get(normalizeHeader(header)) ?? null;
}

/** Cell -> trimmed text. Whole numbers print without exponent or decimals (phone numbers read as numbers). */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) ? cell.toFixed(0) : String(cell);
  return String(cell).trim();
}

/**
 * Dates as they show up in sheets: Date cells (read as UTC midnight), Excel serial numbers, and text like
 * 2024-3-5, 2024/03/05, 2024.3.5, 20240305 or 2024年3月5日. Anything else is returned as written so the
 * schema reports it.
 */
export function normalizeDate(cell: Cell): string {
  if (cell instanceof Date) return isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number' && cell > 20000 && cell < 80000) {
    // Excel's day 25569 is 1970-01-01 (its serials count from 1900 with the 1900 leap-year bug baked in).
    return new Date(Math.round((cell - 25569) * 86_400_000)).toISOString().slice(0, 10);
  }
  const text = cellText(cell);
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return text;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

function findOrg<T extends OrgRef>(units: T[], text: string): T | undefined {
  const key = text.trim().toLowerCase();
  return units.find((u) => u.name.trim().toLowerCase() === key) ?? units.find((u) => u.code.trim().toLowerCase() === key);
}

function findSchedule(schedules: { id: string; name: string }[], text: string): { id: string; name: string } | undefined {
  const key = text.trim().toLowerCase();
  return schedules.find((s) => s.name.trim().toLowerCase() === key) ?? schedules.find((s) => s.id === text.trim());
}

function isBlankRow(row: Cell[]): boolean {
  return row.every((c) => cellText(c) === '');
}

export function mapEmployeeRows(sheet: Cell[][], ctx: ImportContext): ImportResult {
  const [headerRow = [], ...dataRows] = sheet;
  const columns: { field: ImportField; header: string; index: number }[] = [];
  const unknownColumns: string[] = [];
  headerRow.forEach((h, index) => {
    const header = cellText(h);
    if (!header) return;
    const field = fieldOfHeader(header);
    if (field && !columns.some((c) => c.field === field)) columns.push({ field, header, index });
    else unknownColumns.push(header);
  });
  const headerOf = (f: ImportField) => columns.find((c) => c.field === f)?.header ?? IMPORT_COLUMNS[f].zh;

  const issues: ImportIssue[] = [];
  for (const f of IMPORT_FIELDS) {
    if (IMPORT_COLUMNS[f].required && !columns.some((c) => c.field === f)) {
      issues.push({ row: 1, column: IMPORT_COLUMNS[f].zh, field: f, code: 'missingColumn', params: { column: IMPORT_COLUMNS[f].zh } });
    }
  }

  const existingByNo = new Map(ctx.existing.map((e) => [e.employeeNo.trim(), e.name]));
  const firstRowOfNo = new Map<string, number>();
  const rows: ImportRow[] = [];
  const records: Employee[] = [];

  dataRows.forEach((cells, i) => {
    if (isBlankRow(cells)) return;
    const rowNo = i + 2;
    const raw: Partial<Record<ImportField, Cell>> = {};
    const values: Partial<Record<ImportField, string>> = {};
    for (const c of columns) {
      raw[c.field] = cells[c.index];
      values[c.field] = c.field === 'hireDate' ? normalizeDate(cells[c.index]) : cellText(cells[c.index]);
    }
    const rowIssues: ImportIssue[] = [];
    const problem = (field: ImportField, code: FieldIssueCode, params: Record<string, string | number> = {}) =>
      rowIssues.push({ row: rowNo, column: headerOf(field), field, code, params });
    const text = (f: ImportField) => values[f] ?? '';
    const orNull = (f: ImportField) => (text(f) === '' ? null : text(f));

    const department = text('department') ? findOrg(ctx.departments, text('department')) : undefined;
    if (text('department') && !department) problem('department', 'unknownDepartment', { value: text('department') });
    const schedule = text('schedule') ? findSchedule(ctx.schedules ?? [], text('schedule')) : undefined;
    if (text('schedule') && !schedule) problem('schedule', 'unknownSchedule', { value: text('schedule') });
    const site = text('site') ? findOrg(ctx.sites, text('site')) : undefined;
    if (text('site') && !site) problem('site', 'unknownSite', { value: text('site') });
    const siteId = site?.id ?? (text('site') ? undefined : (department?.siteId ?? undefined));
    if (!text('site') && department && !department.siteId) problem('site', 'siteNeeded', { department: department.name });

    let status: EmployeeStatus | undefined;
    if (text('status')) {
      status = STATUS_WORDS[text('status')] ?? STATUS_WORDS[text('status').toLowerCase().replace(/[\s_]/g, '')];
      if (!status) problem('status', 'unknownStatus', { value: text('status') });
    }
    let gender: 'male' | 'female' | 'unspecified' | undefined;
    if (text('gender')) {
      gender = GENDER_WORDS[text('gender').toLowerCase()];
      if (!gender) problem('gender', 'unknownGender', { value: text('gender') });
    }
    let monthlySalaryFen: number | null = null;
    if (text('salary')) {
      const yuan = Number(text('salary').replace(/[,，¥￥元\s]/g, ''));
      if (!Number.isFinite(yuan) || yuan < 0) problem('salary', 'salary');
      else monthlySalaryFen = Math.round(yuan * 100);
    }
    const emergencyContacts =
      text('emergencyName') || text('emergencyPhone')
        ? [{ name: text('emergencyName'), relation: text('emergencyRelation'), phone: text('emergencyPhone'), lastConfirmedOn: null }]
        : [];

    const input: EmployeeInput = {
      id: ctx.newId(),
      updatedAt: ctx.now,
      employeeNo: text('employeeNo'),
      name: text('name'),
      gender,
      departmentId: department?.id ?? '',
      siteId: siteId ?? '',
      position: text('position'),
      hireDate: text('hireDate'),
      status,
      phone: orNull('phone'),
      email: orNull('email'),
      devicePin: text('devicePin'),
      shiftId: schedule?.id ?? null,
      sensitive: { idNumber: orNull('idNumber'), monthlySalaryFen, bankAccount: orNull('bankAccount'), emergencyContacts },
    };
    const parsed = Employee.safeParse(input);
    if (!parsed.success) {
      for (const fi of fieldIssuesOf(parsed.error.issues)) {
        const field = importFieldOfPath(fi.path);
        // Department/site already reported by name above; the schema would only repeat "required".
        if ((field === 'department' && (department || text('department'))) || (field === 'site' && rowIssues.some((x) => x.field === 'site'))) continue;
        if (field === 'site' && !text('site') && !department) continue; // the department problem explains it
        if (field) problem(field, fi.code, fi.params);
      }
    }

    const no = text('employeeNo');
    if (no) {
      const first = firstRowOfNo.get(no);
      if (first !== undefined) problem('employeeNo', 'duplicateInFile', { value: no, row: first });
      else firstRowOfNo.set(no, rowNo);
      const existingName = existingByNo.get(no);
      if (existingName !== undefined) problem('employeeNo', 'duplicateExisting', { value: no, name: existingName });
    }

    const record = parsed.success && rowIssues.length === 0 ? parsed.data : null;
    rows.push({ row: rowNo, values, issues: rowIssues, record });
    issues.push(...rowIssues);
    if (record) records.push(record);
  });

  return { columns: columns.map(({ field, header }) => ({ field, header })), unknownColumns, rows, issues, records };
}

function importFieldOfPath(fullPath: (string | number)[]): ImportField | null {
  const path = fullPath[0] === 'sensitive' ? fullPath.slice(1) : fullPath;
  const [head, , leaf] = path;
  switch (head) {
    case 'departmentId':
      return 'department';
    case 'siteId':
      return 'site';
    case 'monthlySalaryFen':
      return 'salary';
    case 'shiftId':
      return 'schedule';
    case 'emergencyContacts':
      return leaf === 'phone' ? 'emergencyPhone' : leaf === 'relation' ? 'emergencyRelation' : 'emergencyName';
    default:
      return typeof head === 'string' && head in IMPORT_COLUMNS ? (head as ImportField) : null;
  }
}

/**
 * Header and one example row for the downloadable template (Chinese headers, required ones marked *).
 * Pass the company's own department and site so the example row names units that exist.
 */
export function importTemplate(org: { department?: string; site?: string; schedule?: string } = {}): { headers: string[]; example: string[] } {
  const example: Record<ImportField, string> = {
    employeeNo: 'A0001',
    name: '张伟',
    gender: '男',
    department: org.department ?? '生产一部',
    site: org.site ?? '一厂',
    position: '操作工',
    hireDate: '2024-03-01',
    status: '在职',
    phone: '13800138000',
    email: '',
    devicePin: '10001',
    schedule: org.schedule ?? '',
    idNumber: '',
    salary: '5200',
    bankAccount: '',
    emergencyName: '张强',
    emergencyRelation: '父亲',
    emergencyPhone: '13900139000',
  };
  return {
    headers: IMPORT_FIELDS.map((f) => (IMPORT_COLUMNS[f].required ? `${IMPORT_COLUMNS[f].zh}*` : IMPORT_COLUMNS[f].zh)),
    example: IMPORT_FIELDS.map((f) => example[f]),
  };
}
