import type { Device, Rotation, Shift } from '../schemas/attendance-setup.ts';
import type { Employee } from '../schemas/employee.ts';
import type { Department, Site } from '../schemas/org.ts';

/**
 * A realistic demo factory: two plants in Guangdong, production lines on day and night shifts, support
 * departments, ~300 people with valid-looking phone and ID numbers. Deterministic (seeded PRNG, fixed
 * ids) so demo runs, tests and benchmarks see the same company; `employees` scales it for benchmarks.
 */
export type DemoCompany = { sites: Site[]; departments: Department[]; shifts: Shift[]; rotations: Rotation[]; devices: Device[]; employees: Employee[] };

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉建华晓东海波宇浩然思远佳怡子涵欣怡梓萱一诺雨轩俊杰志强文博';
const RELATIONS = ['父亲', '母亲', '配偶', '兄弟', '姐妹'];
const AREA_CODES = ['441900', '441300', '440300', '430102', '421002', '510104', '450103', '360102', '411502', '522101'];

export const DEMO_SITE_IDS = { dongguan: 'site-dg1', huizhou: 'site-hz2' } as const;

export function demoFactory(opts: { employees?: number; seed?: number; now?: number } = {}): DemoCompany {
  const rand = prng(opts.seed ?? 20261123);
  const pick = <T>(xs: readonly T[] | string): T => xs[Math.floor(rand() * xs.length)] as T;
  const updatedAt = opts.now ?? Date.UTC(2026, 10, 1);
  const count = opts.employees ?? 300;

  const sites: Site[] = [
    { id: DEMO_SITE_IDS.dongguan, kind: 'site', name: '东莞一厂', code: 'DG1', address: '广东省东莞市长安镇工业大道 88 号', escalationWindowMinutes: 120, missedPunchAlerts: true, alertDelayMinutes: 0, updatedAt },
    { id: DEMO_SITE_IDS.huizhou, kind: 'site', name: '惠州二厂', code: 'HZ2', address: '广东省惠州市仲恺高新区和畅五路 16 号', escalationWindowMinutes: 120, missedPunchAlerts: true, alertDelayMinutes: 0, updatedAt },
  ];
  const dept = (id: string, name: string, code: string, siteId: string | null): Department => ({ id, kind: 'department', name, code, siteId, parentId: null, updatedAt });
  const departments: Department[] = [
    dept('dept-prod-a', '生产一部（装配线）', 'PA', DEMO_SITE_IDS.dongguan),
    dept('dept-prod-b', '生产二部（注塑线）', 'PB', DEMO_SITE_IDS.dongguan),
    dept('dept-prod-c', '生产三部（包装线）', 'PC', DEMO_SITE_IDS.huizhou),
    dept('dept-qa', '品质部', 'QA', null),
    dept('dept-wh', '仓储物流部', 'WH', null),
    dept('dept-eq', '设备部', 'EQ', null),
    dept('dept-hr', '人力资源部', 'HR', DEMO_SITE_IDS.dongguan),
    dept('dept-fin', '财务部', 'FIN', DEMO_SITE_IDS.dongguan),
    dept('dept-sales', '销售部', 'SAL', DEMO_SITE_IDS.dongguan),
    dept('dept-rd', '研发部', 'RD', DEMO_SITE_IDS.dongguan),
  ];
  const shifts: Shift[] = [
    { id: 'shift-day', kind: 'shift', name: '白班', siteId: null, start: '08:00', end: '17:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5, 6], updatedAt },
    { id: 'shift-night', kind: 'shift', name: '夜班', siteId: null, start: '20:00', end: '05:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5, 6], updatedAt },
    { id: 'shift-office', kind: 'shift', name: '行政班', siteId: null, start: '09:00', end: '18:00', graceMinutes: 10, workDays: [1, 2, 3, 4, 5], updatedAt },
  ];
  // One line team works 做二休二 (two days, two nights, two days off) from Monday 2 November 2026.
  const rotations: Rotation[] = [
    { id: 'rotation-line-a', kind: 'rotation', name: '做二休二（甲班）', siteId: null, anchorDate: '2026-11-02', pattern: ['shift-day', 'shift-day', 'shift-night', 'shift-night', null, null], observesPublicHolidays: true, updatedAt },
  ];
  const devices: Device[] = [
    { id: 'device-dg1-gate', kind: 'device', name: '东莞一厂 大门考勤机', driver: 'zkteco', host: '127.0.0.1', port: 4370, transport: 'tcp', commKey: 0, siteId: DEMO_SITE_IDS.dongguan, serialNumber: '', pollIntervalMinutes: 5, enabled: true, updatedAt },
    { id: 'device-hz2-gate', kind: 'device', name: '惠州二厂 门禁考勤', driver: 'hanvon', host: '127.0.0.1', port: 9922, transport: 'tcp', commKey: 0, siteId: DEMO_SITE_IDS.huizhou, serialNumber: '', pollIntervalMinutes: 5, enabled: true, updatedAt },
  ];

  const production = ['dept-prod-a', 'dept-prod-b', 'dept-prod-c'];
  const positionsByDept: Record<string, string[]> = {
    'dept-prod-a': ['普工', '普工', '普工', '组长', '技术员'],
    'dept-prod-b': ['注塑操作员', '注塑操作员', '组长', '技术员'],
    'dept-prod-c': ['包装工', '包装工', '组长'],
    'dept-qa': ['质检员', 'QE 工程师', '品质主管'],
    'dept-wh': ['仓管员', '叉车司机', '物流专员'],
    'dept-eq': ['设备维修工', '电工', '设备工程师'],
    'dept-hr': ['人事专员', '招聘专员', '人事经理'],
    'dept-fin': ['会计', '出纳'],
    'dept-sales': ['销售代表', '销售经理'],
    'dept-rd': ['研发工程师', '开发经理'],
  };

  const employees: Employee[] = [];
  for (let i = 1; i <= count; i++) {
    // Two thirds of the workforce is on the lines, as in a real plant.
    const departmentId = rand() < 0.66 ? pick(production) : pick(departments.slice(3).map((d) => d.id));
    const department = departments.find((d) => d.id === departmentId)!;
    const siteId = department.siteId ?? (rand() < 0.6 ? DEMO_SITE_IDS.dongguan : DEMO_SITE_IDS.huizhou);
    const isLine = production.includes(departmentId);
    const employeeNo = `E${String(i).padStart(4, '0')}`;
    const name = pick<string>(SURNAMES) + pick<string>(GIVEN) + (rand() < 0.5 ? pick<string>(GIVEN) : '');
    const gender = rand() < 0.55 ? 'male' : 'female';
    const birthYear = 1968 + Math.floor(rand() * 38);
    const birth = `${birthYear}${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const hireYear = Math.max(birthYear + 18, 2012 + Math.floor(rand() * 14));
    const hireDate = `${Math.min(hireYear, 2026)}-${String(1 + Math.floor(rand() * 10)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const roll = rand();
    const status = hireDate >= '2026-06-01' ? 'probation' : roll < 0.02 ? 'on_leave' : roll < 0.025 ? 'suspended' : 'active';
    const salaryBase = isLine ? 4200 : 6500;
    employees.push({
      id: `emp-${employeeNo}`,
      employeeNo,
      name,
      gender,
      departmentId,
      siteId,
      position: pick(positionsByDept[departmentId] ?? ['职员']),
      hireDate,
      status,
      phone: mobile(rand),
      email: isLine ? null : `${employeeNo.toLowerCase()}@renshi-demo.cn`,
      devicePin: employeeNo,
      shiftId: isLine ? (rand() < 0.3 ? 'shift-night' : 'shift-day') : 'shift-office',
      workAccounts: isLine
        ? [{ kind: 'wecom', account: `wecom-${employeeNo.toLowerCase()}`, revokedAt: null, revokedBy: null }]
        : [
            { kind: 'wecom', account: `wecom-${employeeNo.toLowerCase()}`, revokedAt: null, revokedBy: null },
            { kind: 'email', account: `${employeeNo.toLowerCase()}@renshi-demo.cn`, revokedAt: null, revokedBy: null },
            { kind: 'oa', account: employeeNo.toLowerCase(), revokedAt: null, revokedBy: null },
          ],
      certificates:
        departmentId === 'dept-wh' && rand() < 0.5
          ? [{ kind: '叉车操作证（特种设备作业人员证）', number: `TZ${Math.floor(rand() * 1e8)}`, issuedOn: '2023-03-15', expiresOn: `202${6 + Math.floor(rand() * 2)}-0${1 + Math.floor(rand() * 9)}-15` }]
          : departmentId === 'dept-eq' && rand() < 0.6
            ? [{ kind: '低压电工作业证', number: `T${Math.floor(rand() * 1e10)}`, issuedOn: '2021-06-01', expiresOn: `202${6 + Math.floor(rand() * 3)}-1${Math.floor(rand() * 3)}-01` }]
            : [],
      sensitive: {
      idNumber: residentId(pick(AREA_CODES) + birth + String(Math.floor(rand() * 1000)).padStart(3, '0')),
      emergencyContacts: [
        { name: pick<string>(SURNAMES) + pick<string>(GIVEN), relation: pick(RELATIONS), phone: mobile(rand), lastConfirmedOn: rand() < 0.8 ? '2026-09-15' : '2026-03-10' },
      ],
      monthlySalaryFen: (salaryBase + Math.floor(rand() * 30) * 100) * 100,
      bankAccount: `6222${String(Math.floor(rand() * 1e15)).padStart(15, '0')}`,
      agreedDeliveryAddresses: null,
      },
      updatedAt,
    });
    // Most signed a 送达地址确认书 at hiring; every fifth did not (the case screens warn about those). Set after the
    // record so the random sequence, and with it every other demo value, stays as it was.
    const added = employees[employees.length - 1]!;
    // Every tenth line worker is on the rotation (set here for the same reason).
    if (isLine && i % 10 === 7) added.shiftId = 'rotation-line-a';
    if (i % 5 !== 0) {
      added.sensitive.agreedDeliveryAddresses = {
        postal: `广东省${siteId === DEMO_SITE_IDS.huizhou ? '惠州市' : '东莞市'}宿舍区 ${1 + (i % 12)} 栋 ${100 + (i % 40)} 室`,
        email: added.email,
        phone: added.phone,
        wecom: `wecom-${employeeNo.toLowerCase()}`,
        confirmedOn: hireDate,
        evidenceSha256: null,
      };
    }
  }
  return { sites, departments, shifts, rotations, devices, employees };
}

function mobile(rand: () => number): string {
  const prefixes = ['135', '136', '137', '138', '139', '150', '151', '152', '158', '159', '182', '183', '186', '187', '188', '189', '199'];
  return prefixes[Math.floor(rand() * prefixes.length)]! + String(Math.floor(rand() * 1e8)).padStart(8, '0');
}

/** Appends the GB 11643 check character to the first 17 digits. */
export function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}
