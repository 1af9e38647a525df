import { notifications } from '@mantine/notifications';
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

/**
 * Runs a form's save: validation errors land on the form's fields, any other failure is shown as a
 * notification, and `saving` is cleared either way.
 */
export async function runFormSave(opts: {
  save: () => Promise<unknown>;
  form: { setErrors(errors: Record<string, string>): void };
  t: Translate;
  setSaving: (saving: boolean) => void;
  successMessage: string;
  onDone: () => void;
}): Promise<void> {
  opts.setSaving(true);
  try {
    await opts.save();
    notifications.show({ color: 'teal', message: opts.successMessage });
    opts.onDone();
  } catch (err) {
    const errors = formErrorsOf(err, opts.t);
    if (errors) opts.form.setErrors(errors);
    else notifications.show({ color: 'red', title: opts.t('common.saveFailed'), message: errorMessage(err) });
  } finally {
    opts.setSaving(false);
  }
}

/** A bridge or database error's readable message (RenshiError carries a code and a message). */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
