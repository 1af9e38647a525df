import type { RxJsonSchema } from 'rxdb';

/**
 * RxDB storage schemas. The zod schemas in src-shared are the business truth; these literals add what the
 * storage needs (primary key, maxLength on indexed strings, indexes, encrypted fields) and a test checks
 * that each one lists exactly the zod schema's fields, so the two cannot drift apart.
 * Bump `version` and add a migration strategy in migrations.ts whenever a stored shape changes.
 */
const id = { type: 'string', maxLength: 100 } as const;
const ms = { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 } as const;
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableNum = { type: ['number', 'null'] } as const;

export const employeeSchema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    employeeNo: { type: 'string', maxLength: 32 },
    name: str,
    gender: str,
    departmentId: id,
    siteId: id,
    position: str,
    hireDate: str,
    status: { type: 'string', maxLength: 32 },
    phone: nullableStr,
    email: nullableStr,
    devicePin: str,
    shiftId: nullableStr,
    workAccounts: { type: 'array', items: { type: 'object' } },
    certificates: { type: 'array', items: { type: 'object' } },
    sensitive: { type: 'object' },
    updatedAt: ms,
  },
  required: ['id', 'employeeNo', 'name', 'departmentId', 'siteId', 'status', 'hireDate', 'updatedAt'],
  indexes: ['employeeNo', 'departmentId', 'siteId', 'status', 'updatedAt'],
  encrypted: ['sensitive'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

export const orgSchema = {
  // v1: the site's missed-punch rule (missedPunchAlerts, alertDelayMinutes).
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', maxLength: 20 },
    name: str,
    code: str,
    address: str,
    escalationWindowMinutes: { type: 'number' },
    missedPunchAlerts: { type: 'boolean' },
    alertDelayMinutes: { type: 'number' },
    siteId: nullableStr,
    parentId: nullableStr,
    updatedAt: ms,
  },
  required: ['id', 'kind', 'name', 'updatedAt'],
  indexes: ['kind'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

export const settingsSchema = {
  // v1: HR's own case templates (kind case_template: template, derivedFrom, importedBy).
  // v2: a custom template can be retired (case_template: retired).
  // v3: rotations (kind rotation: anchorDate, pattern, observesPublicHolidays).
  // v4: work-channel review (keyword_list: list, copiedFrom, savedBy; chat_review: review, findings;
  //     chat_decision: findingId, reviewId, decision). Reviews and decisions hold chat messages and HR's notes
  //     about a person, so they are encrypted at rest like case evidence.
  version: 4,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', maxLength: 20 },
    name: str,
    siteId: nullableStr,
    // shift
    start: str,
    end: str,
    graceMinutes: { type: 'number' },
    workDays: { type: 'array', items: { type: 'number' } },
    // rotation (name and siteId as above)
    anchorDate: str,
    pattern: { type: 'array', items: { type: ['string', 'null'] } },
    observesPublicHolidays: { type: 'boolean' },
    // device
    driver: str,
    host: str,
    port: { type: 'number' },
    transport: str,
    commKey: { type: 'number' },
    serialNumber: str,
    pollIntervalMinutes: { type: 'number' },
    enabled: { type: 'boolean' },
    // holiday year
    calendar: { type: 'object' },
    // case template (HR's copy; the whole template as one field)
    template: { type: 'object' },
    derivedFrom: { type: ['object', 'null'] },
    importedBy: str,
    retired: { type: ['object', 'null'] },
    // keyword list (HR's copy or own list)
    list: { type: 'object' },
    copiedFrom: nullableStr,
    savedBy: str,
    // chat review (one imported log of one work account) and a decision on one of its findings
    review: { type: 'object' },
    findings: { type: 'array', items: { type: 'object' } },
    findingId: str,
    reviewId: str,
    decision: { type: 'object' },
    updatedAt: ms,
  },
  required: ['id', 'kind', 'updatedAt'],
  indexes: ['kind'],
  encrypted: ['review', 'findings', 'decision'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

export const punchSchema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    deviceSerial: { type: 'string', maxLength: 64 },
    pin: { type: 'string', maxLength: 24 },
    at: ms,
    deviceLocalTime: str,
    verifyMode: { type: 'number' },
    punchState: { type: 'number' },
    source: str,
    employeeId: nullableStr,
    siteId: nullableStr,
    receivedAt: ms,
    updatedAt: ms,
  },
  required: ['id', 'deviceSerial', 'pin', 'at', 'updatedAt'],
  indexes: ['at', ['pin', 'at'], ['deviceSerial', 'at']],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

export const requestSchema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', maxLength: 20 },
    employeeId: { type: 'string', maxLength: 100 },
    type: str,
    startDate: str,
    endDate: str,
    startHalf: str,
    endHalf: str,
    reason: str,
    status: str,
    decidedBy: nullableStr,
    decidedAt: nullableNum,
    // punch correction
    date: str,
    action: str,
    at: nullableNum,
    punchId: nullableStr,
    requestedBy: str,
    updatedAt: ms,
  },
  required: ['id', 'kind', 'employeeId', 'updatedAt'],
  indexes: ['employeeId', 'kind'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

export const auditSchema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    replicaId: { type: 'string', maxLength: 64 },
    seq: { type: 'number', minimum: 0, maximum: 1e12, multipleOf: 1 },
    actor: str,
    action: str,
    collectionName: str,
    docId: { type: 'string', maxLength: 100 },
    beforeHash: nullableStr,
    afterHash: nullableStr,
    summary: str,
    at: ms,
    prevHash: nullableStr,
    hash: str,
    updatedAt: ms,
  },
  required: ['id', 'replicaId', 'seq', 'docId', 'at', 'hash', 'updatedAt'],
  indexes: [['replicaId', 'seq'], 'docId', 'at'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

/** Cases (every workflow, see src-shared/cases). Item lists are stored whole; evidence and timeline text can
 *  hold interview notes of sensitive events, and facts hold wages (a deduction's monthly wage, the final wage,
 *  compensation), so all three are encrypted at rest, as the employee's own salary is. */
const objects = { type: 'array', items: { type: 'object' } } as const;
export const caseSchema = {
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    templateId: { type: 'string', maxLength: 80 },
    templateVersion: { type: 'number' },
    subjectEmployeeId: id,
    siteId: id,
    categoryCode: nullableStr,
    originCaseId: nullableStr,
    participants: objects,
    status: { type: 'string', maxLength: 20 },
    outcome: nullableStr,
    closedAt: nullableNum,
    closedBy: nullableStr,
    steps: objects,
    evidence: objects,
    notices: objects,
    approvals: objects,
    overrides: objects,
    checklist: objects,
    facts: objects,
    timeline: objects,
    restricted: { type: 'boolean' },
    access: objects,
    createdAt: ms,
    createdBy: str,
    updatedAt: ms,
  },
  required: ['id', 'templateId', 'subjectEmployeeId', 'siteId', 'status', 'updatedAt'],
  indexes: ['subjectEmployeeId', 'status', 'templateId', 'updatedAt'],
  encrypted: ['evidence', 'timeline', 'facts'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

/** Missed-punch escalation chains, one per anomaly (src-shared/escalation/escalation-doc.ts). Replies,
 *  reasons and HR's notes can be about health or family, so they are encrypted at rest. */
export const escalationSchema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    anomalyId: str,
    employeeId: id,
    siteId: id,
    date: { type: 'string', maxLength: 10 },
    windowMinutes: { type: 'number' },
    employeeChannels: { type: 'array', items: { type: 'string' } },
    emergencyChannels: { type: 'array', items: { type: 'string' } },
    phase: { type: 'string', maxLength: 40 },
    phaseSince: ms,
    case: { type: ['object', 'null'] },
    resolution: { type: ['object', 'null'] },
    timeline: objects,
    outbox: objects,
    issuedCommandIds: { type: 'array', items: { type: 'string' } },
    expectedAt: ms,
    updatedAt: ms,
  },
  required: ['id', 'anomalyId', 'employeeId', 'siteId', 'date', 'phase', 'updatedAt'],
  indexes: ['employeeId', 'phase', 'date', 'updatedAt'],
  encrypted: ['case', 'resolution', 'timeline'],
} as const satisfies RxJsonSchema<Record<string, unknown>>;

export const STORAGE_SCHEMAS = {
  employees: employeeSchema,
  org: orgSchema,
  settings: settingsSchema,
  punches: punchSchema,
  requests: requestSchema,
  audit: auditSchema,
  cases: caseSchema,
  escalations: escalationSchema,
} as const;
