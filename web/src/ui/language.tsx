import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Language } from './types.ts';
import { en, nb, type MessageKey } from './i18n.ts';

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const dictionaries = { en, nb } as const;
const STORAGE_KEY = 'guildhall.language';

export const LANGUAGES: ReadonlyArray<{ value: Language; label: string }> = [
  { value: 'en', label: 'English' },
  { value: 'nb', label: 'Norsk' },
];

const isLanguage = (v: unknown): v is Language => v === 'en' || v === 'nb';

/** The remembered choice, else the browser's preference (Norwegian of either kind reads bokmål). */
const initialLanguage = (): Language => {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage can be blocked; the browser language is a fine fallback.
  }
  return /^(nb|no|nn)\b/i.test(navigator.language) ? 'nb' : 'en';
};

export const translate = (language: Language, key: MessageKey, vars?: Record<string, string | number>): string => {
  const text: string = dictionaries[language][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
};

interface LanguageState {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const LanguageContext = createContext<LanguageState | null>(null);

let active: Language = 'en';
/** The language on screen, for code outside React (notifications raised by the query cache). */
export const currentLanguage = (): Language => active;

export const LanguageProvider = ({ children }: { children: ReactNode }) => {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered on this device; the server copy (when signed in) still is.
    }
  }, []);
  active = language;
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<LanguageState>(
    () => ({ language, setLanguage, t: (key, vars) => translate(language, key, vars) }),
    [language, setLanguage],
  );
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
};

export const useLanguage = (): LanguageState => {
  const ctx = useContext(LanguageContext);
  if (!ctx) throw new Error('useLanguage outside LanguageProvider');
  return ctx;
};

export const useT = (): Translate => useLanguage().t;
