import { fieldIssuesOf, fieldKey, type ZodLikeIssue } from '#shared/import/field-issues';
import { RenshiError } from '#shared/errors';
import { issueMessage, type Translate } from '../i18n/i18n.tsx';

/**
 * Validation issues (zod issues, e.g. carried by RenshiError('validation-failed')) as a form's error map
 * keyed by dotted path, worded in the user's language. Returns null when `err` is not a validation error.
 */
export function formErrorsOf(err: unknown, t: Translate, rename: (key: string) => string = (k) => k): Record<string, string> | null {
  if (!(err instanceof RenshiError) || err.code !== 'validation-failed' || !Array.isArray(err.details)) return null;
  return issuesToErrors(err.details as ZodLikeIssue[], t, rename);
}

export function issuesToErrors(issues: readonly ZodLikeIssue[], t: Translate, rename: (key: string) => string = (k) => k): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of fieldIssuesOf(issues)) {
    const key = fieldKey(issue.path);
    errors[rename(key)] = issueMessage(t, issue);
  }
  return errors;
}
