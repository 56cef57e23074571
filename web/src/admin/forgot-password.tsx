import { useState } from 'react';
import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, FormError } from '../ui/components.tsx';
import { AuthFrame } from '../ui/auth-frame.tsx';
import { IconMail } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';

export const ForgotPasswordPage = () => {
  const t = useT();
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: () => api.post<{ ok: true }>('/auth/password-reset', { email: email.trim() }),
    meta: { inline: true },
  });
  const back = (
    <AppLink size="sm" href="/login">
      {t('forgot.backToLogin')}
    </AppLink>
  );
  return (
    <AuthFrame title={t('forgot.title')} subtitle={request.isSuccess ? undefined : t('forgot.intro')}>
      {request.isSuccess ? (
        <Stack>
          <Alert color="guild" variant="light" icon={<IconMail size={18} />} data-testid="reset-sent">
            {t('forgot.sent')}
          </Alert>
          {back}
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            request.mutate();
          }}
        >
          <Stack>
            <FormError error={request.error} />
            <TextInput label={t('login.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoComplete="username" autoFocus />
            <Group justify="space-between">
              {back}
              <Button type="submit" loading={request.isPending}>
                {t('forgot.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
};
