import { Badge, NativeSelect } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useT, type Translate } from '../ui/language.tsx';
import type { MessageKey } from '../ui/i18n.ts';
import { AreaTabs } from '../ui/area-tabs.tsx';
import { PAYMENT_METHODS, type PaymentMethod, type PaymentSummary } from './types.ts';

export const PAYMENTS_KEY = 'payments';
export const OPEN_INVOICES_KEY = 'open-invoices';
export const num = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

/**
 * After money moves: payments, invoices, the ledger, reports and contact balances are refreshed.
 * The open-invoice list is left alone unless asked (quick entry keeps its rows on screen).
 */
export const useInvalidateMoney = () => {
  const queryClient = useQueryClient();
  return (withOpenInvoices = true) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: [PAYMENTS_KEY] }),
      queryClient.invalidateQueries({ queryKey: ['invoices'] }),
      queryClient.invalidateQueries({ queryKey: ['ledger'] }),
      withOpenInvoices ? queryClient.invalidateQueries({ queryKey: [OPEN_INVOICES_KEY] }) : Promise.resolve(),
    ]);
};

export const methodLabel = (t: Translate, m: string) => (PAYMENT_METHODS.includes(m as PaymentMethod) ? t(`payments.method.${m as PaymentMethod}`) : m);
export const methodOptions = (t: Translate) => PAYMENT_METHODS.map((m) => ({ value: m, label: methodLabel(t, m) }));

/** A plain select (keyboard-friendly: arrow keys change it, Enter is left to the row). */
export const MethodSelect = ({ value, onChange, label, size = 'sm', ...rest }: { value: PaymentMethod; onChange: (m: PaymentMethod) => void; label?: string; size?: 'xs' | 'sm'; 'aria-label'?: string; onKeyDown?: React.KeyboardEventHandler<HTMLSelectElement>; w?: number }) => {
  const t = useT();
  return <NativeSelect size={size} label={label} data={methodOptions(t)} value={value} onChange={(e) => onChange(e.currentTarget.value as PaymentMethod)} {...rest} />;
};

export const PaymentStatusBadge = ({ p, size = 'sm' }: { p: Pick<PaymentSummary, 'status' | 'kind'>; size?: 'sm' | 'lg' }) => {
  const t = useT();
  const color = p.status === 'reversed' ? 'red' : p.kind === 'refund' ? 'orange' : 'green';
  return (
    <Badge size={size} variant="light" color={color} data-testid="payment-status">
      {p.status === 'reversed' ? t('payments.status.reversed') : p.kind === 'refund' ? t('payments.kind.refund') : t('payments.status.recorded')}
    </Badge>
  );
};

/** "Receipt 12" or "Refund 3". */
export const paymentTitle = (t: Translate, p: Pick<PaymentSummary, 'kind' | 'number'>) =>
  p.kind === 'refund' ? t('payments.refundTitle', { number: p.number ?? '' }) : t('payments.receiptTitle', { number: p.number ?? '' });

/** Digits a currency shows (NOK, EUR: 2). */
export const currencyDigits = (currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

/** "1 234,5" → 123450n (2 digits); null when it is not a number. */
export const toMinor = (text: string, digits = 2): bigint | null => {
  const s = text.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = (m[3] ?? '').padEnd(digits, '0');
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) return null;
  const v = BigInt((m[2] || '0') + frac.slice(0, digits));
  return m[1] ? -v : v;
};

/** 123450n → "1234.50" as the API takes it. */
export const minorToDecimal = (minor: bigint, digits = 2) => {
  const neg = minor < 0n;
  const abs = (neg ? -minor : minor).toString().padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs}`;
};

/** A money amount as the organization writes it in an input ("450,00" in nb-NO). */
export const decimalForInput = (decimal: string, locale: string) => (/^(nb|nn|no|de|fr|sv|da|fi|es|it|nl|pl|pt)/i.test(locale) ? decimal.replace('.', ',') : decimal);

export const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const PAYMENT_PAGES: Array<{ path: string; label: MessageKey }> = [
  { path: '/payments/open', label: 'payments.tab.open' },
  { path: '/payments/receipts', label: 'payments.tab.list' },
  { path: '/payments/ageing', label: 'payments.tab.ageing' },
  { path: '/payments/cash', label: 'payments.tab.cash' },
];

/** The Payments area: quick entry, payments, and the A/R reports as tabs. */
export const PaymentsArea = () => {
  const t = useT();
  return <AreaTabs area="payments" label={t('payments.area')} pages={PAYMENT_PAGES} />;
};
