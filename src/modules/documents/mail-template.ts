import { validation } from '../../kernel/app-error.ts';
import { CREDIT_NOTE_VARIABLES, INVOICE_VARIABLES, ORG_VARIABLES, PAYER_VARIABLES, STATEMENT_VARIABLES } from './document-template.ts';
import { DOCUMENT_LANGUAGES, type DocumentLanguage } from './format.ts';
import { assertNoProblems, fillTemplate, templateProblems, type TemplateProblem, type TemplateVariable } from './template-text.ts';

/**
 * The e-mails Guildhall sends with a document or about an account (seed 001 "template e-mails"):
 * one subject and plain-text body per key and language, editable; {{variables}} documented per key,
 * and a template naming a variable its key does not have is refused on save. Pure.
 */
export const MAIL_TEMPLATE_KEYS = ['invoice', 'credit_note', 'receipt', 'statement', 'welcome'] as const;
export type MailTemplateKey = (typeof MAIL_TEMPLATE_KEYS)[number];
export const MAIL_LANGUAGES = DOCUMENT_LANGUAGES;

export interface MailTemplateText {
  subject: string;
  body: string;
}

export const MAX_SUBJECT = 200;
export const MAX_BODY = 10_000;

// E-mails know the organization's name, e-mail and bank account, not its address or numbers.
const ORG = ORG_VARIABLES.filter((v) => ['organization.name', 'organization.email', 'organization.bankAccount'].includes(v.name));
const RECIPIENT: TemplateVariable = { name: 'recipient.name', description: 'The name of the person the message is addressed to (for an organization: its contact person)', example: 'Åse Ødegård' };
const ABOUT_PAYER = [...ORG, RECIPIENT, ...PAYER_VARIABLES];

/** The variables of each e-mail, with what they hold and an example for previews. */
export const MAIL_VARIABLES: Record<MailTemplateKey, TemplateVariable[]> = {
  invoice: [...ABOUT_PAYER, ...INVOICE_VARIABLES],
  credit_note: [...ABOUT_PAYER, ...CREDIT_NOTE_VARIABLES],
  receipt: [
    ...ABOUT_PAYER,
    { name: 'payment.number', description: 'The receipt number', example: '501' },
    { name: 'payment.date', description: 'The day the payment was received', example: '20.01.2026' },
    { name: 'payment.amount', description: 'The amount received', example: '1 234,50 kr' },
    { name: 'payment.method', description: 'How it was paid (bank transfer, cash, …)', example: 'bank transfer' },
    { name: 'payment.reference', description: 'The payment’s reference (cheque number, bank reference)', example: 'Ref 88231' },
    { name: 'payment.invoices', description: 'The invoices it paid, such as "10001, 10004"', example: '10001' },
    { name: 'account.amountDue', description: 'What the payer still owes after this payment', example: '0,00 kr' },
  ],
  statement: [...ABOUT_PAYER, ...STATEMENT_VARIABLES],
  welcome: [
    ...ORG,
    RECIPIENT,
    { name: 'member.name', description: 'The new member’s name', example: 'Zoë Łukasiewicz' },
    { name: 'member.number', description: 'The member number', example: '1002' },
    { name: 'portal.url', description: 'The address of the member pages', example: 'https://members.makerspace.example' },
  ],
};

