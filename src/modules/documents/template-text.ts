import { AppError } from '../../kernel/app-error.ts';

/**
 * The placeholder language of e-mail and document templates: `{{name}}` (spaces inside the braces
 * allowed), names made of letters, digits and dots (`invoice.number`). Nothing else is special, so
 * a template can never run code or reach data it was not given. Pure.
 */

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

export interface TemplateVariable {
  name: string;
  description: string;
  /** What a preview shows when there is no real record to take it from. */
  example: string;
}

export interface TemplateProblem {
  field: string;
  message: string;
}

/** The variables a text uses, in order of first use (names as written, trimmed). */
export const variablesIn = (text: string): string[] => {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
};

/**
 * Problems with one text: a variable that is not in `allowed`, a malformed name, or braces left
 * open. Each message says what to write instead.
 */
export const templateProblems = (text: string, allowed: readonly string[], field: string, what: string): TemplateProblem[] => {
  const problems: TemplateProblem[] = [];
  const known = new Set(allowed);
  const list = allowed.map((a) => `{{${a}}}`).join(', ');
  for (const name of variablesIn(text)) {
    if (!NAME.test(name)) {
      problems.push({ field, message: `${what}: "{{${name}}}" is not a variable name. Variables look like {{invoice.number}}; the ones you can use here are ${list}.` });
    } else if (!known.has(name)) {
      problems.push({ field, message: `${what}: there is no variable {{${name}}}. Use one of ${list}.` });
    }
  }
  // Whatever is left after removing complete placeholders must not hold a lone "{{" or "}}".
  const rest = text.replace(TOKEN, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    problems.push({ field, message: `${what}: a "{{" or "}}" has no partner. Write a variable as {{name}}, with two braces on each side.` });
  }
  return problems;
};

/** Throws one 400 listing every problem (the first one's field in `details.field`). */
export const assertNoProblems = (problems: readonly TemplateProblem[]): void => {
  if (!problems.length) return;
  throw new AppError('validation', problems.map((p) => p.message).join(' '), { field: problems[0]!.field, problems: [...problems] });
};

/**
 * Replaces every `{{name}}` with its value; a name without a value becomes empty text. A line whose
 * variables all came out empty is left out ("Account: {{organization.bankAccount}}" when no account
 * is set), so templates need no conditions.
 */
export const fillTemplate = (text: string, values: Readonly<Record<string, string | null | undefined>>): string =>
  text
    .split('\n')
    .flatMap((line) => {
      let used = 0;
      let filled = 0;
      const out = line.replace(TOKEN, (_all, name: string) => {
        used++;
        const v = values[name] ?? '';
        if (v.trim()) filled++;
        return v;
      });
      return used > 0 && filled === 0 ? [] : [out];
    })
    .join('\n');

/** The example values of a variable list, for previews without real data. */
export const exampleValues = (vars: readonly TemplateVariable[]): Record<string, string> => Object.fromEntries(vars.map((v) => [v.name, v.example]));
