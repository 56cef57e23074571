import { useEffect, useState } from 'react';
import { AppShell, Avatar, Badge, Box, Burger, Button, Group, Image, Menu, Modal, NavLink, PasswordInput, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Outlet, useLocation, useRouter } from '@tanstack/react-router';
import { api, ApiError, setCsrfToken } from './api.ts';
import { GuildMark } from './components.tsx';
import { IconChevronDown, IconExternal, IconLanguage, IconLock, IconLogout } from './icons.tsx';
import { LANGUAGES, useLanguage, useT } from './language.tsx';
import { NAV } from './nav.ts';
import { notifySuccess } from './notify.tsx';
import { useCan, useMe, useOrganization } from './session.ts';
import type { Language, MeResponse } from './types.ts';

const initials = (name: string, email: string) => {
  const parts = (name || email).trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
};

/** Header: the organization's logo and name. */
export const OrgBrand = () => {
  const org = useOrganization();
  return (
    <Group gap={10} wrap="nowrap">
      {org.logo ? <Image src={org.logo} alt="" h={30} w="auto" maw={120} fit="contain" /> : <GuildMark />}
      <Text fw={650} size="md" data-testid="org-name" truncate maw={360}>
        {org.name}
      </Text>
    </Group>
  );
};

/** English / Norsk; remembered on this device and, when signed in, on the user. */
export const LanguageSwitch = ({ signedIn }: { signedIn: boolean }) => {
  const { language, setLanguage, t } = useLanguage();
  const queryClient = useQueryClient();
  const choose = async (next: Language) => {
    setLanguage(next);
    if (!signedIn) return;
    try {
      const me = await api.patch<MeResponse>('/auth/me', { language: next });
      queryClient.setQueryData(['me'], me);
    } catch {
      // Still switched on this device; the server copy will catch up next time.
    }
  };
  return (
    <Menu position="bottom-end" width={160} shadow="md">
      <Menu.Target>
        <Button variant="subtle" color="gray" size="compact-sm" leftSection={<IconLanguage size={16} />} rightSection={<IconChevronDown size={12} />} aria-label={t('lang.label')}>
          {LANGUAGES.find((l) => l.value === language)?.label}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('lang.label')}</Menu.Label>
        {LANGUAGES.map((l) => (
          <Menu.Item key={l.value} onClick={() => void choose(l.value)} fw={l.value === language ? 600 : 400} lang={l.value}>
            {l.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
};

const ChangePasswordModal = ({ opened, onClose }: { opened: boolean; onClose: () => void }) => {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () => api.post<void>('/auth/password', { currentPassword: current, newPassword: next }),
    meta: { inline: true },
    onSuccess: () => {
      notifySuccess(t('password.changed'));
      close();
    },
    onError: (e) => setError(e.message),
  });
  const close = () => {
    setCurrent('');
    setNext('');
    setRepeat('');
    setError(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>{t('user.changePassword')}</Text>}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (next !== repeat) return setError(t('password.mismatch'));
          setError(null);
          change.mutate();
        }}
      >
        <Stack>
          <PasswordInput label={t('password.current')} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} required autoComplete="current-password" data-autofocus />
          <PasswordInput label={t('password.new')} description={t('password.hint')} value={next} onChange={(e) => setNext(e.currentTarget.value)} required autoComplete="new-password" />
          <PasswordInput label={t('password.repeat')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required autoComplete="new-password" error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={change.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const UserMenu = () => {
  const t = useT();
  const me = useMe();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pwOpen, pw] = useDisclosure(false);
  const signOut = async () => {
    try {
      await api.post<void>('/auth/logout');
    } catch (e) {
      // Already signed out on the server is as good as signed out.
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    // Leave the signed-in layout first, so nothing on screen still needs the user while the cache is cleared.
    await router.navigate({ href: '/login' });
    setCsrfToken(null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'organization' });
  };
  return (
    <>
      <Menu position="bottom-end" width={240} shadow="md">
        <Menu.Target>
          <UnstyledButton aria-label={t('user.menu')} data-testid="user-menu" style={{ borderRadius: 8, padding: '4px 6px' }}>
            <Group gap={8} wrap="nowrap">
              <Avatar size={30} radius="xl" color="guild" variant="filled">
                {initials(me.name, me.email)}
              </Avatar>
              <Box visibleFrom="sm" style={{ lineHeight: 1.1 }}>
                <Text size="sm" fw={600} truncate maw={180}>
                  {me.name || me.email}
                </Text>
              </Box>
              <IconChevronDown size={12} />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Box px="sm" py={6}>
            <Text size="sm" fw={600} truncate>
              {me.name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {me.email}
            </Text>
            {me.isAdmin && (
              <Badge size="xs" mt={6} color="guild">
                {t('user.admin')}
              </Badge>
            )}
          </Box>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLock size={15} />} onClick={pw.open}>
            {t('user.changePassword')}
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={15} />} onClick={() => void signOut()} color="red">
            {t('user.signOut')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordModal opened={pwOpen} onClose={pw.close} />
    </>
  );
};

const Navigation = ({ onNavigate }: { onNavigate: () => void }) => {
  const t = useT();
  const can = useCan();
  const router = useRouter();
  const { pathname } = useLocation();
  const isActive = (path: string) => (path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`));
  return (
    <>
      <AppShell.Section grow component={ScrollArea} px="xs" py="xs">
        <nav aria-label="Main">
          {NAV.map((section, i) => {
            const items = section.items.filter((item) => !item.access || can(item.access.area, item.access.level));
            if (items.length === 0) return null;
            return (
              <Box key={section.label ?? i}>
                {section.label && <div className="gh-nav-section">{t(section.label)}</div>}
                {items.map((item) => (
                  <NavLink
                    key={item.path}
                    href={item.path}
                    label={t(item.label)}
                    leftSection={<item.icon size={18} />}
                    active={isActive(item.path)}
                    variant="light"
                    style={{ borderRadius: 8 }}
                    fw={500}
                    py={7}
                    rightSection={item.soon ? <Box w={6} h={6} bg="gray.4" style={{ borderRadius: 99 }} /> : undefined}
                    onClick={(e) => {
                      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                      e.preventDefault();
                      onNavigate();
                      void router.navigate({ href: item.path });
                    }}
                  />
                ))}
              </Box>
            );
          })}
        </nav>
      </AppShell.Section>
      <AppShell.Section px="xs" py="xs" style={{ borderTop: '1px solid var(--gh-border)' }}>
        <NavLink href="/api/docs" target="_blank" rel="noopener" label={t('nav.apiDocs')} leftSection={<IconExternal size={16} />} c="dimmed" style={{ borderRadius: 8 }} py={6} />
      </AppShell.Section>
    </>
  );
};

/** The signed-in frame: header (organization, language, user) and the navigation by area. */
export const AppLayout = () => {
  const me = useMe();
  const { language, setLanguage } = useLanguage();
  const [opened, { toggle, close }] = useDisclosure();
  // Take the user's saved language once, when they arrive; later switches are theirs to make.
  useEffect(() => {
    if (me.language && me.language !== language) setLanguage(me.language);
  }, [me.id]);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 244, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header px="md" style={{ borderBottom: '1px solid var(--gh-border)' }}>
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" />
            <OrgBrand />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch signedIn />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar style={{ borderRight: '1px solid var(--gh-border)' }}>
        <Navigation onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main bg="var(--gh-page-bg)">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
};
