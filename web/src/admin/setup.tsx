import { useState } from 'react';
import { Alert, Button, PasswordInput, Skeleton, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api, setCsrfToken } from '../ui/api.ts';
import { FormError } from '../ui/components.tsx';
import { AuthFrame } from '../ui/auth-frame.tsx';
import { useT } from '../ui/language.tsx';
import { str, useUrlSearch } from '../ui/search.ts';
import type { MeResponse } from '../ui/types.ts';

/** First start: the one-time link from the server's console creates the first administrator. */
export const SetupPage = () => {
  const t = useT();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [{ token }] = useUrlSearch((raw) => ({ token: str(raw.token) }));
  const status = useQuery({ queryKey: ['setup'], queryFn: () => api.get<{ needed: boolean }>('/setup'), meta: { silent: true } });
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const create = useMutation({
    mutationFn: () => api.post<MeResponse>('/setup', { token, email: email.trim(), name: name.trim(), password }),
    meta: { inline: true },
    onSuccess: async (me) => {
      setCsrfToken(me.csrfToken);
      queryClient.setQueryData(['me'], me);
      queryClient.setQueryData(['setup'], { needed: false });
      await router.navigate({ href: '/' });
    },
  });

  const body = () => {
    if (status.isPending) return <Skeleton h={200} />;
    if (status.data && !status.data.needed) {
      return (
        <Stack>
          <Alert color="guild" variant="light">
            {t('setup.notNeeded')}
          </Alert>
          <Button onClick={() => void router.navigate({ href: '/login' })}>{t('login.submit')}</Button>
        </Stack>
      );
    }
    if (!token) {
      return (
        <Alert color="yellow" variant="light">
          {t('setup.noToken')}
        </Alert>
      );
    }
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (password !== repeat) return setMismatch(true);
          setMismatch(false);
          create.mutate();
        }}
      >
        <Stack>
          <FormError error={create.error} testId="setup-error" />
          <TextInput label={t('setup.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required autoComplete="name" autoFocus />
          <TextInput label={t('login.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoComplete="username" />
          <PasswordInput label={t('login.password')} description={t('password.hint')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="new-password" />
          <PasswordInput label={t('setup.repeat')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required autoComplete="new-password" error={mismatch ? t('password.mismatch') : null} />
          <Button type="submit" loading={create.isPending} mt={4}>
            {t('setup.submit')}
          </Button>
        </Stack>
      </form>
    );
  };

  return (
    <AuthFrame title={t('setup.title')} subtitle={t('setup.intro')}>
      {body()}
    </AuthFrame>
  );
};
