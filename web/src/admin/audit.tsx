import { Alert, Anchor, Badge, Box, Button, Group, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { Page } from '../ui/components.tsx';
import { DataTable, FilterInput, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconCheck, IconHistory, IconShield } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import type { AuditEntry, AuditVerify } from '../ui/types.ts';

const ENTITY_TYPES = ['setting', 'staff_user', 'access_group', 'api_key', 'job'];
const ACTIONS = ['create', 'update', 'delete', 'reset', 'sign_in', 'change_password', 'revoke', 'retry'];

const ACTION_COLORS: Record<string, string> = { create: 'green', update: 'blue', delete: 'red', revoke: 'red', reset: 'orange' };

const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: '-seq' }),
  entityType: str(raw.entityType),
  entityId: str(raw.entityId),
  action: str(raw.action),
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 1));

/** Fields of before/after side by side; changed ones highlighted. Works for objects and plain values. */
export const AuditDiff = ({ before, after, t }: { before: unknown; after: unknown; t: Translate }) => {
  const b = isRecord(before) ? before : before === null || before === undefined ? {} : { value: before };
  const a = isRecord(after) ? after : after === null || after === undefined ? {} : { value: after };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  if (keys.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('audit.noChanges')}
      </Text>
    );
  }
  return (
    <Table withTableBorder withColumnBorders bg="white" fz="sm" verticalSpacing={6} data-testid="audit-diff">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="22%">{t('audit.field')}</Table.Th>
          <Table.Th w="39%">{t('audit.before')}</Table.Th>
          <Table.Th w="39%">{t('audit.after')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((k) => {
          const changed = JSON.stringify(b[k]) !== JSON.stringify(a[k]);
          return (
            <Table.Tr key={k}>
              <Table.Td>
                <Text className="gh-mono" fw={changed ? 600 : 400}>
                  {k}
                </Text>
              </Table.Td>
              <Table.Td className={changed && k in b ? 'gh-diff-removed' : undefined}>
                <pre className="gh-pre">{show(b[k])}</pre>
              </Table.Td>
              <Table.Td className={changed && k in a ? 'gh-diff-added' : undefined}>
                <pre className="gh-pre">{show(a[k])}</pre>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
};

export const changedFields = (before: unknown, after: unknown): string[] => {
  if (!isRecord(before) && !isRecord(after)) return [];
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
};

export const AuditPage = () => {
  const t = useT();
  const fmt = useFormat();
  const [search, setSearch] = useUrlSearch(parse);
  const list = useList<AuditEntry>('audit', '/audit', { ...search });
  const verify = useMutation({ mutationFn: () => api.get<AuditVerify & { firstBad?: { message?: string } }>('/audit/verify') });

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('audit.when'), sort: 'at', width: 150, render: (e) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{fmt.dateTime(e.at)}</Text> },
    {
      key: 'who',
      header: t('audit.who'),
      render: (e) => (
        <Text size="sm" truncate maw={200}>
          {e.actorName ?? (e.actorType === 'system' ? t('audit.system') : e.actorType === 'apikey' || e.actorType === 'api_key' ? t('audit.apiKey') : e.actorType)}
        </Text>
      ),
    },
    {
      key: 'entity',
      header: t('audit.entity'),
      render: (e) => (
        <Group gap={6} wrap="nowrap">
          <Badge color="gray" variant="light" tt="none" ff="monospace" size="sm">
            {e.entityType}
          </Badge>
          <Anchor
            size="sm"
            className="gh-mono"
            onClick={(ev) => {
              ev.stopPropagation();
              setSearch({ entityType: e.entityType, entityId: e.entityId, page: undefined });
            }}
            truncate
            maw={220}
          >
            {e.entityId}
          </Anchor>
        </Group>
      ),
    },
    {
      key: 'action',
      header: t('audit.action'),
      render: (e) => (
        <Badge color={ACTION_COLORS[e.action] ?? 'guild'} variant="light" tt="none" size="sm">
          {e.action}
        </Badge>
      ),
    },
    {
      key: 'fields',
      header: t('audit.changes'),
      render: (e) => {
        const fields = changedFields(e.before, e.after);
        return (
          <Text size="xs" c="dimmed" truncate maw={240}>
            {fields.join(', ')}
          </Text>
        );
      },
    },
    { key: 'seq', header: '#', sort: 'seq', align: 'right', width: 70, render: (e) => <Text size="xs" c="dimmed">{e.seq}</Text> },
  ];

  const filtered = Boolean(search.entityType || search.entityId || search.action);
  const clearFilters = () => setSearch({ entityType: undefined, entityId: undefined, action: undefined, q: undefined, page: undefined });
  return (
    <Page
      title={t('audit.title')}
      intro={t('audit.intro')}
      actions={
        <Button variant="default" leftSection={<IconShield size={16} />} loading={verify.isPending} onClick={() => verify.mutate()}>
          {t('audit.verify')}
        </Button>
      }
    >
      {verify.data && (
        <Alert
          mb="md"
          color={verify.data.ok ? 'green' : 'red'}
          variant="light"
          icon={verify.data.ok ? <IconCheck size={18} /> : <IconAlert size={18} />}
          withCloseButton
          onClose={() => verify.reset()}
          data-testid="verify-result"
        >
          {verify.data.ok
            ? t('audit.verifyOk', { count: fmt.number(verify.data.count) })
            : t('audit.verifyBad', { seq: verify.data.firstBad?.seq ?? '?', problem: verify.data.firstBad?.message ?? verify.data.firstBad?.problem ?? '' })}
        </Alert>
      )}
      <DataTable
        testId="audit-table"
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(e) => String(e.seq)}
        expand={(e) => (
          <Box>
            <AuditDiff before={e.before} after={e.after} t={t} />
            {e.requestId && (
              <Text size="xs" c="dimmed" mt={6} className="gh-mono">
                {t('audit.requestId', { id: e.requestId })}
              </Text>
            )}
          </Box>
        )}
        filters={
          <>
            <FilterInput label={t('audit.entityType')} options={ENTITY_TYPES} value={search.entityType} onCommit={(v) => setSearch({ entityType: v, page: undefined }, { replace: true })} />
            <FilterInput label={t('audit.entityId')} value={search.entityId} onCommit={(v) => setSearch({ entityId: v, page: undefined }, { replace: true })} width={220} />
            <FilterInput label={t('audit.action')} options={ACTIONS} value={search.action} onCommit={(v) => setSearch({ action: v, page: undefined }, { replace: true })} width={150} />
            {filtered && (
              <Button variant="subtle" size="sm" color="gray" onClick={clearFilters}>
                {t('common.clearFilters')}
              </Button>
            )}
          </>
        }
        filtered={filtered}
        onClearFilters={clearFilters}
        empty={{ title: t('audit.emptyTitle'), description: t('audit.emptyDescription'), icon: <IconHistory size={24} /> }}
      />
    </Page>
  );
};
