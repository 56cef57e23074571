import { useEffect, useRef, type ReactNode } from 'react';
import { ActionIcon, Badge, Button, Group, Menu, Progress, Table, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, downloadUrl } from '../ui/api.ts';
import { AreaTabs } from '../ui/area-tabs.tsx';
import { AppLink } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconCheck, IconAlert, IconChevronDown, IconDownload, IconRefresh } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import type { MessageKey } from '../ui/i18n.ts';
import { ENTRY_KINDS, type LatestCheck, type LedgerCheck, type Money } from './types.ts';

export const LEDGER_KEY = 'ledger';
export const num = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

/** Refreshes every ledger query (after a posting, an import or a journal). */
export const useInvalidateLedger = () => {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: [LEDGER_KEY] });
};

export const entryKindLabel = (t: Translate, kind: string) => (ENTRY_KINDS.includes(kind as never) ? t(`ledger.kind.${kind as (typeof ENTRY_KINDS)[number]}`) : kind);

/** Money, or a dimmed dash for zero (debit/credit columns read better that way). */
export const MoneyCell = ({ m, dimZero = true, fw }: { m: Money; dimZero?: boolean; fw?: number }) => {
  const fmt = useFormat();
  if (dimZero && m.minor === '0')
    return (
      <Text size="sm" c="dimmed" span>
        –
      </Text>
    );
  return (
    <Text size="sm" style={num} span fw={fw} c={m.minor.startsWith('-') ? 'red.7' : undefined}>
      {fmt.money(m.minor, m.currency)}
    </Text>
  );
};

/** A money cell, right-aligned (debit/credit/balance columns). */
export const MoneyTd = ({ m, dimZero, fw, testId }: { m: Money; dimZero?: boolean; fw?: number; testId?: string }) => (
  <Table.Td ta="right" data-testid={testId}>
    <MoneyCell m={m} dimZero={dimZero} fw={fw} />
  </Table.Td>
);

/** "1500 Receivables": the account code in mono (a link to its entries when `href` is given), the name dimmed. */
export const AccountLabel = ({ code, name, href, span, pl }: { code: string; name: string; href?: string; span?: boolean; pl?: string | number }) => {
  const mono = <span className="gh-mono">{code}</span>;
  return (
    <Text size="sm" span={span} pl={pl}>
      {href ? <AppLink href={href}>{mono}</AppLink> : mono}{' '}
      <Text span size="sm" c="dimmed">
        {name}
      </Text>
    </Text>
  );
};

/** The closing "Total" row of a ledger table; `children` are the cells after the label. */
export const TotalRow = ({ fw = 650, children }: { fw?: number; children: ReactNode }) => {
  const t = useT();
  return (
    <Table.Tr style={{ borderTop: '2px solid var(--gh-border)' }}>
      <Table.Td>
        <Text size="sm" fw={fw}>
          {t('ledger.total')}
        </Text>
      </Table.Td>
      {children}
    </Table.Tr>
  );
};

/** A check stored this long ago, with entries posted since, is run again when a ledger page opens. */
const RECHECK_AFTER_MS = 15 * 60 * 1000;

/**
 * Chain intact / first bad entry, and whether the books check out, from the latest stored check
 * (the server runs it off its request thread; nightly, and from here). A page starts a check when
 * none has run yet or the last is over 15 minutes old with entries posted since; "Check now" starts
 * one at any time. While one runs it shows how far it has got.
 */
