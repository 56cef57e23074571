import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  FileButton,
  Group,
  Input,
  Pagination,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Switch,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, FormError, Page, RequireAccess } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconCheck, IconFile, IconUpload } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { str, useUrlSearch } from '../ui/search.ts';
import type { Paged } from '../ui/types.ts';
import { BackLink, plural, useInvalidateContacts } from './shared.tsx';
import type { MessageKey } from '../ui/i18n.ts';
import type { ImportAction, ImportAnalysis, ImportOptions, ImportReport, ImportReportRow, ImportStatus, ImportSummary, ImportUpload, MatchOn } from './types.ts';

const ACTIONS: readonly ImportAction[] = ['create', 'update', 'skip', 'error'];
const ACTION_COLORS: Record<ImportAction, string> = { create: 'green', update: 'blue', skip: 'gray', error: 'red' };
const MAX_BYTES = 50 * 1024 * 1024;
const REPORT_PAGE = 50;

const separatorName = (t: Translate, sep: string) =>
  sep === ',' ? t('contacts.import.sep.comma') : sep === ';' ? t('contacts.import.sep.semicolon') : sep === '\t' ? t('contacts.import.sep.tab') : sep;

const ActionBadge = ({ action, t }: { action: ImportAction; t: Translate }) => (
  <Badge size="sm" variant="light" color={ACTION_COLORS[action]}>
    {t(`contacts.import.action.${action}`)}
  </Badge>
);

