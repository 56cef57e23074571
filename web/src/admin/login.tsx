import { useState } from 'react';
import { Alert, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api, safeNext, setCsrfToken } from '../ui/api.ts';
import { AppLink, FormError } from '../ui/components.tsx';
import { AuthFrame } from '../ui/auth-frame.tsx';
import { useT } from '../ui/language.tsx';
import { str, useUrlSearch } from '../ui/search.ts';
import { useOrganization } from '../ui/session.ts';
import type { MeResponse } from '../ui/types.ts';

export const LoginPage = () => {
  const t = useT();
  const org = useOrganization();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [search] = useUrlSearch((raw) => ({ next: str(raw.next), expired: raw.expired === '1' }));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api.post<MeResponse>('/auth/login', { email: email.trim(), password }),
    meta: { inline: true },
    onSuccess: async (me) => {
      setCsrfToken(me.csrfToken);
      queryClient.setQueryData(['me'], me);
      await router.navigate({ href: safeNext(search.next) });
    },
  });
  return (
    <AuthFrame title={t('login.title')} subtitle={t('login.subtitle', { org: org.name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate();
        }}
      >
        <Stack gap="md">
          {search.expired && !login.error && (
            <Alert color="yellow" variant="light">
              {t('login.expired')}
            </Alert>
          )}
          <FormError error={login.error} testId="login-error" />
          <TextInput label={t('login.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoComplete="username" autoFocus />
          <PasswordInput label={t('login.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="current-password" />
          <Group justify="space-between" mt={4}>
            <AppLink size="sm" href="/forgot-password">
              {t('login.forgot')}
            </AppLink>
            <Button type="submit" loading={login.isPending} px="xl">
              {t('login.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthFrame>
  );
};
