import { Badge } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useT, type Translate } from '../ui/language.tsx';
import type { InvoiceStatus, InvoiceSummary } from './types.ts';

export const INVOICES_KEY = 'invoices';

/** Refreshes every invoice list and page (and billing-run totals) after a change. */
export const useInvalidateInvoices = () => {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: [INVOICES_KEY] });
};

const STATUS_COLORS: Record<InvoiceStatus, string> = { draft: 'gray', issued: 'blue', paid: 'green', void: 'red' };

export const InvoiceStatusBadge = ({ status, size = 'sm' }: { status: InvoiceStatus; size?: 'sm' | 'md' | 'lg' }) => {
  const t = useT();
  return (
    <Badge size={size} variant="light" color={STATUS_COLORS[status] ?? 'gray'} data-testid="invoice-status">
      {t(`invoices.status.${status}`)}
    </Badge>
  );
};

export const kindLabel = (t: Translate, kind: string) => (kind === 'invoice' || kind === 'credit_note' ? t(`invoices.kind.${kind}`) : kind);
export const originLabel = (t: Translate, origin: string) =>
  ['run', 'cycle', 'manual', 'credit'].includes(origin) ? t(`invoices.origin.${origin as 'run'}`) : origin;

/** "Invoice 10001", "Credit note 10002" or "Draft invoice". */
export const invoiceTitle = (t: Translate, i: Pick<InvoiceSummary, 'kind' | 'number'>) =>
  i.number === null ? t('invoices.page.draft') : i.kind === 'credit_note' ? t('invoices.page.creditNote', { number: i.number }) : t('invoices.page.invoice', { number: i.number });

/** "450.00" or "450,00" or "1 234,50" as the API wants it: digits, an optional minus and a point. */
export const normalizeDecimal = (s: string) => s.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
export const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Quantities as decimal strings: "1.000" → "1", "2.50" → "2.5". */
export const quantityText = (q: string, locale: string) => {
  const n = Number(q);
  if (!Number.isFinite(n)) return q;
  try {
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(n);
  } catch {
    return String(n);
  }
};
