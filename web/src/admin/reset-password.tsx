import { useState } from 'react';
import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, FormError } from '../ui/components.tsx';
import { AuthFrame } from '../ui/auth-frame.tsx';
import { IconCheck } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { str, useUrlSearch } from '../ui/search.ts';

export const ResetPasswordPage = () => {
  const t = useT();
  const router = useRouter();
  const [{ token }] = useUrlSearch((raw) => ({ token: str(raw.token) }));
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const confirm = useMutation({
    mutationFn: () => api.post<void>('/auth/password-reset/confirm', { token, password }),
    meta: { inline: true },
  });
  if (!token) {
    return (
      <AuthFrame title={t('reset.title')}>
        <Stack>
          <Alert color="yellow" variant="light">
            {t('reset.noToken')}
          </Alert>
          <AppLink href="/forgot-password">
            {t('reset.requestNew')}
          </AppLink>
        </Stack>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('reset.title')}>
      {confirm.isSuccess ? (
        <Stack>
          <Alert color="guild" variant="light" icon={<IconCheck size={18} />} data-testid="reset-done">
            {t('reset.done')}
          </Alert>
          <Button onClick={() => void router.navigate({ href: '/login' })}>{t('login.submit')}</Button>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (password !== repeat) return setMismatch(true);
            setMismatch(false);
            confirm.mutate();
          }}
        >
          <Stack>
            <FormError error={confirm.error} testId="reset-error" />
            <PasswordInput label={t('password.new')} description={t('password.hint')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="new-password" autoFocus />
            <PasswordInput label={t('password.repeat')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required autoComplete="new-password" error={mismatch ? t('password.mismatch') : null} />
            <Group justify="space-between">
              <AppLink href="/forgot-password">
                {t('reset.requestNew')}
              </AppLink>
              <Button type="submit" loading={confirm.isPending}>
                {t('reset.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
};