export const DEFAULT_MAIL_TEMPLATES: Record<MailTemplateKey, Record<DocumentLanguage, MailTemplateText>> = {
  invoice: {
    en: {
      subject: 'Invoice {{invoice.number}} from {{organization.name}}',
      body:
        'Hello {{recipient.name}},\n\nAttached is invoice {{invoice.number}} for {{payer.name}}.\n\nAmount due: {{invoice.amountDue}}\nDue date: {{invoice.dueDate}}\nAccount: {{organization.bankAccount}}\nPayment reference (KID): {{invoice.paymentReference}}\n\nPlease quote the payment reference when you pay.\n\nBest regards,\n{{organization.name}}\n',
    },
    nb: {
      subject: 'Faktura {{invoice.number}} fra {{organization.name}}',
      body:
        'Hei {{recipient.name}},\n\nVedlagt er faktura {{invoice.number}} til {{payer.name}}.\n\nÅ betale: {{invoice.amountDue}}\nForfallsdato: {{invoice.dueDate}}\nKontonummer: {{organization.bankAccount}}\nKID: {{invoice.paymentReference}}\n\nHusk å oppgi KID når du betaler.\n\nVennlig hilsen\n{{organization.name}}\n',
    },
  },
  credit_note: {
    en: {
      subject: 'Credit note {{creditNote.number}} from {{organization.name}}',
      body: 'Hello {{recipient.name}},\n\nAttached is credit note {{creditNote.number}} for {{payer.name}}. It credits {{creditNote.total}} on invoice {{creditNote.invoiceNumber}}.\n\nBest regards,\n{{organization.name}}\n',
    },
    nb: {
      subject: 'Kreditnota {{creditNote.number}} fra {{organization.name}}',
      body: 'Hei {{recipient.name}},\n\nVedlagt er kreditnota {{creditNote.number}} til {{payer.name}}. Den krediterer {{creditNote.total}} på faktura {{creditNote.invoiceNumber}}.\n\nVennlig hilsen\n{{organization.name}}\n',
    },
  },
  receipt: {
    en: {
      subject: 'Payment received – thank you',
      body: 'Hello {{recipient.name}},\n\nWe received {{payment.amount}} on {{payment.date}} (receipt {{payment.number}}). Thank you!\n\nStill to pay: {{account.amountDue}}\n\nBest regards,\n{{organization.name}}\n',
    },
    nb: {
      subject: 'Betaling mottatt – takk',
      body: 'Hei {{recipient.name}},\n\nVi har mottatt {{payment.amount}} den {{payment.date}} (kvittering {{payment.number}}). Takk!\n\nGjenstår å betale: {{account.amountDue}}\n\nVennlig hilsen\n{{organization.name}}\n',
    },
  },
  statement: {
    en: {
      subject: 'Your account statement from {{organization.name}}',
      body: 'Hello {{recipient.name}},\n\nAttached is the statement of your account at {{statement.date}}.\n\nBalance: {{statement.balance}}\nAmount due: {{statement.amountDue}}\n\nBest regards,\n{{organization.name}}\n',
    },
    nb: {
      subject: 'Kontoutskrift fra {{organization.name}}',
      body: 'Hei {{recipient.name}},\n\nVedlagt er kontoutskriften din per {{statement.date}}.\n\nSaldo: {{statement.balance}}\nÅ betale: {{statement.amountDue}}\n\nVennlig hilsen\n{{organization.name}}\n',
    },
  },
  welcome: {
    en: {
      subject: 'Welcome to {{organization.name}}',
      body: 'Hello {{recipient.name}},\n\nWelcome to {{organization.name}}! Your member number is {{member.number}}.\n\nYou can see your membership and invoices at {{portal.url}}.\n\nBest regards,\n{{organization.name}}\n',
    },
    nb: {
      subject: 'Velkommen til {{organization.name}}',
      body: 'Hei {{recipient.name}},\n\nVelkommen til {{organization.name}}! Medlemsnummeret ditt er {{member.number}}.\n\nDu finner medlemskapet og fakturaene dine på {{portal.url}}.\n\nVennlig hilsen\n{{organization.name}}\n',
    },
  },
};

export const isMailTemplateKey = (key: string): key is MailTemplateKey => (MAIL_TEMPLATE_KEYS as readonly string[]).includes(key);
export const isMailLanguage = (l: string): l is DocumentLanguage => (MAIL_LANGUAGES as readonly string[]).includes(l);

export const assertMailTemplateId = (key: string, language: string): { key: MailTemplateKey; language: DocumentLanguage } => {
  if (!isMailTemplateKey(key)) throw validation(`There is no e-mail template "${key}". The templates are ${MAIL_TEMPLATE_KEYS.join(', ')}.`, { field: 'key' });
  if (!isMailLanguage(language)) throw validation(`E-mail templates exist in ${MAIL_LANGUAGES.join(' and ')}; "${language}" is not one of them.`, { field: 'language' });
  return { key, language };
};

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Checks an edited e-mail template: not empty, not too long, and only the key's variables. */
export const checkMailTemplate = (key: MailTemplateKey, input: MailTemplateText): MailTemplateText => {
  const allowed = MAIL_VARIABLES[key].map((v) => v.name);
  const subject = (input.subject ?? '').trim();
  const body = (input.body ?? '').replace(/\r\n?/g, '\n').replace(/\s+$/, '') + '\n';
  const problems: TemplateProblem[] = [];
  if (!subject) problems.push({ field: 'subject', message: 'The subject cannot be empty.' });
  if (subject.length > MAX_SUBJECT) problems.push({ field: 'subject', message: `The subject is ${subject.length} characters long; the most is ${MAX_SUBJECT}.` });
  if (/[\r\n]/.test(subject) || CONTROL.test(subject)) problems.push({ field: 'subject', message: 'The subject must be one line without control characters.' });
  if (!body.trim()) problems.push({ field: 'body', message: 'The message text cannot be empty.' });
  if (body.length > MAX_BODY) problems.push({ field: 'body', message: `The message text is ${body.length} characters long; the most is ${MAX_BODY}.` });
  if (CONTROL.test(body)) problems.push({ field: 'body', message: 'The message text contains control characters; remove them.' });
  problems.push(...templateProblems(subject, allowed, 'subject', 'The subject'), ...templateProblems(body, allowed, 'body', 'The message text'));
  assertNoProblems(problems);
  return { subject, body };
};

/** The filled-in subject and body. A subject never carries a line break, whatever a value holds. */
export const renderMailText = (t: MailTemplateText, values: Readonly<Record<string, string | null | undefined>>): MailTemplateText => ({
  subject: fillTemplate(t.subject, values).replace(/\s*[\r\n]+\s*/g, ' ').trim(),
  body: fillTemplate(t.body, values),
});
