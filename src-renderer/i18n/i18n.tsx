import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { FieldIssue, FieldIssueCode } from '#shared/import/field-issues';
import { translate, type Language, type MessageKey } from './dictionary.ts';

export type { Language, MessageKey } from './dictionary.ts';
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

type I18n = { lang: Language; setLang: (lang: Language) => void; t: Translate };
const Ctx = createContext<I18n | null>(null);

/** Holds the UI language; `onChange` persists a user's choice (terminal settings via the bridge). */
export function I18nProvider({ initial, onChange, children }: { initial: Language; onChange?: (lang: Language) => void; children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initial);
  const setLang = useCallback(
    (next: Language) => {
      setLangState(next);
      document.documentElement.lang = next;
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }), [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

function useI18n(): I18n {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useT outside I18nProvider');
  return ctx;
}

export function useT(): Translate {
  return useI18n().t;
}

export function useLanguage(): [Language, (lang: Language) => void] {
  const { lang, setLang } = useI18n();
  return [lang, setLang];
}

// Compile-time guard: every validation code in src-shared has a message in the dictionary.
const everyIssueCodeIsWorded: `err.${FieldIssueCode}` extends MessageKey ? true : never = true;
void everyIssueCodeIsWorded;

/** A validation problem (from the form or an import row) in the user's language. */
export function issueMessage(t: Translate, issue: Pick<FieldIssue, 'code' | 'params'>): string {
  return t(`err.${issue.code}` as MessageKey, issue.params);
}
