import { formatDate, parseDate } from '../../kernel/dates.ts';
import { currencyDigits, toDecimalString, type Money } from '../../kernel/money.ts';

/**
 * How documents and e-mails write amounts, dates and rates in the organization's locale
 * ("1 234,50 kr" and "15.01.2026" in nb-NO), and their fixed wording in English and Norwegian
 * bokmål. Pure.
 */

export const DOCUMENT_LANGUAGES = ['en', 'nb'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/** The language of a locale or a contact's language choice: Norwegian (nb, no, nn) → nb, anything else → en. */
export const languageOf = (tag: string | null | undefined): DocumentLanguage => {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'nb' || base === 'no' || base === 'nn' ? 'nb' : 'en';
};

export interface Formatter {
  locale: string;
  language: DocumentLanguage;
  /** With the currency: "1 234,50 kr". */
  money(m: Money): string;
  /** Without the currency, for table cells: "1 234,50". */
  amount(m: Money): string;
  /** A day written YYYY-MM-DD, in the locale's short form: "15.01.2026". Empty for null. */
  date(day: string | null | undefined): string;
  /** A period [start, end): the last day shown is the day before `end`. */
  period(start: string | null, end: string | null): string;
  /** A decimal percent ("25", "12.5") → "25 %" / "12,5 %". */
  rate(rate: string): string;
  /** A decimal quantity → "2,5". */
  quantity(q: string): string;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const numberFormat = (locale: string, digits: number): Intl.NumberFormat => {
  const key = `${locale}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(key, f);
  }
  return f;
};
const decimalFormats = new Map<string, Intl.NumberFormat>();
const decimalFormat = (locale: string): Intl.NumberFormat => {
  let f = decimalFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
    decimalFormats.set(locale, f);
  }
  return f;
};

const moneyFormats = new Map<string, Intl.NumberFormat>();
const moneyFormat = (locale: string, currency: string): Intl.NumberFormat => {
  const key = `${locale}:${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    const digits = currencyDigits(currency);
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormats.set(key, f);
  }
  return f;
};

// Formatting is a large part of drawing a document; the same days come back on every invoice of a run.
const dateTexts = new Map<string, string>();

export const formatter = (locale: string, language: DocumentLanguage = languageOf(locale)): Formatter => {
  const date = (day: string | null | undefined): string => {
    if (!day) return '';
    const key = `${locale}|${day}`;
    let s = dateTexts.get(key);
    if (s === undefined) {
      s = formatDate(parseDate(day), locale, 'short');
      if (dateTexts.size > 20_000) dateTexts.clear();
      dateTexts.set(key, s);
    }
    return s;
  };
  // Intl formats numeric strings exactly (no float conversion).
  const exact = (f: Intl.NumberFormat, text: string) => f.format(text as unknown as number);
  return {
    locale,
    language,
    // The same as kernel formatMoney (exact: Intl formats the decimal string), with the format kept.
    money: (m) => exact(moneyFormat(locale, m.currency), toDecimalString(m)),
    amount: (m) => exact(numberFormat(locale, currencyDigits(m.currency)), toDecimalString(m)),
    date,
    period: (start, end) => {
      if (!start) return '';
      if (!end) return `${date(start)} –`;
      const last = parseDate(end).subtract({ days: 1 }).toString();
      return last === start ? date(start) : `${date(start)} – ${date(last)}`;
    },
    rate: (rate) => `${exact(decimalFormat(locale), rate)}${language === 'nb' ? '\u00a0%' : '%'}`,
    quantity: (q) => exact(decimalFormat(locale), q),
  };
};

const METHOD_TEXT: Record<DocumentLanguage, Record<string, string>> = {
  en: { cash: 'cash', cheque: 'cheque', in_kind: 'in kind', visa: 'Visa', mastercard: 'Mastercard', bank_transfer: 'bank transfer', paypal: 'PayPal', card_gateway: 'card', other: 'other' },
  nb: { cash: 'kontant', cheque: 'sjekk', in_kind: 'naturalytelse', visa: 'Visa', mastercard: 'Mastercard', bank_transfer: 'bankoverføring', paypal: 'PayPal', card_gateway: 'kort', other: 'annet' },
};

/** A payment method as people read it ("bank transfer", "bankoverføring"). */
export const paymentMethodText = (language: DocumentLanguage, method: string): string => METHOD_TEXT[language][method] ?? method.replace(/_/g, ' ');

/** Every fixed text on documents and in the delivery log, per language. */
export const LABELS = {
  en: {
    invoice: 'Invoice',
    credit_note: 'Credit note',
    statement: 'Statement',
    receipt: 'Receipt',
    invoiceNumber: 'Invoice number',
    creditNoteNumber: 'Credit note number',
    invoiceDate: 'Invoice date',
    creditNoteDate: 'Date',
    statementDate: 'Statement date',
    dueDate: 'Due date',
    memberNumber: 'Member number',
    customerNumber: 'Customer number',
    kid: 'KID',
    reference: 'Payment reference',
    creditsInvoice: 'Credits invoice',
    reason: 'Reason',
    description: 'Description',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    vat: 'VAT',
    amount: 'Amount',
    netTotal: 'Total excl. VAT',
    vatOf: (rate: string, base: string) => `VAT ${rate} of ${base}`,
    total: 'Total',
    totalCredited: 'Total credited',
    paid: 'Paid',
    credited: 'Credited',
    amountDue: 'Amount due',
    nothingDue: 'Nothing to pay',
    payTo: 'Payment',
    account: 'Account',
    orgNumber: 'Org. no.',
    vatNumber: 'VAT no.',
    vatRegistered: 'VAT',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    date: 'Date',
    document: 'Document',
    charges: 'Charged',
    payments: 'Paid',
    balance: 'Balance',
    openingBalance: 'Opening balance',
    closingBalance: 'Balance',
    creditBalance: 'In your favour',
    openInvoices: 'Open invoices',
    open: 'Open',
    noEntries: 'Nothing has been invoiced or paid yet.',
    payment: 'Payment',
    paymentReversed: 'Payment reversed',
    refund: 'Refund',
    writeOff: 'Written off',
    receiptNumber: 'Receipt',
    printBatch: 'Print batch',
    printBatchContents: (n: number, pages: number) => `${n} documents, ${pages} pages (this sheet not counted)`,
    payer: 'Payer',
    address: 'Address',
    pages: 'Pages',
    createdAt: 'Created',
    voidInvoice: 'VOID',
    draft: 'DRAFT',
    files: { invoice: 'invoice', credit_note: 'credit-note', statement: 'statement', printBatch: 'print-batch' },
  },
  nb: {
    invoice: 'Faktura',
    credit_note: 'Kreditnota',
    statement: 'Kontoutskrift',
    receipt: 'Kvittering',
    invoiceNumber: 'Fakturanummer',
    creditNoteNumber: 'Kreditnotanummer',
    invoiceDate: 'Fakturadato',
    creditNoteDate: 'Dato',
    statementDate: 'Dato',
    dueDate: 'Forfallsdato',
    memberNumber: 'Medlemsnummer',
    customerNumber: 'Kundenummer',
    kid: 'KID',
    reference: 'Betalingsreferanse',
    creditsInvoice: 'Krediterer faktura',
    reason: 'Årsak',
    description: 'Beskrivelse',
    quantity: 'Antall',
    unitPrice: 'Enhetspris',
    vat: 'MVA',
    amount: 'Beløp',
    netTotal: 'Sum eks. MVA',
    vatOf: (rate: string, base: string) => `MVA ${rate} av ${base}`,
    total: 'Totalt',
    totalCredited: 'Totalt kreditert',
    paid: 'Betalt',
    credited: 'Kreditert',
    amountDue: 'Å betale',
    nothingDue: 'Ingenting å betale',
    payTo: 'Betaling',
    account: 'Kontonummer',
    orgNumber: 'Org.nr.',
    vatNumber: 'MVA-nr.',
    vatRegistered: 'MVA',
    page: (n: number, of: number) => `Side ${n} av ${of}`,
    date: 'Dato',
    document: 'Bilag',
    charges: 'Belastet',
    payments: 'Betalt',
    balance: 'Saldo',
    openingBalance: 'Inngående saldo',
    closingBalance: 'Saldo',
    creditBalance: 'Til gode',
    openInvoices: 'Åpne fakturaer',
    open: 'Utestående',
    noEntries: 'Ingenting er fakturert eller betalt ennå.',
    payment: 'Innbetaling',
    paymentReversed: 'Innbetaling tilbakeført',
    refund: 'Tilbakebetaling',
    writeOff: 'Avskrevet',
    receiptNumber: 'Kvittering',
    printBatch: 'Utskriftsbunke',
    printBatchContents: (n: number, pages: number) => `${n} dokumenter, ${pages} sider (dette arket ikke medregnet)`,
    payer: 'Betaler',
    address: 'Adresse',
    pages: 'Sider',
    createdAt: 'Laget',
    voidInvoice: 'ANNULLERT',
    draft: 'UTKAST',
    files: { invoice: 'faktura', credit_note: 'kreditnota', statement: 'kontoutskrift', printBatch: 'utskrift' },
  },
} as const;

export type Labels = (typeof LABELS)[DocumentLanguage];
