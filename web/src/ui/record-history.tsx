import { useState } from 'react';
import { Anchor, Badge, Box, Collapse, Group, Loader, Stack, Text, Timeline, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { AuditDiff, changedFields } from '../admin/audit.tsx';
import { api } from './api.ts';
import { useFormat } from './format.ts';
import { IconHistory } from './icons.tsx';
import { useT } from './language.tsx';
import type { AuditEntry, Paged } from './types.ts';

const PAGE = 10;

/**
 * "Date, who, what" for one record (seed 001), newest first, each entry opening to its
 * before/after. Shown on every record's page; access follows the record's area on the server.
 */
export const RecordHistory = ({ entityType, entityId }: { entityType: string; entityId: string }) => {
  const t = useT();
  const fmt = useFormat();
  const [pageSize, setPageSize] = useState(PAGE);
  const [open, setOpen] = useState<number | null>(null);
  const history = useQuery({
    queryKey: ['audit', 'history', entityType, entityId, pageSize],
    queryFn: () => api.get<Paged<AuditEntry>>(`/audit/history/${encodeURIComponent(entityType)}/${encodeURIComponent(entityId)}`, { pageSize }),
    retry: false,
  });
  if (history.isError) return null; // no access to the history: show the record without it
  return (
    <Box data-testid="record-history" mt="md">
      <Group gap={6} mb="xs">
        <IconHistory size={16} />
        <Text fw={600} size="sm">
          {t('history.title')}
        </Text>
      </Group>
      {history.isPending ? (
        <Loader size="sm" />
      ) : history.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('history.empty')}
        </Text>
      ) : (
        <Stack gap={4}>
          <Timeline bulletSize={10} lineWidth={2}>
            {history.data.items.map((e) => {
              const fields = changedFields(e.before, e.after);
              return (
                <Timeline.Item key={e.seq}>
                  <UnstyledButton onClick={() => setOpen(open === e.seq ? null : e.seq)} w="100%">
                    {/* Date, who and what keep their width; the list of changed fields gives way. */}
                    <Group gap="xs" wrap="nowrap" preventGrowOverflow={false}>
                      <Text size="xs" c="dimmed" miw={120} style={{ flexShrink: 0 }}>
                        {fmt.dateTime(e.at)}
                      </Text>
                      <Text size="sm" fw={500} style={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
                        {e.actorName ?? (e.actorType === 'system' ? t('audit.system') : e.actorType)}
                      </Text>
                      <Badge size="xs" variant="light" style={{ flexShrink: 0 }}>
                        {e.action}
                      </Badge>
                      {fields.length > 0 && (
                        <Text size="xs" c="dimmed" truncate style={{ minWidth: 0 }}>
                          {fields.join(', ')}
                        </Text>
                      )}
                    </Group>
                  </UnstyledButton>
                  <Collapse expanded={open === e.seq}>
                    <Box mt={6}>
                      <AuditDiff before={e.before} after={e.after} t={t} />
                    </Box>
                  </Collapse>
                </Timeline.Item>
              );
            })}
          </Timeline>
          {history.data.total > history.data.items.length && (
            <Anchor size="sm" component="button" type="button" onClick={() => setPageSize((n) => n + PAGE)}>
              {t('history.more', { count: history.data.total - history.data.items.length })}
            </Anchor>
          )}
        </Stack>
      )}
    </Box>
  );
};
