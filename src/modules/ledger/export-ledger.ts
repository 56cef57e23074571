import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { csvLine, UTF8_BOM } from '../../kernel/csv.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { currencyDigits, money, toDecimalString } from '../../kernel/money.ts';
import { getSetting } from '../settings/index.ts';
import { loadLineContents } from './ledger-db.ts';
import { loadRoles, type LedgerRoles } from './roles.ts';

type Db = Kysely<DB>;

export const EXPORT_FORMATS = ['hledger', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const BATCH = 2000;

const TYPE_ROOT: Record<string, { root: string; tag: string }> = {
  asset: { root: 'assets', tag: 'A' },
  liability: { root: 'liabilities', tag: 'L' },
  equity: { root: 'equity', tag: 'E' },
  income: { root: 'income', tag: 'R' },
  expense: { root: 'expenses', tag: 'X' },
};

/** hledger account names: the type, the part an account plays (when a setting names it), the number: `assets:receivable:15000-0000`. */
export const hledgerAccountName = (code: string, type: string, roles: LedgerRoles): string => {
  const root = TYPE_ROOT[type]?.root ?? 'assets';
  const part =
    code === roles.ar ? 'receivable'
    : code === roles.bank ? 'bank'
    : code === roles.cash ? 'cash'
    : code === roles.vat ? 'vat'
    : code === roles.credit ? 'customer-credit'
    : code === roles.writeoff ? 'bad-debts'
    : code === roles.fee ? 'fees'
    : null;
  return part ? `${root}:${part}:${code}` : `${root}:${code}`;
};

/** Text safe on one hledger line: no comment or line breaks. */
const oneLine = (text: string) => text.replace(/[\r\n\t;]+/g, ' ').replace(/\s{2,}/g, ' ').trim();

/**
 * The ledger as a file, streamed a batch of entries at a time, up to the end of day `to` (default:
 * everything). 'hledger': account and commodity declarations, one transaction per entry (code =
 * the entry's seq; tags kind, entry, source; postings tagged with contact and invoice), and at the
 * end one transaction asserting every account's balance — `hledger check` verifies the file and
 * `hledger bal` shows our trial balance. 'csv': one row per line with its entry's fields.
 */
export async function* exportLedger(db: Db, opts: { format: ExportFormat; to?: string }): AsyncGenerator<string> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) throw validation(`The export format must be one of ${EXPORT_FORMATS.join(', ')}; got "${opts.format}".`, { field: 'format' });
  if (opts.to !== undefined && !isIsoDate(opts.to)) throw validation(`--to must be a date written YYYY-MM-DD; got "${opts.to}".`, { field: 'to' });
  const currency = await getSetting(db, 'organization.currency');
  const roles = await loadRoles(db);
  const accounts = await db.selectFrom('gl_account').select(['code', 'name', 'type']).orderBy('code').execute();
  const accountOf = new Map(accounts.map((a) => [a.code, { ...a, hledger: hledgerAccountName(a.code, a.type, roles) }]));
  const amount = (minor: bigint) => `${toDecimalString(money(minor, currency))} ${currency}`;
  const journalSeqs = new Map((await db.selectFrom('journal').select(['id', 'seq']).execute()).map((j) => [j.id, toNumber(j.seq)]));
  const hledger = opts.format === 'hledger';

  if (hledger) {
    const org = await getSetting(db, 'organization.name');
    yield `; ${oneLine(org)}: the Guildhall general ledger${opts.to ? ` up to ${opts.to}` : ''}.\n; One transaction per ledger entry (code = entry seq); balance assertions at the end.\n\n`;
    const digits = currencyDigits(currency);
    yield `commodity 1000${digits ? `.${'0'.repeat(digits)}` : ''} ${currency}\n\n`;
    for (const a of accountOf.values()) yield `account ${a.hledger}  ; type:${TYPE_ROOT[a.type]?.tag ?? 'A'}, name:${oneLine(a.name.replace(/,/g, ' '))}\n`;
    yield '\n';
  } else {
    yield UTF8_BOM +
      csvLine(['seq', 'entry_id', 'date', 'kind', 'description', 'source_key', 'entry_contact_id', 'entry_invoice_id', 'payment_id', 'journal', 'line_no', 'account', 'account_name', 'contact_id', 'invoice_id', 'debit', 'credit', 'currency']);
  }

  const balances = new Map<string, bigint>();
  let lastDate: string | null = null;
  let after = 0;
  for (;;) {
    let q = db.selectFrom('ledger_entry').selectAll().where('seq', '>', after).orderBy('seq').limit(BATCH);
    if (opts.to) q = q.where('entry_date', '<=', opts.to);
    const entries = await q.execute();
    if (!entries.length) break;
    const linesOf = await loadLineContents(db, entries.map((e) => e.id));
    let chunk = '';
    for (const e of entries) {
      const seq = toNumber(e.seq);
      after = seq;
      if (!lastDate || e.entry_date > lastDate) lastDate = e.entry_date;
      const ls = (linesOf.get(e.id) ?? []).sort((a, b) => a.line_no - b.line_no);
      const journal = e.journal_id ? (journalSeqs.get(e.journal_id) ?? null) : null;
      if (hledger) {
        const tags = [`kind:${e.kind}`, `entry:${e.id}`, ...(e.source_key ? [`source:${oneLine(e.source_key.replace(/,/g, ' '))}`] : []), ...(journal ? [`journal:${journal}`] : [])];
        chunk += `${e.entry_date} * (${seq}) ${oneLine(e.description)}  ; ${tags.join(', ')}\n`;
        for (const l of ls) {
          const name = accountOf.get(l.account_code)?.hledger ?? `assets:${l.account_code}`;
          const signed = l.debit_minor - l.credit_minor;
          balances.set(name, (balances.get(name) ?? 0n) + signed);
          const ltags = [...(l.contact_id ? [`contact:${l.contact_id}`] : []), ...(l.invoice_id ? [`invoice:${l.invoice_id}`] : [])];
          chunk += `    ${name}  ${amount(signed)}${ltags.length ? `  ; ${ltags.join(', ')}` : ''}\n`;
        }
        chunk += '\n';
      } else {
        for (const l of ls) {
          chunk += csvLine([
            seq,
            e.id,
            e.entry_date,
            e.kind,
            e.description,
            e.source_key,
            e.contact_id,
            e.invoice_id,
            e.payment_id,
            journal,
            l.line_no,
            l.account_code,
            accountOf.get(l.account_code)?.name ?? '',
            l.contact_id,
            l.invoice_id,
            toDecimalString(money(l.debit_minor, currency)),
            toDecimalString(money(l.credit_minor, currency)),
            currency,
          ]);
        }
      }
    }
    yield chunk;
    if (entries.length < BATCH) break;
  }

  if (hledger && lastDate) {
    const at = opts.to && opts.to > lastDate ? opts.to : lastDate;
    let out = `${at} * Balance assertions: the Guildhall trial balance at ${at}\n`;
    for (const [name, b] of [...balances].sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))) out += `    ${name}  0 ${currency} = ${amount(b)}\n`;
    yield out;
  }
}

/** The whole export as one string (tests, small ledgers). */
export const exportLedgerText = async (db: Db, opts: { format: ExportFormat; to?: string }): Promise<string> => {
  let out = '';
  for await (const chunk of exportLedger(db, opts)) out += chunk;
  return out;
};
