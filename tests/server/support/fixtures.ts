import type { EmployeeInput } from '#shared/schemas/employee';

/** Valid documents for sync tests; the overrides make each test's intent visible. */
export function employee(id: string, over: Partial<EmployeeInput> = {}) {
  return {
    id,
    employeeNo: `E${id.replace(/[^A-Za-z0-9]/g, '')}`,
    name: `员工${id}`,
    gender: 'unspecified',
    departmentId: 'dep-1',
    siteId: 'site-a',
    position: '',
    hireDate: '2024-03-01',
    status: 'active',
    phone: null,
    email: null,
    devicePin: '',
    shiftId: null,
    workAccounts: [],
    certificates: [],
    sensitive: { idNumber: null, emergencyContacts: [], monthlySalaryFen: null, bankAccount: null },
    updatedAt: 1_700_000_000_000,
    ...over,
  };
}

export function punch(pin: string, at: number, over: Record<string, unknown> = {}) {
  return {
    id: `DEV1|${pin}|${at}`,
    deviceSerial: 'DEV1',
    pin,
    at,
    deviceLocalTime: '2024-03-01 08:00:00',
    verifyMode: 1,
    punchState: 0,
    source: 'device-pull',
    employeeId: null,
    siteId: 'site-a',
    receivedAt: at,
    updatedAt: at,
    ...over,
  };
}

export const row = (doc: Record<string, unknown>, assumed?: Record<string, unknown> | null) => ({
  newDocumentState: { ...doc, _deleted: false },
  assumedMasterState: assumed ? { ...assumed, _deleted: false } : null,
});
