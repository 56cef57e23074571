import { useState, type ReactNode } from 'react';
import { Alert, Anchor, Box, Button, EmptyState, Group, Modal, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useRouter } from '@tanstack/react-router';
import { IconAlert, IconLock, IconTools } from './icons.tsx';
import { useT } from './language.tsx';
import { errorMessage } from './notify.tsx';
import { useCan } from './session.ts';
import type { AccessLevel, Area } from './types.ts';

/** The frame of every back-office page: a title, one line saying what it is for, actions on the right. */
export const Page = ({ title, intro, actions, children }: { title: ReactNode; intro?: ReactNode; actions?: ReactNode; children: ReactNode }) => (
  <Box maw={1280} mx="auto">
    <Group justify="space-between" align="flex-end" mb="lg" gap="md" wrap="wrap">
      <div>
        <Title order={1} fz={24} lh={1.25}>
          {title}
        </Title>
        {intro && (
          <Text c="dimmed" size="sm" mt={4} maw={720}>
            {intro}
          </Text>
        )}
      </div>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
    {children}
  </Box>
);

/** The small square mark used when the organization has no logo. */
export const GuildMark = ({ size = 30 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
    <rect width="32" height="32" rx="8" fill="var(--mantine-color-guild-7)" />
    <path d="M6 14 16 7l10 7v1H6z" fill="#fff" />
    <path d="M8 16h3v8H8zm6.5 0h3v8h-3zM21 16h3v8h-3zM6 25h20v2H6z" fill="#fff" />
  </svg>
);

/** A form's refusal from the server (or another failure), shown above its fields. */
export const FormError = ({ error, testId }: { error: Error | null; testId?: string }) =>
  error ? (
    <Alert color="red" variant="light" icon={<IconAlert size={18} />} role="alert" data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
      {error.message}
    </Alert>
  ) : null;

/** A link inside the app: a real href (open in new tab works), routed without a page load. */
export const AppLink = ({ href, size = 'sm', children }: { href: string; size?: 'xs' | 'sm'; children: ReactNode }) => {
  const router = useRouter();
  return (
    <Anchor
      size={size}
      href={href}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        void router.navigate({ href });
      }}
    >
      {children}
    </Anchor>
  );
};

/** The form inside a dialog: the server's refusal on top, the fields, then Cancel and the submit button. */
export const ModalForm = ({
  onSubmit,
  onCancel,
  error,
  busy,
  submitLabel,
  submitDisabled,
  children,
}: {
  onSubmit: () => void;
  onCancel: () => void;
  error: Error | null;
  busy: boolean;
  submitLabel: string;
  submitDisabled?: boolean;
  children: ReactNode;
}) => {
  const t = useT();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <Stack>
        <FormError error={error} />
        {children}
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy} disabled={submitDisabled}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

export const ToDashboardButton = () => {
  const t = useT();
  const router = useRouter();
  return (
    <Button variant="default" onClick={() => void router.navigate({ href: '/' })}>
      {t('soon.back')}
    </Button>
  );
};

export const ComingSoon = ({ area }: { area: string }) => {
  const t = useT();
  return (
    <Box maw={1280} mx="auto" pt={60}>
      <EmptyState
        variant="light"
        size="lg"
        icon={<IconTools size={30} />}
        title={t('soon.title', { area })}
        description={t('soon.description')}
      >
        <EmptyState.Actions>
          <ToDashboardButton />
        </EmptyState.Actions>
      </EmptyState>
    </Box>
  );
};

export const NoAccess = () => {
  const t = useT();
  return (
    <Box pt={60}>
      <EmptyState variant="light" color="gray" size="lg" icon={<IconLock size={28} />} title={t('noAccess.title')} description={t('noAccess.description')} />
    </Box>
  );
};

/** Shows the page only to staff whose access includes the area at the level. */
export const RequireAccess = ({ area, level = 'read', children }: { area: Area; level?: AccessLevel; children: ReactNode }) => {
  const can = useCan();
  return can(area, level) ? <>{children}</> : <NoAccess />;
};

export const ErrorState = ({ error, onRetry }: { error: unknown; onRetry?: () => void }) => {
  const t = useT();
  return (
    <Alert color="red" variant="light" icon={<IconAlert />} title={t('common.error')}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
};

/** A button that asks before doing something that cannot be undone. */
export const ConfirmButton = ({
  children,
  message,
  confirmLabel,
  onConfirm,
  color = 'red',
  ...buttonProps
}: {
  children: ReactNode;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  color?: string;
  size?: 'xs' | 'sm' | 'compact-xs' | 'compact-sm';
  variant?: 'subtle' | 'light' | 'default' | 'filled' | 'outline';
  leftSection?: ReactNode;
  disabled?: boolean;
}) => {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button color={color} size="compact-sm" variant="subtle" {...buttonProps} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={<Text fw={600}>{t('common.confirm')}</Text>} size="sm">
        <Stack>
          <Text size="sm">{message}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              color={color}
              loading={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onConfirm();
                  setOpen(false);
                } catch {
                  // The mutation cache has already told the user what went wrong.
                } finally {
                  setBusy(false);
                }
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
};

export const SectionIcon = ({ children, color = 'guild' }: { children: ReactNode; color?: string }) => (
  <ThemeIcon variant="light" color={color} size={38} radius="md">
    {children}
  </ThemeIcon>
);
