/**
 * Turns validation problems into stable codes with parameters, so the UI can word them in the user's
 * language (every code has an `err.<code>` message in the renderer's dictionary). Shared by the employee
 * form and the file import, which must say the same thing about the same mistake.
 */
export const FIELD_ISSUE_CODES = [
  'required',
  'tooLong',
  'tooSmall',
  'tooBig',
  'invalid',
  'invalidChoice',
  'date',
  'realDate',
  'phone',
  'email',
  'idLength',
  'idChecksum',
  'employeeNo',
  'employeeNoTaken',
  'devicePin',
  'bankAccount',
  'integer',
  'number',
  'unknownDepartment',
  'unknownSite',
  'unknownStatus',
  'unknownGender',
  'duplicateInFile',
  'duplicateExisting',
  'missingColumn',
  'siteNeeded',
  'salary',
  'rotationTooShort',
  'rotationTooLong',
  'rotationNoWorkDay',
  'workDaysNeeded',
  'unknownShift',
  'unknownSchedule',
] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];

export type FieldIssue = {
  /** Path of the field in the record, e.g. ['emergencyContacts', 0, 'phone']. */
  path: (string | number)[];
  code: FieldIssueCode;
  params: Record<string, string | number>;
};

/** The subset of a zod issue we read; zod's own type is wider and version-specific. */
export type ZodLikeIssue = {
  code?: string;
  path?: readonly PropertyKey[];
  message?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  expected?: string;
};

// Custom messages written in the shared schemas (src-shared/schemas/*), matched by their text.
const MESSAGE_CODES: [RegExp, FieldIssueCode][] = [
  [/is required$/, 'required'],
  [/must be YYYY-MM-DD/, 'date'],
  [/not a real calendar date/, 'realDate'],
  [/not a valid phone number/, 'phone'],
  [/not a valid email/, 'email'],
  [/ID number must be 18/, 'idLength'],
  [/ID number checksum/, 'idChecksum'],
  [/^employee number:/, 'employeeNo'],
  [/employee number already in use/, 'employeeNoTaken'],
  [/^device PIN/, 'devicePin'],
  [/^bank account/, 'bankAccount'],
  [/rotation needs at least two days/, 'rotationTooShort'],
  [/rotation repeats within 8 weeks/, 'rotationTooLong'],
  [/rotation needs at least one working day/, 'rotationNoWorkDay'],
  [/shift needs at least one work day/, 'workDaysNeeded'],
  [/^unknown shift$/, 'unknownShift'],
];

export function fieldIssueOf(issue: ZodLikeIssue): FieldIssue {
  const path = (issue.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
  const message = issue.message ?? '';
  for (const [pattern, code] of MESSAGE_CODES) if (pattern.test(message)) return { path, code, params: {} };
  switch (issue.code) {
    case 'invalid_type':
      if (/received (undefined|null)/.test(message)) return { path, code: 'required', params: {} };
      if (issue.expected === 'number' || issue.expected === 'int') return { path, code: 'number', params: {} };
      return { path, code: 'invalid', params: {} };
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return { path, code: 'required', params: {} };
      if (issue.origin === 'array') return { path, code: 'required', params: {} };
      return { path, code: 'tooSmall', params: { min: Number(issue.minimum ?? 0) } };
    case 'too_big':
      if (issue.origin === 'string') return { path, code: 'tooLong', params: { max: Number(issue.maximum ?? 0) } };
      return { path, code: 'tooBig', params: { max: Number(issue.maximum ?? 0) } };
    case 'invalid_value':
    case 'invalid_enum_value':
      return { path, code: 'invalidChoice', params: {} };
    case 'invalid_format':
      if (issue.format === 'email') return { path, code: 'email', params: {} };
      return { path, code: 'invalid', params: {} };
    case 'not_multiple_of':
      return { path, code: 'integer', params: {} };
    default:
      return { path, code: 'invalid', params: {} };
  }
}

/** Dotted form path (`emergencyContacts.0.phone`), the shape form libraries key their errors by. */
export function fieldKey(path: (string | number)[]): string {
  return path.join('.');
}

/**
 * One problem per field, the first zod reports (an empty employee number fails both "required" and the
 * character rule; the user needs to hear only the first).
 */
export function fieldIssuesOf(issues: readonly ZodLikeIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  for (const zi of issues) {
    const fi = fieldIssueOf(zi);
    const key = fieldKey(fi.path);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fi);
  }
  return out;
}
