import { inTransaction, lockResource, toNumber } from '../../db/database.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, LedgerDeps } from './deps.ts';
import { getJournal, type JournalDetail } from './journals.ts';
import { EntriesDigest, GENESIS_HASH, journalHash, SummaryBuilder, type JournalContent } from './ledger.ts';
import { loadLineContents } from './ledger-db.ts';
import { orgToday } from '../settings/index.ts';

const BATCH = 5000;

/**
 * "Journalize" (seed 004 §3.3.1): closes every entry dated on or before `upTo` that no journal
 * holds yet into the next journal, with its count, debit and credit sums, a summary by entry kind
 * and by account, and a hash over its entries' hashes, the sums and the journal before. Entries
 * keep coming (a payment dated last month is posted today): they go into the next journal. A
 * closed journal never changes; `verifyLedger` proves it.
 */
export const journalize = async (deps: LedgerDeps, by: ChangedBy, input: { upTo: string }): Promise<JournalDetail> => {
  const upTo = (input.upTo ?? '').trim();
  if (!isIsoDate(upTo)) throw validation(`The last day to include must be a date written YYYY-MM-DD, like 2026-03-31; got "${input.upTo}".`, { field: 'upTo' });
  return inTransaction(deps.db, async (tx) => {
    const today = await orgToday(tx, deps.clock);
    if (upTo > today) throw validation(`A journal closes days that are over: ${upTo} is after today (${today}).`, { field: 'upTo' });
    // No posting may slip in between reading the entries and closing them.
    await lockResource(tx, 'ledger');
    const last = await tx.selectFrom('journal').select(['seq', 'hash', 'up_to']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (last && upTo < last.up_to) {
      throw conflict(`Journal ${toNumber(last.seq)} already closed the days up to ${last.up_to}; the next journal must end on ${last.up_to} or later.`, { field: 'upTo' });
    }
    const digest = new EntriesDigest();
    const summary = new SummaryBuilder();
    let firstSeq: number | null = null;
    let lastSeq: number | null = null;
    let after = 0;
    for (;;) {
      const entries = await tx
        .selectFrom('ledger_entry')
        .select(['id', 'seq', 'kind', 'hash'])
        .where('journal_id', 'is', null)
        .where('entry_date', '<=', upTo)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(BATCH)
        .execute();
      if (!entries.length) break;
      const linesOf = await loadLineContents(tx, entries.map((e) => e.id));
      for (const e of entries) {
        const seq = toNumber(e.seq);
        digest.add(e.hash);
        summary.addEntry(e.kind, (linesOf.get(e.id) ?? []).sort((a, b) => a.line_no - b.line_no));
        firstSeq ??= seq;
        lastSeq = seq;
        after = seq;
      }
      if (entries.length < BATCH) break;
    }
    if (!digest.count) {
      throw conflict(`There is nothing to journalize up to ${upTo}: every entry dated then is already in a journal${last ? ` (the last one, journal ${toNumber(last.seq)}, goes up to ${last.up_to})` : ''}.`);
    }
    const names = new Map((await tx.selectFrom('gl_account').select(['code', 'name']).execute()).map((a) => [a.code, a.name]));
    const content: JournalContent = {
      id: newId(deps.clock.now().getTime()),
      seq: last ? toNumber(last.seq) + 1 : 1,
      up_to: upTo,
      first_seq: firstSeq,
      last_seq: lastSeq,
      entry_count: digest.count,
      debit_minor: summary.debit,
      credit_minor: summary.credit,
      summary: JSON.stringify(summary.build(names)),
      prev_hash: last?.hash ?? GENESIS_HASH,
      closed_by: by.actor.name ?? by.actor.type,
      closed_at: deps.clock.now().toISOString(),
    };
    const hash = journalHash(content, digest.digest());
    await tx
      .insertInto('journal')
      .values({ ...content, debit_minor: content.debit_minor.toString(), credit_minor: content.credit_minor.toString(), hash })
      .execute();
    // The only change an entry ever gets: which journal holds it.
    await tx.updateTable('ledger_entry').set({ journal_id: content.id }).where('journal_id', 'is', null).where('entry_date', '<=', upTo).where('seq', '<=', lastSeq!).execute();
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'journal',
      entityId: content.id,
      action: 'close',
      after: { seq: content.seq, upTo, entries: content.entry_count, firstSeq, lastSeq, debit: summary.debit.toString(), credit: summary.credit.toString(), hash },
      requestId: by.requestId,
    });
    return getJournal(tx, content.id);
  });
};