export const LedgerStatus = () => {
  const t = useT();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const latest = useQuery({
    queryKey: [LEDGER_KEY, 'checks', 'latest'],
    queryFn: () => api.get<LatestCheck>('/ledger/checks/latest'),
    refetchInterval: (q) => (q.state.data?.check?.status === 'running' ? 1000 : false),
  });
  const start = useMutation({
    mutationFn: () => api.post<LedgerCheck>('/ledger/checks'),
    onSuccess: (check) => queryClient.setQueryData<LatestCheck>([LEDGER_KEY, 'checks', 'latest'], (old) => ({ check, headSeq: old?.headSeq ?? check.headSeq ?? 0 })),
  });
  const data = latest.data;
  const c = data?.check ?? null;
  const due = !!data && (!c || (c.status !== 'running' && data.headSeq !== c.headSeq && Date.now() - Date.parse(c.finishedAt ?? c.startedAt) > RECHECK_AFTER_MS));
  const asked = useRef(false);
  useEffect(() => {
    if (due && !asked.current) {
      asked.current = true;
      start.mutate();
    }
  }, [due, start]);
  if (!data) return null;
  const since = c && c.headSeq !== null ? Math.max(0, data.headSeq - c.headSeq) : 0;
  const when = c ? t(since ? 'ledger.check.whenSince' : 'ledger.check.when', { when: fmt.dateTime(c.finishedAt ?? c.startedAt), since: fmt.number(since) }) : '';
  const v = c?.verification;
  const again = (
    <Tooltip withinPortal label={t('ledger.check.now')}>
      <ActionIcon variant="subtle" size="sm" aria-label={t('ledger.check.now')} loading={start.isPending} disabled={c?.status === 'running'} onClick={() => start.mutate()} data-testid="ledger-check-now">
        <IconRefresh size={14} />
      </ActionIcon>
    </Tooltip>
  );
  return (
    <Group gap={6} data-testid="ledger-status">
      {!c || c.status === 'running' ? (
        <Group gap={6} data-testid="ledger-checking">
          <Badge variant="light" color="gray">
            {t('ledger.check.running', { percent: fmt.number(Math.floor((c?.progress ?? 0) * 100)) })}
          </Badge>
          <Progress value={(c?.progress ?? 0) * 100} w={80} size="sm" aria-label={t('ledger.check.progress')} />
        </Group>
      ) : c.status === 'failed' ? (
        <Tooltip multiline w={320} withinPortal label={`${c.error ?? ''} ${when}`}>
          <Badge variant="light" color="red" leftSection={<IconAlert size={12} />} data-testid="ledger-check" style={{ cursor: 'help' }}>
            {t('ledger.check.failed')}
          </Badge>
        </Tooltip>
      ) : (
        <>
          {v && (
            <Tooltip
              multiline
              w={320}
              withinPortal
              label={`${v.ok ? t('ledger.verify.okHint', { entries: fmt.number(v.entries), journals: fmt.number(v.journals), hash: v.head ? v.head.hash.slice(0, 12) : '—' }) : (v.firstBad?.message ?? '')} ${when}`}
            >
              <Badge
                variant="light"
                color={v.ok ? 'green' : 'red'}
                leftSection={v.ok ? <IconCheck size={12} /> : <IconAlert size={12} />}
                data-testid="ledger-verify"
                style={{ cursor: 'help' }}
              >
                {v.ok
                  ? t('ledger.verify.ok')
                  : v.firstBad
                    ? t(v.firstBad.type === 'journal' ? 'ledger.verify.badJournal' : 'ledger.verify.badEntry', { seq: v.firstBad.seq })
                    : t('ledger.verify.bad')}
              </Badge>
            </Tooltip>
          )}
          <Tooltip multiline w={360} withinPortal label={`${c.ok ? t('ledger.check.okHint') : (c.violations ?? []).slice(0, 5).join(' · ')} ${when}`}>
            <Badge variant="light" color={c.ok ? 'green' : 'red'} leftSection={c.ok ? <IconCheck size={12} /> : <IconAlert size={12} />} data-testid="ledger-check" style={{ cursor: 'help' }}>
              {c.ok ? t('ledger.check.ok') : t('ledger.check.bad', { count: (c.violations ?? []).length })}
            </Badge>
          </Tooltip>
          {since > 0 && (
            <Text size="xs" c="dimmed" data-testid="ledger-check-since">
              {t('ledger.check.newSince', { count: fmt.number(since) })}
            </Text>
          )}
        </>
      )}
      {c && again}
    </Group>
  );
};

export const ExportMenu = ({ to }: { to?: string }) => {
  const t = useT();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" size="xs" leftSection={<IconDownload size={14} />} rightSection={<IconChevronDown size={12} />}>
          {t('ledger.export')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component="a" href={downloadUrl('/ledger/export', { format: 'hledger', to })} download>
          {t('ledger.export.hledger')}
        </Menu.Item>
        <Menu.Item component="a" href={downloadUrl('/ledger/export', { format: 'csv', to })} download>
          {t('ledger.export.csv')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
};

const LEDGER_PAGES: Array<{ path: string; label: MessageKey }> = [
  { path: '/ledger/trial-balance', label: 'ledger.tab.trialBalance' },
  { path: '/ledger/entries', label: 'ledger.tab.entries' },
  { path: '/ledger/journals', label: 'ledger.tab.journals' },
  { path: '/ledger/accounts', label: 'ledger.tab.accounts' },
  { path: '/ledger/holding', label: 'ledger.tab.holding' },
];

/** The Ledger area: tabs, the chain status and the export on every page. */
export const LedgerArea = () => {
  const t = useT();
  return (
    <AreaTabs
      area="ledger"
      label={t('ledger.area')}
      pages={LEDGER_PAGES}
      aside={
        <Group gap="sm">
          <LedgerStatus />
          <ExportMenu />
        </Group>
      }
    />
  );
};
