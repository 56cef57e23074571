import { useEffect, useState } from 'react';
import { Box, Button, Grid, Group, Paper, SegmentedControl, Skeleton, Stack, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { ErrorState, Page } from '../ui/components.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { PreviewHeading, ProblemsAlert, ResetTemplateButton, TemplateStatus, VariableList } from './templates-page.tsx';
import { MAIL_LANGUAGES, MAIL_TEMPLATE_KEYS, type MailPreview, type MailTemplate } from './types.ts';

const KEY = 'mail-templates';
const parse = (raw: Record<string, unknown>) => ({ key: oneOf(raw.key, MAIL_TEMPLATE_KEYS) ?? ('invoice' as const), language: oneOf(raw.language, MAIL_LANGUAGES) ?? ('en' as const) });

const PAGES = [
  { path: '/outbox', label: 'documents.comms.outbox' },
  { path: '/outbox/templates', label: 'documents.comms.templates' },
] as const;

/** The Communications area's pages (outbox, e-mail templates) as tabs above each. */
export const CommunicationsTabs = () => {
  const t = useT();
  const router = useRouter();
  const { pathname } = useLocation();
  return (
    <Box maw={1280} mx="auto" mb="lg">
      <Tabs value={pathname === '/outbox/templates' ? '/outbox/templates' : '/outbox'} variant="pills" radius="md" onChange={(v) => v && void router.navigate({ href: v })}>
        <Tabs.List aria-label={t('nav.communications')}>
          {PAGES.map((p) => (
            <Tabs.Tab key={p.path} value={p.path}>
              {t(p.label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
    </Box>
  );
};

const Editor = ({ template }: { template: MailTemplate }) => {
  const t = useT();
  const can = useCan();
  const canEdit = can('communications', 'update');
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const [lastField, setLastField] = useState<'subject' | 'body'>('body');
  useEffect(() => {
    setSubject(template.subject);
    setBody(template.body);
  }, [template]);
  const path = `/mail-templates/${template.key}/${template.language}`;
  const preview = useMutation({ mutationFn: () => api.post<MailPreview>(`${path}/preview`, { subject, body }), meta: { inline: true } });
  const save = useMutation({
    mutationFn: () => api.put<MailTemplate>(path, { subject, body, version: template.version }),
    meta: { inline: true },
    onSuccess: async (saved) => {
      queryClient.setQueryData([KEY, saved.key, saved.language], saved);
      notifySuccess(t('documents.templates.saved'));
    },
  });
  const reset = useMutation({
    mutationFn: () => api.del<MailTemplate>(path),
    onSuccess: async (r) => {
      queryClient.setQueryData([KEY, r.key, r.language], r);
      notifySuccess(t('documents.templates.resetDone'));
    },
  });
  const { mutate: renderPreview } = preview;
  // A first preview with the saved text, so the page shows real data at once.
  useEffect(() => renderPreview(), [template, renderPreview]);
  const changed = subject !== template.subject || body !== template.body;
  const p = preview.data;
  const sourceText = p ? (p.source === 'sample' ? t('documents.mail.sourceSample') : t('documents.mail.sourceReal', { source: t(`documents.mail.source.${p.source}`) })) : '';
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack gap="sm">
          <TemplateStatus template={template} />
          <ProblemsAlert error={save.error} />
          <TextInput label={t('documents.mail.subject')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} onFocus={() => setLastField('subject')} readOnly={!canEdit} data-testid="mail-subject" />
          <Textarea label={t('documents.mail.body')} value={body} onChange={(e) => setBody(e.currentTarget.value)} onFocus={() => setLastField('body')} autosize minRows={10} maxRows={24} readOnly={!canEdit} className="gh-mono-input" data-testid="mail-body" />
          <Group justify="space-between">
            {canEdit ? (
              <ResetTemplateButton customized={template.customized} onReset={() => reset.mutateAsync()} />
            ) : (
              <span />
            )}
            <Group gap="xs">
              <Button variant="default" onClick={() => preview.mutate()} loading={preview.isPending}>
                {t('documents.mail.preview')}
              </Button>
              {canEdit && (
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!changed} data-testid="mail-save">
                  {t('common.save')}
                </Button>
              )}
            </Group>
          </Group>
          <Paper withBorder p="md" radius="md" data-testid="mail-preview">
            <PreviewHeading title={t('documents.mail.previewTitle')} note={sourceText} />
            <ProblemsAlert error={preview.error} />
            {p && (
              <>
                <Text fw={600} mb={6}>
                  {p.subject}
                </Text>
                <pre className="gh-pre">{p.body}</pre>
              </>
            )}
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <VariableList
          variables={template.variables}
          onInsert={canEdit ? (token) => (lastField === 'subject' ? setSubject((s) => s + token) : setBody((b) => b + token)) : undefined}
        />
      </Grid.Col>
    </Grid>
  );
};

/** Communications → E-mail templates: invoice, credit note, receipt, statement and welcome, in English and Norwegian. */
export const MailTemplatesPage = () => {
  const t = useT();
  const [search, setSearch] = useUrlSearch(parse);
  const { key, language } = search;
  const template = useQuery({ queryKey: [KEY, key, language], queryFn: () => api.get<MailTemplate>(`/mail-templates/${key}/${language}`) });
  return (
    <>
      <CommunicationsTabs />
      <Page title={t('documents.mail.title')} intro={t('documents.mail.intro')}>
        <Stack gap="md">
          <Group justify="space-between" wrap="wrap">
            <Tabs value={key} onChange={(v) => v && setSearch({ key: v })}>
              <Tabs.List>
                {MAIL_TEMPLATE_KEYS.map((k) => (
                  <Tabs.Tab key={k} value={k}>
                    {t(`documents.mail.key.${k}`)}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
            </Tabs>
            <SegmentedControl value={language} onChange={(v) => setSearch({ language: v })} data={MAIL_LANGUAGES.map((l) => ({ value: l, label: t(`documents.templates.language.${l}`) }))} aria-label={t('lang.label')} />
          </Group>
          {template.error ? <ErrorState error={template.error} onRetry={() => void template.refetch()} /> : null}
          {template.data ? <Editor key={`${key}-${language}`} template={template.data} /> : !template.error && <Skeleton h={400} />}
        </Stack>
      </Page>
    </>
  );
};