/** Counts of each fate, doubling as the filter of the rows below. */
const CountFilter = ({ counts, value, onChange, t, done }: { counts: ImportReport['counts']; value: ImportAction | 'all'; onChange: (v: ImportAction | 'all') => void; t: Translate; done: boolean }) => {
  const n: Record<ImportAction, number> = { create: counts.created, update: counts.updated, skip: counts.skipped, error: counts.errors };
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="import-counts">
      {ACTIONS.map((a) => (
        <Paper
          key={a}
          withBorder
          p="sm"
          component="button"
          type="button"
          onClick={() => onChange(value === a ? 'all' : a)}
          aria-pressed={value === a}
          style={{ cursor: 'pointer', textAlign: 'left', borderColor: value === a ? `var(--mantine-color-${ACTION_COLORS[a]}-5)` : undefined, background: value === a ? `var(--mantine-color-${ACTION_COLORS[a]}-0)` : undefined }}
          data-testid={`count-${a}`}
        >
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t(done ? `contacts.import.counts.${a}` : `contacts.import.will.${a}`)}
          </Text>
          <Text fz={24} fw={650} c={n[a] > 0 ? ACTION_COLORS[a] === 'gray' ? undefined : `${ACTION_COLORS[a]}.8` : 'dimmed'}>
            {n[a]}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
};

/** Every row's fate, filterable by fate and paged here (the report can hold thousands of rows). */
const ReportTable = ({ report, t, initial = 'all', done = false }: { report: ImportReport; t: Translate; initial?: ImportAction | 'all'; done?: boolean }) => {
  const [filter, setFilter] = useState<ImportAction | 'all'>(initial);
  const [page, setPage] = useState(1);
  const rows = useMemo(() => report.rows.filter((r) => filter === 'all' || r.action === filter).sort((a, b) => a.line - b.line), [report, filter]);
  const pages = Math.max(1, Math.ceil(rows.length / REPORT_PAGE));
  const shown = rows.slice((page - 1) * REPORT_PAGE, page * REPORT_PAGE);
  useEffect(() => setPage(1), [filter]);
  return (
    <Stack gap="sm">
      <CountFilter counts={report.counts} value={filter} onChange={setFilter} t={t} done={done} />
      <Paper withBorder style={{ overflow: 'hidden' }}>
        <Table className="gh-table" verticalSpacing={7} horizontalSpacing="md" data-testid="import-report">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>{t('contacts.import.line')}</Table.Th>
              <Table.Th w={130}>{t('contacts.import.fate')}</Table.Th>
              <Table.Th>{t('contacts.import.reason')}</Table.Th>
              <Table.Th w={140}>{t('contacts.memberNumber')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((r: ImportReportRow) => (
              <Table.Tr key={`${r.line}-${r.action}`} data-line={r.line}>
                <Table.Td className="gh-mono">{r.line}</Table.Td>
                <Table.Td>
                  <ActionBadge action={r.action} t={t} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={r.action === 'error' ? 'red.8' : undefined}>
                    {r.reason ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {r.contactId ? (
                    <AppLink href={`/contacts/${r.contactId}`}>{r.memberNumber ? `#${r.memberNumber}` : t('contacts.import.open')}</AppLink>
                  ) : r.memberNumber ? (
                    <Text size="sm" className="gh-mono">
                      #{r.memberNumber}
                    </Text>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
            {shown.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed" ta="center" py="md">
                    {t('contacts.import.noRows')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
        {pages > 1 && (
          <Group justify="flex-end" px="sm" py={8} style={{ borderTop: '1px solid var(--gh-border)' }}>
            <Pagination size="sm" total={pages} value={page} onChange={setPage} />
          </Group>
        )}
      </Paper>
    </Stack>
  );
};

// ---------------------------------------------------------------- step 1: upload

const UploadStep = ({ onUploaded }: { onUploaded: (u: ImportUpload) => void }) => {
  const t = useT();
  const fmt = useFormat();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [dragging, setDragging] = useState(false);
  const resetRef = useRef<() => void>(null);
  const start = async (f: File) => {
    setFile(f);
    setError(null);
    if (f.size > MAX_BYTES) {
      setError(new Error(t('contacts.import.tooBig')));
      return;
    }
    setProgress(0);
    try {
      const u = await api.upload<ImportUpload>('/contacts/imports', f, setProgress, { filename: f.name });
      onUploaded(u);
    } catch (e) {
      setError(e as Error);
      setProgress(null);
      resetRef.current?.();
    }
  };
  const busy = progress !== null && !error;
  return (
    <Stack>
      <Paper
        withBorder
        p="xl"
        style={{ borderStyle: 'dashed', borderWidth: 2, borderColor: dragging ? 'var(--mantine-color-guild-5)' : undefined, background: dragging ? 'var(--mantine-color-guild-0)' : 'white' }}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const f = e.dataTransfer.files[0];
          if (f && !busy) void start(f);
        }}
        data-testid="import-dropzone"
      >
        <Stack align="center" gap="sm">
          <ThemeIcon size={48} radius="xl" variant="light">
            <IconUpload size={24} />
          </ThemeIcon>
          <Text fw={600}>{t('contacts.import.dropTitle')}</Text>
          <Text size="sm" c="dimmed" ta="center" maw={520}>
            {t('contacts.import.dropHint')}
          </Text>
          <FileButton onChange={(f) => f && void start(f)} accept=".csv,.txt,text/csv,text/plain" resetRef={resetRef} disabled={busy}>
            {(props) => (
              <Button {...props} leftSection={<IconFile size={16} />} disabled={busy}>
                {t('contacts.import.choose')}
              </Button>
            )}
          </FileButton>
        </Stack>
      </Paper>
      {file && progress !== null && (
        <Paper withBorder p="md" data-testid="upload-progress">
          <Group justify="space-between" mb={6}>
            <Text size="sm" fw={500}>
              {file.name}
            </Text>
            <Text size="sm" c="dimmed">
              {fmt.bytes(file.size)} · {Math.round(progress * 100)} %
            </Text>
          </Group>
          <Progress value={progress * 100} size="lg" radius="xl" animated={progress < 1} aria-label={t('contacts.import.uploading')} />
          <Text size="xs" c="dimmed" mt={6}>
            {progress < 1 ? t('contacts.import.uploading') : t('contacts.import.analysing')}
          </Text>
        </Paper>
      )}
      <FormError error={error} testId="upload-error" />
    </Stack>
  );
};

// ---------------------------------------------------------------- step 2: mapping

type FieldOption = { value: string; label: string };

// The server names its import fields in English; the common ones are shown in the user's language.
const FIELD_LABELS: Record<string, MessageKey> = {
  memberNumber: 'contacts.memberNumber',
  salutation: 'contacts.field.salutation',
  firstNames: 'contacts.field.firstNames',
  initial: 'contacts.field.initial',
  lastName: 'contacts.field.lastName',
  birthDate: 'contacts.field.birthDate',
  gender: 'contacts.field.gender',
  orgName: 'contacts.field.orgName',
  orgNumber: 'contacts.field.orgNumber',
  vatNumber: 'contacts.field.vatNumber',
  postcode: 'contacts.field.postcode',
  place: 'contacts.field.place',
  region: 'contacts.field.region',
  country: 'contacts.field.country',
  phoneMobile: 'contacts.field.phoneMobile',
  phoneHome: 'contacts.field.phoneHome',
  phoneWork: 'contacts.field.phoneWork',
  email: 'common.email',
  note: 'contacts.field.note',
  tags: 'contacts.tags',
  'consents.statutes': 'contacts.consent.statutes',
  'consents.data_processing': 'contacts.consent.data_processing',
  'consents.info_email': 'contacts.consent.info_email',
  'consents.info_sms': 'contacts.consent.info_sms',
};

const groupFields = (t: Translate, fields: ImportUpload['fields']) => {
  const groups: Record<string, FieldOption[]> = { contact: [], custom: [], consent: [], other: [] };
  for (const f of fields) {
    const g = f.key.startsWith('customFields.') ? 'custom' : f.key.startsWith('consent') ? 'consent' : f.key === 'tags' ? 'other' : 'contact';
    const known = FIELD_LABELS[f.key];
    groups[g]!.push({ value: f.key, label: known ? t(known) : f.label });
  }
  return [
    { group: t('contacts.import.group.contact'), items: groups.contact! },
    { group: t('contacts.import.group.custom'), items: groups.custom! },
    { group: t('contacts.import.group.consent'), items: groups.consent! },
    { group: t('contacts.import.group.other'), items: groups.other! },
  ].filter((g) => g.items.length > 0);
};

const MappingStep = ({
  upload,
  mapping,
  setMapping,
  options,
  setOptions,
}: {
  upload: ImportUpload;
  mapping: Record<string, string | null>;
  setMapping: (m: Record<string, string | null>) => void;
  options: ImportOptions;
  setOptions: (o: ImportOptions) => void;
}) => {
  const t = useT();
  const fmt = useFormat();
  const data = useMemo(() => groupFields(t, upload.fields), [t, upload.fields]);
  const used = new Map<string, number>();
  for (const v of Object.values(mapping)) if (v) used.set(v, (used.get(v) ?? 0) + 1);
  const sample = upload.sample.slice(0, 5);
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <Group gap="xl" wrap="wrap" data-testid="import-detected">
          <Box>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t('contacts.import.file')}
            </Text>
            <Text size="sm" fw={500}>
              {upload.filename}
            </Text>
          </Box>
          <Box>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t('contacts.import.encoding')}
            </Text>
            <Text size="sm" fw={500} data-testid="detected-encoding">
              {upload.encoding}
            </Text>
          </Box>
          <Box>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t('contacts.import.separator')}
            </Text>
            <Text size="sm" fw={500} data-testid="detected-separator">
              {separatorName(t, upload.separator)} <Code>{upload.separator === '\t' ? '\\t' : upload.separator}</Code>
            </Text>
          </Box>
          <Box>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t('contacts.import.rows')}
            </Text>
            <Text size="sm" fw={500}>
              {fmt.number(upload.rowCount)}
            </Text>
          </Box>
        </Group>
      </Paper>

      <Box>
        <Title order={2} fz={16} mb={4}>
          {t('contacts.import.mapTitle')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('contacts.import.mapIntro')}
        </Text>
        <Paper withBorder style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={700} type="native">
            <Table className="gh-table" verticalSpacing={6} horizontalSpacing="md" data-testid="import-mapping">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="24%">{t('contacts.import.column')}</Table.Th>
                  <Table.Th w="30%">{t('contacts.import.field')}</Table.Th>
                  <Table.Th>{t('contacts.import.sample')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {upload.columns.map((col, i) => {
                  const v = mapping[col] ?? null;
                  const dup = v !== null && (used.get(v) ?? 0) > 1;
                  return (
                    <Table.Tr key={`${col}-${i}`} data-column={col}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {col || t('contacts.import.unnamed', { n: i + 1 })}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          size="xs"
                          aria-label={t('contacts.import.fieldFor', { column: col })}
                          data={data}
                          value={v}
                          onChange={(nv) => setMapping({ ...mapping, [col]: nv })}
                          placeholder={t('contacts.import.skipColumn')}
                          clearable
                          searchable
                          error={dup ? t('contacts.import.duplicate') : undefined}
                          comboboxProps={{ withinPortal: true }}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" c="dimmed" truncate maw={420}>
                          {sample
                            .map((r) => r[i] ?? '')
                            .filter((x) => x !== '')
                            .slice(0, 3)
                            .join(' · ')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      </Box>

      <Box>
        <Title order={2} fz={16} mb="sm">
          {t('contacts.import.optionsTitle')}
        </Title>
        <Paper withBorder p="md">
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
            <Input.Wrapper label={t('contacts.import.matchOn')} description={t('contacts.import.matchHint')} inputWrapperOrder={['label', 'input', 'description']}>
              <SegmentedControl
                fullWidth
                size="xs"
                aria-label={t('contacts.import.matchOn')}
                value={options.matchOn}
                onChange={(v) => setOptions({ ...options, matchOn: v as MatchOn })}
                data={[
                  { value: 'memberNumber', label: t('contacts.memberNumber') },
                  { value: 'email', label: t('common.email') },
                  { value: 'both', label: t('contacts.import.matchBoth') },
                ]}
              />
            </Input.Wrapper>
            <TextInput
              label={t('contacts.import.pseudoDomain')}
              description={t('contacts.import.pseudoDomainHint')}
              placeholder="noemail.example.org"
              value={options.pseudoEmailDomain ?? ''}
              onChange={(e) => setOptions({ ...options, pseudoEmailDomain: e.currentTarget.value })}
              error={options.pseudoEmailDomain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(options.pseudoEmailDomain.trim()) ? t('contacts.import.domainInvalid') : undefined}
            />
            <Switch
              mt={4}
              label={t('contacts.import.validOnly')}
              description={t('contacts.import.validOnlyHint')}
              checked={options.importValidRows}
              onChange={(e) => setOptions({ ...options, importValidRows: e.currentTarget.checked })}
            />
          </SimpleGrid>
        </Paper>
      </Box>
    </Stack>
  );
};

// ---------------------------------------------------------------- step 4: run

const RunStep = ({ id, onDone }: { id: string; onDone: (s: ImportStatus) => void }) => {
  const t = useT();
  const fmt = useFormat();
  const status = useQuery({
    queryKey: ['contacts', 'imports', id],
    queryFn: () => api.get<ImportStatus>(`/contacts/imports/${id}`),
    // Poll while it runs; the server keeps the progress in memory for exactly this.
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'running' ? false : 400),
    staleTime: 0,
  });
  const s = status.data;
  const finished = s && s.status !== 'running';
  useEffect(() => {
    if (s && finished) onDone(s);
  }, [finished]);
  const total = s?.progress.total || 0;
  const done = s?.progress.processed ?? 0;
  return (
    <Paper withBorder p="lg" data-testid="import-running">
      <Group justify="space-between" mb={6}>
        <Text fw={600}>{t('contacts.import.running')}</Text>
        <Text size="sm" c="dimmed">
          {t('contacts.import.progress', { done: fmt.number(done), total: fmt.number(total) })}
        </Text>
      </Group>
      <Progress value={total ? (done / total) * 100 : 5} size="lg" radius="xl" animated striped aria-label={t('contacts.import.running')} />
      <Text size="xs" c="dimmed" mt={6}>
        {t('contacts.import.runningHint')}
      </Text>
    </Paper>
  );
};

// ---------------------------------------------------------------- recent imports

const STATUS_COLORS: Record<ImportSummary['status'], string> = { analyzed: 'gray', running: 'blue', done: 'green', failed: 'red' };

/** The latest imports, to open one again: its report, its progress while it runs, or the step it was left at. */
const RecentImports = ({ onOpen }: { onOpen: (id: string) => void }) => {
  const t = useT();
  const fmt = useFormat();
  const list = useQuery({
    queryKey: ['contacts', 'imports', 'recent'],
    queryFn: () => api.get<Paged<ImportSummary>>('/contacts/imports', { pageSize: 10 }),
    refetchInterval: (q) => (q.state.data?.items.some((i) => i.status === 'running') ? 1000 : false),
  });
  const items = list.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Box>
      <Title order={2} fz={16} mb={4}>
        {t('contacts.import.recentTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('contacts.import.recentIntro')}
      </Text>
      <Paper withBorder style={{ overflow: 'hidden' }}>
        <Table className="gh-table" verticalSpacing={7} horizontalSpacing="md" highlightOnHover data-testid="recent-imports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contacts.import.file')}</Table.Th>
              <Table.Th w={140}>{t('contacts.import.status')}</Table.Th>
              <Table.Th w={150} ta="right">
                {t('contacts.import.rows')}
              </Table.Th>
              <Table.Th>{t('contacts.import.fate')}</Table.Th>
              <Table.Th>{t('contacts.import.by')}</Table.Th>
              <Table.Th w={170}>{t('contacts.import.uploaded')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i) => (
              <Table.Tr key={i.id} data-import={i.id} style={{ cursor: 'pointer' }} onClick={() => onOpen(i.id)}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" px={0} onClick={() => onOpen(i.id)}>
                    {i.filename}
                  </Button>
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={STATUS_COLORS[i.status]}>
                    {t(`contacts.import.status.${i.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right" className="gh-num">
                  {i.status === 'running' && i.processed !== null ? t('contacts.import.progress', { done: fmt.number(i.processed), total: fmt.number(i.rows) }) : fmt.number(i.rows)}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={i.created + i.updated ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                    {i.created + i.updated ? t('contacts.import.kept', { created: fmt.number(i.created), updated: fmt.number(i.updated) }) : '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {i.createdBy ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{fmt.dateTime(i.createdAt)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Box>
  );
};

// ---------------------------------------------------------------- wizard

const defaultOptions: ImportOptions = { importValidRows: false, matchOn: 'both', pseudoEmailDomain: '' };

const parseImportSearch = (raw: Record<string, unknown>) => ({ import: str(raw.import) });

/** What opening an import named in the address needs: its status, and for one not run yet the file's analysis. */
const openImport = async (id: string) => {
  const status = await api.get<ImportStatus>(`/contacts/imports/${id}`);
  const analysis = status.status === 'analyzed' ? await api.get<ImportAnalysis>(`/contacts/imports/${id}/analysis`) : null;
  return { status, analysis };
};

const ImportWizard = () => {
  const t = useT();
  const router = useRouter();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateContacts();
  // The import being worked on is in the address (?import=id), so a reload or a link comes back to it.
  const [search, setSearch] = useUrlSearch(parseImportSearch);
  const id = search.import;
  /** The import the steps below hold (null: none yet, or the address names another one still loading). */
  const [loaded, setLoaded] = useState<string | null>(null);
  const [step, setStep] = useState(0);
  const [upload, setUpload] = useState<ImportUpload | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [options, setOptions] = useState<ImportOptions>(defaultOptions);
  const [dryRun, setDryRun] = useState<ImportReport | null>(null);
  const [final, setFinal] = useState<ImportStatus | null>(null);
  const body = () => ({
    mapping: Object.fromEntries(Object.entries(mapping).filter(([, v]) => v)),
    options: { ...options, pseudoEmailDomain: options.pseudoEmailDomain?.trim() || undefined },
  });
  const dry = useMutation({
    mutationFn: () => api.post<ImportReport>(`/contacts/imports/${upload!.id}/dry-run`, body()),
    meta: { inline: true },
    onSuccess: (r) => {
      setDryRun(r);
      setStep(2);
    },
  });
  const run = useMutation({
    mutationFn: () => api.post<{ id: string; status: string }>(`/contacts/imports/${upload!.id}/run`, body()),
    meta: { inline: true },
    onSuccess: () => setStep(3),
  });
  const carryOn = useMutation({
    mutationFn: () => api.post<{ id: string; status: string }>(`/contacts/imports/${id}/continue`, {}),
    meta: { inline: true },
    onSuccess: () => {
      // The status polled before is the stopped run's; follow the new one from scratch.
      queryClient.removeQueries({ queryKey: ['contacts', 'imports', id] });
      setFinal(null);
      setStep(3);
    },
  });
  const reset = () => {
    setLoaded(null);
    setStep(0);
    setUpload(null);
    setMapping({});
    setOptions(defaultOptions);
    setDryRun(null);
    setFinal(null);
    dry.reset();
    run.reset();
    carryOn.reset();
  };
  const restart = () => {
    reset();
    setSearch({ import: undefined });
  };
  const opened = useQuery({
    queryKey: ['contacts', 'imports', id, 'open'],
    queryFn: () => openImport(id!),
    enabled: !!id && loaded !== id,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  useEffect(() => {
    const o = opened.data;
    if (!o || !id || loaded === id || o.status.id !== id) return;
    reset();
    if (o.analysis) {
      const a = o.analysis;
      setUpload(a);
      setMapping(Object.fromEntries(a.columns.map((c) => [c, a.suggestedMapping[c] ?? null])));
      setOptions({ ...defaultOptions, ...a.options });
      setStep(1);
    } else {
      if (o.status.status !== 'running') setFinal(o.status);
      setStep(3);
    }
    setLoaded(id);
  }, [opened.data, id, loaded]);
  // Back to the start when the address names no import (the browser's back button, the menu).
  useEffect(() => {
    if (!id && loaded) reset();
  }, [id]);
  const mapped = Object.values(mapping).filter(Boolean) as string[];
  const duplicates = mapped.length !== new Set(mapped).size;
  const errors = dryRun?.counts.errors ?? 0;
  const blocked = errors > 0 && !options.importValidRows;
  const willChange = dryRun ? dryRun.counts.created + dryRun.counts.updated : 0;
  const waiting = !!id && loaded !== id;

  return (
    <Stack gap="lg">
      <Stepper active={final ? 4 : step} size="sm" allowNextStepsSelect={false} onStepClick={(s) => step < 3 && setStep(s)}>
        <Stepper.Step label={t('contacts.import.step.upload')} />
        <Stepper.Step label={t('contacts.import.step.map')} />
        <Stepper.Step label={t('contacts.import.step.check')} />
        <Stepper.Step label={t('contacts.import.step.import')} />
      </Stepper>

      {waiting && (
        <>
          {opened.isError ? (
            <>
              <FormError error={opened.error} testId="open-import-error" />
              <Group>
                <Button variant="default" onClick={restart}>
                  {t('contacts.import.another')}
                </Button>
              </Group>
            </>
          ) : (
            <Progress value={100} animated striped size="sm" radius="xl" aria-label={t('contacts.import.analysing')} />
          )}
        </>
      )}

      {!waiting && step === 0 && (
        <>
          <UploadStep
            onUploaded={(u) => {
              setUpload(u);
              setMapping(Object.fromEntries(u.columns.map((c) => [c, u.suggestedMapping[c] ?? null])));
              setDryRun(null);
              setStep(1);
              setLoaded(u.id);
              setSearch({ import: u.id });
            }}
          />
          <RecentImports onOpen={(openId) => setSearch({ import: openId })} />
        </>
      )}

      {!waiting && step === 1 && upload && (
        <>
          <MappingStep upload={upload} mapping={mapping} setMapping={setMapping} options={options} setOptions={setOptions} />
          <FormError error={dry.error} testId="dry-run-error" />
          <Group justify="space-between">
            <Button variant="default" onClick={restart}>
              {t('contacts.import.otherFile')}
            </Button>
            <Button onClick={() => dry.mutate()} loading={dry.isPending} disabled={mapped.length === 0 || duplicates}>
              {t('contacts.import.dryRun')}
            </Button>
          </Group>
        </>
      )}

      {!waiting && step === 2 && dryRun && (
        <>
          <Box>
            <Title order={2} fz={16} mb={4}>
              {t('contacts.import.checkTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('contacts.import.checkIntro')}
            </Text>
          </Box>
          {errors > 0 && (
            <Alert color={options.importValidRows ? 'yellow' : 'red'} variant="light" icon={<IconAlert size={16} />} data-testid="dry-run-errors">
              <Stack gap="xs">
                <Text size="sm">{options.importValidRows ? t(plural(errors, 'contacts.import.errorsSkipped', 'contacts.import.errorsSkippedOne'), { count: errors }) : t(plural(errors, 'contacts.import.errorsBlock', 'contacts.import.errorsBlockOne'), { count: errors })}</Text>
                <Switch
                  label={t('contacts.import.validOnly')}
                  checked={options.importValidRows}
                  onChange={(e) => setOptions({ ...options, importValidRows: e.currentTarget.checked })}
                />
              </Stack>
            </Alert>
          )}
          <ReportTable report={dryRun} t={t} initial={errors > 0 ? 'error' : 'all'} />
          <FormError error={run.error} testId="run-error" />
          <Group justify="space-between">
            <Button variant="default" onClick={() => setStep(1)}>
              {t('contacts.import.backToMapping')}
            </Button>
            <Button onClick={() => run.mutate()} loading={run.isPending} disabled={blocked || willChange === 0}>
              {t(plural(willChange, 'contacts.import.runButton', 'contacts.import.runButtonOne'), { count: willChange })}
            </Button>
          </Group>
        </>
      )}

      {!waiting && step === 3 && id && !final && (
        <RunStep
          id={id}
          onDone={(s) => {
            setFinal(s);
            void invalidate();
          }}
        />
      )}

      {!waiting && step === 3 && final && (
        <Stack gap="md" data-testid="import-final">
          {final.status === 'done' ? (
            <Alert color="green" variant="light" icon={<IconCheck size={16} />} title={t('contacts.import.doneTitle')}>
              {t('contacts.import.doneText', { created: final.counts.created, updated: final.counts.updated, skipped: final.counts.skipped + final.counts.errors })}
            </Alert>
          ) : (
            <Alert color="red" variant="light" icon={<IconAlert size={16} />} title={t('contacts.import.failedTitle')}>
              {final.message ?? final.report?.message ?? t('contacts.import.failedText')}
            </Alert>
          )}
          {final.canContinue && (
            <Paper withBorder p="md" data-testid="import-continue">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm">{t('contacts.import.continueHint')}</Text>
                <Button onClick={() => carryOn.mutate()} loading={carryOn.isPending}>
                  {t('contacts.import.continue')}
                </Button>
              </Group>
              <FormError error={carryOn.error} testId="continue-error" />
            </Paper>
          )}
          {final.report && <ReportTable report={final.report} t={t} done />}
          <Group justify="flex-end">
            <Button variant="default" onClick={restart}>
              {t('contacts.import.another')}
            </Button>
            <Button onClick={() => void router.navigate({ href: '/contacts?sort=-createdAt' })}>{t('contacts.import.toList')}</Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
};

export const ImportPage = () => {
  const t = useT();
  return (
    <RequireAccess area="contacts" level="update">
      <BackLink href="/contacts" label={t('contacts.title')} />
      <Page title={t('contacts.import.title')} intro={t('contacts.import.intro')}>
        <ImportWizard />
      </Page>
    </RequireAccess>
  );
};
