/** The billing run API's shapes, as the web app relies on them (see src/api/routes/billing.ts). */

export interface Amount {
  minor: string;
  amount: string;
  currency: string;
}

export interface RunTotals {
  payers: number;
  invoices: number;
  lines: number;
  total: Amount;
  /** subscription | usage | recurring | charge */
  bySource: Record<string, { lines: number; amount: Amount }>;
  byItem: Array<{ itemType: string; code: string; name: string; lines: number; amount: Amount }>;
  conversions: number;
  endings: number;
}

export interface PreviewLine {
  chargeKey: string;
  description: string;
  quantity: string;
  unitPrice: Amount;
  amount: Amount;
  periodStart: string | null;
  /** Exclusive: the period ends the day before. */
  periodEnd: string | null;
  source: string;
}

export interface PreviewPayer {
  payerId: string;
  payerName: string;
  total: Amount;
  lines: PreviewLine[];
}

export interface RunResult extends RunTotals {
  runId: string | null;
  asOf: string;
  kind: 'daily' | 'cycle';
  dryRun: boolean;
  status: 'done' | 'failed';
  preview?: PreviewPayer[];
}

export interface CycleResult extends RunResult {
  periodStart: string;
  periodEnd: string;
}

export interface BillingRun {
  id: string;
  kind: string;
  asOf: string;
  /** queued | running | done | failed */
  status: string;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  progress: { done: number; total: number };
  invoices: number;
  lines: number;
  total: Amount;
  summary: RunTotals | null;
  error: string | null;
}
