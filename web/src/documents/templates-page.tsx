import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, ColorInput, Grid, Group, NumberInput, Paper, Select, Skeleton, Stack, Switch, Table, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../ui/api.ts';
import { ConfirmButton, ErrorState, FormError, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { DOCUMENT_KINDS, TEMPLATE_LANGUAGES, type DocumentKind, type DocumentTemplate, type TemplateContent, type TemplateVariable } from './types.ts';

const KEY = 'document-templates';
const parse = (raw: Record<string, unknown>) => ({ kind: oneOf(raw.kind, DOCUMENT_KINDS) ?? ('invoice' as const) });

/** The {{variables}} a template may use, each with what it means and an example; a click copies it into the last text box used. */
export const VariableList = ({ variables, onInsert }: { variables: TemplateVariable[]; onInsert?: (token: string) => void }) => {
  const t = useT();
  return (
    <Paper withBorder p="sm" radius="md" data-testid="template-variables">
      <Text size="sm" fw={600} mb={4}>
        {t('documents.templates.variables')}
      </Text>
      <Text size="xs" c="dimmed" mb="xs">
        {t('documents.templates.variablesHint')}
      </Text>
      <Table verticalSpacing={3} fz="xs" style={{ tableLayout: 'fixed', width: '100%' }}>
        <Table.Tbody>
          {variables.map((v) => (
            <Table.Tr key={v.name}>
              <Table.Td w="46%" style={{ verticalAlign: 'top', overflowWrap: 'anywhere' }}>
                {onInsert ? (
                  <Button size="compact-xs" variant="subtle" px={4} className="gh-mono" h="auto" styles={{ label: { whiteSpace: 'normal', overflowWrap: 'anywhere', textAlign: 'left' } }} onClick={() => onInsert(`{{${v.name}}}`)}>
                    {`{{${v.name}}}`}
                  </Button>
                ) : (
                  <Text span className="gh-mono" fz="xs">{`{{${v.name}}}`}</Text>
                )}
              </Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                <Text fz="xs">{v.description}</Text>
                <Text fz="xs" c="dimmed">
                  {t('documents.templates.example', { example: v.example })}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
};

/** Every problem the server found (details.problems), or its message. */
export const ProblemsAlert = ({ error }: { error: unknown }) => {
  if (!error) return null;
  const problems = error instanceof ApiError ? ((error.details as { problems?: Array<{ field: string; message: string }> } | undefined)?.problems ?? []) : [];
  if (problems.length < 2) return <FormError error={error as Error} testId="template-error" />;
  return (
    <Alert color="red" variant="light" role="alert" data-testid="template-error">
      <Stack gap={2}>
        {problems.map((p, i) => (
          <Text size="sm" key={i}>
            {p.message}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
};

/** "Customized" or "Built-in", and who saved it last. */
export const TemplateStatus = ({ template }: { template: { customized: boolean; updatedAt: string | null; updatedBy: string | null } }) => {
  const t = useT();
  const fmt = useFormat();
  return (
    <Group gap="xs">
      <Badge variant="light" color={template.customized ? 'guild' : 'gray'}>
        {template.customized ? t('documents.templates.customized') : t('documents.templates.builtIn')}
      </Badge>
      {template.updatedAt && (
        <Text size="xs" c="dimmed">
          {t('documents.templates.updated', { when: fmt.dateTime(template.updatedAt), by: template.updatedBy ?? '' })}
        </Text>
      )}
    </Group>
  );
};

/** Back to the built-in text, after a confirmation; disabled while the template is not customized. */
export const ResetTemplateButton = ({ customized, onReset }: { customized: boolean; onReset: () => Promise<unknown> }) => {
  const t = useT();
  return (
    <ConfirmButton size="sm" variant="subtle" disabled={!customized} message={t('documents.templates.resetConfirm')} confirmLabel={t('documents.templates.reset')} onConfirm={onReset}>
      {t('documents.templates.reset')}
    </ConfirmButton>
  );
};

/** The preview box's heading: a title, and where the data came from on the right. */
export const PreviewHeading = ({ title, note }: { title: string; note: string }) => (
  <Group justify="space-between" mb={6}>
    <Text size="sm" fw={600}>
      {title}
    </Text>
    <Text size="xs" c="dimmed">
      {note}
    </Text>
  </Group>
);

type TextField = 'title' | 'introText' | 'paymentTerms' | 'footer';

const Editor = ({ template }: { template: DocumentTemplate }) => {
  const t = useT();
  const can = useCan();
  const canEdit = can('billing', 'update');
  const queryClient = useQueryClient();
  const [content, setContent] = useState<TemplateContent>(template.content);
  const [lastField, setLastField] = useState<TextField>('introText');
  const [debounced] = useDebouncedValue(content, 700);
  const [pdfUrl, setPdfUrl] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const urlRef = useRef<string | null>(null);
  useEffect(() => setContent(template.content), [template]);
  const preview = useMutation({
    mutationFn: (c: TemplateContent) => api.postBlob(`/document-templates/${template.kind}/preview`, { content: c }),
    meta: { inline: true },
    onSuccess: ({ blob, headers }) => {
      const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
      urlRef.current = url;
      setPdfUrl(url);
      setSource(headers.get('x-preview-source') ?? '');
    },
  });
  const { mutate: renderPreview } = preview;
  useEffect(() => renderPreview(debounced), [debounced, renderPreview]);
  useEffect(() => () => void (urlRef.current && URL.revokeObjectURL(urlRef.current)), []);
  const save = useMutation({
    mutationFn: () => api.put<DocumentTemplate>(`/document-templates/${template.kind}`, { content, version: template.version }),
    meta: { inline: true },
    onSuccess: async (saved) => {
      queryClient.setQueryData([KEY, saved.kind], saved);
      await queryClient.invalidateQueries({ queryKey: [KEY] });
      notifySuccess(t('documents.templates.saved'));
    },
  });
  const reset = useMutation({
    mutationFn: () => api.del<DocumentTemplate>(`/document-templates/${template.kind}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: [KEY] });
      notifySuccess(t('documents.templates.resetDone'));
    },
  });
  const set = <K extends keyof TemplateContent>(k: K, v: TemplateContent[K]) => setContent((c) => ({ ...c, [k]: v }));
  const changed = JSON.stringify(content) !== JSON.stringify(template.content);
  const text = (field: TextField, label: string, rows: number) =>
    field === 'title' ? (
      <TextInput label={label} value={content.title} onChange={(e) => set('title', e.currentTarget.value)} onFocus={() => setLastField('title')} readOnly={!canEdit} placeholder={t('documents.templates.titlePlaceholder')} />
    ) : (
      <Textarea label={label} value={content[field]} onChange={(e) => set(field, e.currentTarget.value)} onFocus={() => setLastField(field)} autosize minRows={rows} maxRows={10} readOnly={!canEdit} />
    );
  const sourceText = source.startsWith('invoice:') ? t('documents.templates.sourceInvoice') : source.startsWith('contact:') ? t('documents.templates.sourceContact') : source === 'sample' ? t('documents.templates.sourceSample') : '';
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Stack gap="sm">
          <TemplateStatus template={template} />
          <ProblemsAlert error={save.error} />
          {text('title', t('documents.templates.field.title'), 1)}
          {text('introText', t('documents.templates.field.introText'), 3)}
          {text('paymentTerms', t('documents.templates.field.paymentTerms'), 3)}
          {text('footer', t('documents.templates.field.footer'), 2)}
          <Group grow align="flex-start">
            <ColorInput label={t('documents.templates.field.accentColor')} value={content.accentColor} onChange={(v) => set('accentColor', v)} format="hex" readOnly={!canEdit} />
            <Select
              label={t('documents.templates.field.language')}
              value={content.language}
              onChange={(v) => v && set('language', v as TemplateContent['language'])}
              data={TEMPLATE_LANGUAGES.map((l) => ({ value: l, label: t(`documents.templates.language.${l}`) }))}
              readOnly={!canEdit}
              allowDeselect={false}
            />
          </Group>
          <Group grow align="flex-end">
            <Switch label={t('documents.templates.field.showLogo')} checked={content.showLogo} onChange={(e) => set('showLogo', e.currentTarget.checked)} disabled={!canEdit} mb={8} />
            <NumberInput label={t('documents.templates.field.logoWidth')} value={content.logoWidth} onChange={(v) => set('logoWidth', typeof v === 'number' ? v : Number(v) || 0)} min={40} max={250} disabled={!content.showLogo || !canEdit} />
          </Group>
          <Text size="xs" c="dimmed">
            {t('documents.templates.logoHint')}
          </Text>
          {canEdit && (
            <Group justify="space-between">
              <ResetTemplateButton customized={template.customized} onReset={() => reset.mutateAsync()} />
              <Group gap="xs">
                <Button variant="default" disabled={!changed} onClick={() => setContent(template.content)}>
                  {t('documents.templates.discard')}
                </Button>
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!changed} data-testid="template-save">
                  {t('common.save')}
                </Button>
              </Group>
            </Group>
          )}
          <VariableList variables={template.variables} onInsert={canEdit ? (token) => set(lastField, `${content[lastField]}${token}`) : undefined} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Paper withBorder p="sm" radius="md">
          <PreviewHeading title={t('documents.templates.preview')} note={preview.isPending ? t('documents.templates.rendering') : sourceText} />
          <ProblemsAlert error={preview.error} />
          {pdfUrl ? (
            <iframe title={t('documents.templates.preview')} src={pdfUrl} data-testid="template-preview" style={{ width: '100%', height: 820, border: '1px solid var(--gh-border)', borderRadius: 6, background: '#f4f4f4', opacity: preview.isPending ? 0.6 : 1 }} />
          ) : (
            <Skeleton h={820} />
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
};

/** Billing → Templates: the invoice, credit note and statement documents, edited with a live preview on real data. */
export const TemplatesPage = () => {
  const t = useT();
  const [search, setSearch] = useUrlSearch(parse);
  const kind: DocumentKind = search.kind;
  const template = useQuery({ queryKey: [KEY, kind], queryFn: () => api.get<DocumentTemplate>(`/document-templates/${kind}`) });
  return (
    <Page title={t('documents.templates.title')} intro={t('documents.templates.intro')}>
      <Stack gap="md">
        <Tabs value={kind} onChange={(v) => v && setSearch({ kind: v })}>
          <Tabs.List>
            {DOCUMENT_KINDS.map((k) => (
              <Tabs.Tab key={k} value={k}>
                {t(`documents.templates.kind.${k}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
        {template.error ? <ErrorState error={template.error} onRetry={() => void template.refetch()} /> : null}
        {template.data ? <Editor key={kind} template={template.data} /> : !template.error && <Skeleton h={400} />}
      </Stack>
    </Page>
  );
};

