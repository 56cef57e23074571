import { validation } from '../../kernel/app-error.ts';
import type { DocumentLanguage } from './format.ts';
import { assertNoProblems, templateProblems, type TemplateProblem, type TemplateVariable } from './template-text.ts';

/**
 * The editable part of invoice, credit note and statement PDFs (one template per kind): the title,
 * text blocks, payment terms, footer, accent colour and logo. The layout, the numbers and the fixed
 * labels come from the code; the texts may use {{variables}}. Pure.
 */
export const DOCUMENT_KINDS = ['invoice', 'credit_note', 'statement'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const TEMPLATE_LANGUAGES = ['organization', 'en', 'nb'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

export interface DocumentTemplateContent {
  /** Printed large at the top; empty = "Invoice" / "Faktura" (…) in the document's language. */
  title: string;
  /** A text block above the lines. */
  introText: string;
  /** Under the payment details (invoices), the totals (credit notes) or the balance (statements). */
  paymentTerms: string;
  /** At the bottom of every page, next to the page number. */
  footer: string;
  /** #RRGGBB: the title, table headings and rules. */
  accentColor: string;
  showLogo: boolean;
  /** Logo width in points (1/72 inch), 40–250. */
  logoWidth: number;
  /** organization: the language of the organization locale (nb-NO → Norwegian). */
  language: TemplateLanguage;
}

export const MAX_TITLE = 60;
export const MAX_BLOCK = 2000;
export const MAX_FOOTER = 500;

/** Variables shared by the documents and the e-mails that carry them (mail-template.ts). */
export const ORG_VARIABLES: TemplateVariable[] = [
  { name: 'organization.name', description: 'The organization name (setting organization.name)', example: 'Oslo Makerspace' },
  { name: 'organization.address', description: 'The organization address on one line', example: 'Storgata 1, 0155 Oslo' },
  { name: 'organization.orgNumber', description: 'The organization number', example: '912 345 678' },
  { name: 'organization.vatNumber', description: 'The VAT number', example: 'NO 912 345 678 MVA' },
  { name: 'organization.bankAccount', description: 'The bank account payments go to (setting organization.bank_account)', example: '1234.56.78903' },
  { name: 'organization.email', description: 'The billing e-mail address (replies go there)', example: 'faktura@makerspace.example' },
];
export const PAYER_VARIABLES: TemplateVariable[] = [
  { name: 'payer.name', description: 'The payer’s name (a person or an organization)', example: 'Ødegård, Åse' },
  { name: 'payer.memberNumber', description: 'The payer’s member number', example: '1001' },
];
export const INVOICE_VARIABLES: TemplateVariable[] = [
  { name: 'invoice.number', description: 'The invoice number', example: '10001' },
  { name: 'invoice.issueDate', description: 'The invoice date', example: '15.01.2026' },
  { name: 'invoice.dueDate', description: 'The due date', example: '29.01.2026' },
  { name: 'invoice.total', description: 'The invoice total with VAT', example: '1 234,50 kr' },
  { name: 'invoice.amountDue', description: 'What is still to pay', example: '1 234,50 kr' },
  { name: 'invoice.paymentReference', description: 'The KID or RF reference to quote when paying', example: '0000100016' },
];
export const CREDIT_NOTE_VARIABLES: TemplateVariable[] = [
  { name: 'creditNote.number', description: 'The credit note number', example: '10002' },
  { name: 'creditNote.issueDate', description: 'The credit note date', example: '20.01.2026' },
  { name: 'creditNote.total', description: 'The amount credited', example: '450,00 kr' },
  { name: 'creditNote.invoiceNumber', description: 'The number of the invoice it corrects', example: '10001' },
  { name: 'creditNote.reason', description: 'Why it was issued', example: 'Membership cancelled' },
];
export const STATEMENT_VARIABLES: TemplateVariable[] = [
  { name: 'statement.date', description: 'The statement date', example: '31.01.2026' },
  { name: 'statement.balance', description: 'The balance at the statement date (negative: in the payer’s favour)', example: '784,50 kr' },
  { name: 'statement.amountDue', description: 'What is to pay (the balance, when positive)', example: '784,50 kr' },
];

/** The variables each kind of document may use in its texts (documented in the editor). */
export const DOCUMENT_VARIABLES: Record<DocumentKind, TemplateVariable[]> = {
  invoice: [...ORG_VARIABLES, ...PAYER_VARIABLES, ...INVOICE_VARIABLES],
  credit_note: [...ORG_VARIABLES, ...PAYER_VARIABLES, ...CREDIT_NOTE_VARIABLES],
  statement: [...ORG_VARIABLES, ...PAYER_VARIABLES, ...STATEMENT_VARIABLES],
};

const DEFAULT_TEXTS: Record<DocumentKind, Record<DocumentLanguage, Pick<DocumentTemplateContent, 'introText' | 'paymentTerms' | 'footer'>>> = {
  invoice: {
    en: {
      introText: '',
      paymentTerms: 'Please pay by the due date and quote the payment reference, so that your payment is matched to this invoice.',
      footer: 'Questions about this invoice? Write to {{organization.email}}.',
    },
    nb: {
      introText: '',
      paymentTerms: 'Betal innen forfallsdato og oppgi KID, så blir betalingen ført på denne fakturaen.',
      footer: 'Spørsmål om fakturaen? Skriv til {{organization.email}}.',
    },
  },
  credit_note: {
    en: { introText: '', paymentTerms: 'This credit note reduces what you owe on invoice {{creditNote.invoiceNumber}}. If that invoice is already paid, the amount is kept in your favour.', footer: 'Questions? Write to {{organization.email}}.' },
    nb: { introText: '', paymentTerms: 'Denne kreditnotaen reduserer det du skylder på faktura {{creditNote.invoiceNumber}}. Er fakturaen allerede betalt, står beløpet til gode hos oss.', footer: 'Spørsmål? Skriv til {{organization.email}}.' },
  },
  statement: {
    en: { introText: 'Your account with us: every invoice and payment, oldest first.', paymentTerms: 'Please pay the amount due to account {{organization.bankAccount}}, quoting the KID of each open invoice.', footer: 'Questions about your account? Write to {{organization.email}}.' },
    nb: { introText: 'Kontoen din hos oss: alle fakturaer og innbetalinger, eldste først.', paymentTerms: 'Betal beløpet til konto {{organization.bankAccount}}, med KID for hver åpne faktura.', footer: 'Spørsmål om kontoen? Skriv til {{organization.email}}.' },
  },
};

export const DEFAULT_ACCENT = '#1f4e79';

/** The template a kind has until someone edits it, in the given language. */
export const defaultDocumentTemplate = (kind: DocumentKind, language: DocumentLanguage): DocumentTemplateContent => ({
  title: '',
  ...DEFAULT_TEXTS[kind][language],
  accentColor: DEFAULT_ACCENT,
  showLogo: true,
  logoWidth: 120,
  language: 'organization',
});

const COLOR = /^#[0-9a-fA-F]{6}$/;
// Tabs and newlines are fine in text blocks; other control characters are not.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Checks an edited template: lengths, colour, logo width, language, and that every {{variable}} is
 * one this kind of document has. Every problem is reported at once (`details.problems`).
 */
export const checkDocumentTemplate = (kind: DocumentKind, input: DocumentTemplateContent): DocumentTemplateContent => {
  if (!DOCUMENT_KINDS.includes(kind)) throw validation(`There is no document template "${kind}". Use one of ${DOCUMENT_KINDS.join(', ')}.`, { field: 'kind' });
  const allowed = DOCUMENT_VARIABLES[kind].map((v) => v.name);
  const problems: TemplateProblem[] = [];
  const text = (key: 'title' | 'introText' | 'paymentTerms' | 'footer', label: string, max: number, oneLine: boolean): string => {
    const value = (input[key] ?? '').replace(/\r\n?/g, '\n').trim();
    const field = `content.${key}`;
    if (value.length > max) problems.push({ field, message: `${label} is ${value.length} characters long; the most is ${max}.` });
    if (CONTROL.test(value)) problems.push({ field, message: `${label} contains control characters; remove them.` });
    if (oneLine && value.includes('\n')) problems.push({ field, message: `${label} must be one line.` });
    problems.push(...templateProblems(value, allowed, field, label));
    return value;
  };
  const out: DocumentTemplateContent = {
    title: text('title', 'The title', MAX_TITLE, true),
    introText: text('introText', 'The introduction', MAX_BLOCK, false),
    paymentTerms: text('paymentTerms', 'The payment terms', MAX_BLOCK, false),
    footer: text('footer', 'The footer', MAX_FOOTER, false),
    accentColor: (input.accentColor ?? '').trim(),
    showLogo: input.showLogo,
    logoWidth: input.logoWidth,
    language: input.language,
  };
  if (!COLOR.test(out.accentColor)) problems.push({ field: 'content.accentColor', message: `The accent colour must be written #RRGGBB, like ${DEFAULT_ACCENT}; got "${input.accentColor}".` });
  else out.accentColor = out.accentColor.toLowerCase();
  if (!Number.isInteger(out.logoWidth) || out.logoWidth < 40 || out.logoWidth > 250) problems.push({ field: 'content.logoWidth', message: `The logo width must be a whole number of points from 40 to 250; got ${input.logoWidth}.` });
  if (!TEMPLATE_LANGUAGES.includes(out.language)) problems.push({ field: 'content.language', message: `The language must be one of ${TEMPLATE_LANGUAGES.join(', ')}; got "${input.language}".` });
  if (typeof out.showLogo !== 'boolean') problems.push({ field: 'content.showLogo', message: 'showLogo must be true or false.' });
  assertNoProblems(problems);
  return out;
};

/** A stored template merged over the defaults, so a field added later gets its default. */
export const mergeStored = (kind: DocumentKind, language: DocumentLanguage, stored: string | null): DocumentTemplateContent => {
  const base = defaultDocumentTemplate(kind, language);
  if (!stored) return base;
  try {
    const parsed = JSON.parse(stored) as Partial<DocumentTemplateContent>;
    return { ...base, ...Object.fromEntries(Object.entries(parsed).filter(([k, v]) => k in base && v !== undefined && v !== null)) } as DocumentTemplateContent;
  } catch {
    return base;
  }
};
