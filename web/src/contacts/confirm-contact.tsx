import { Alert, Button, Loader, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../ui/api.ts';
import { AuthFrame } from '../ui/auth-frame.tsx';
import { FormError } from '../ui/components.tsx';
import { IconCheck } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { str, useUrlSearch } from '../ui/search.ts';

type Named = string | { displayName?: string; name?: string } | null | undefined;
interface Invitation {
  organization: Named;
  person: Named;
  role: 'administrative' | 'technical' | string;
  status?: string;
  confirmed?: boolean;
}

const nameOf = (v: Named): string => (typeof v === 'string' ? v : (v?.displayName ?? v?.name ?? ''));

/**
 * The page a person reaches from the e-mail sent when staff add them as an organization's contact.
 * No sign-in: the token in the link is the proof. Until they confirm, they get no mail for the organization.
 */
export const ConfirmContactPage = () => {
  const t = useT();
  const [{ token }] = useUrlSearch((raw) => ({ token: str(raw.token) }));
  const invitation = useQuery({
    queryKey: ['public', 'contact-confirmation', token],
    queryFn: () => api.get<Invitation>(`/public/contact-confirmations/${encodeURIComponent(token ?? '')}`),
    enabled: Boolean(token),
    retry: false,
    meta: { silent: true },
  });
  const confirm = useMutation({
    mutationFn: () => api.post<{ confirmed: boolean }>(`/public/contact-confirmations/${encodeURIComponent(token ?? '')}`),
    meta: { inline: true },
  });
  const title = t('confirmContact.title');
  if (!token) {
    return (
      <AuthFrame title={title}>
        <Alert color="yellow" variant="light">
          {t('confirmContact.noToken')}
        </Alert>
      </AuthFrame>
    );
  }
  if (invitation.isPending) {
    return (
      <AuthFrame title={title}>
        <Loader size="sm" />
      </AuthFrame>
    );
  }
  if (invitation.error) {
    const gone = invitation.error instanceof ApiError && (invitation.error.status === 404 || invitation.error.status === 410);
    return (
      <AuthFrame title={title}>
        <Alert color="yellow" variant="light" data-testid="confirm-invalid">
          {gone ? t('confirmContact.invalid') : invitation.error.message}
        </Alert>
      </AuthFrame>
    );
  }
  const inv = invitation.data;
  const organization = nameOf(inv.organization);
  const role = inv.role === 'administrative' ? t('confirmContact.roleAdministrative') : t('confirmContact.roleTechnical');
  const already = inv.confirmed === true || inv.status === 'confirmed';
  return (
    <AuthFrame title={title}>
      {confirm.isSuccess || already ? (
        <Alert color="guild" variant="light" icon={<IconCheck size={18} />} data-testid="confirm-done">
          <Text size="sm" fw={600}>
            {t('confirmContact.thanks')}
          </Text>
          <Text size="sm" mt={4}>
            {t('confirmContact.thanksText', { organization, role })}
          </Text>
        </Alert>
      ) : (
        <Stack>
          <Text size="sm" data-testid="confirm-question">
            {t('confirmContact.question', { person: nameOf(inv.person), organization, role })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('confirmContact.explain')}
          </Text>
          <FormError error={confirm.error} />
          <Button onClick={() => confirm.mutate()} loading={confirm.isPending} fullWidth>
            {t('confirmContact.confirm')}
          </Button>
        </Stack>
      )}
    </AuthFrame>
  );
};
