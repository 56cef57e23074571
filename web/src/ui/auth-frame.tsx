import type { ReactNode } from 'react';
import { Box, Center, Group, Image, Paper, Stack, Text, Title } from '@mantine/core';
import { GuildMark } from './components.tsx';
import { LanguageSwitch } from './layout.tsx';
import { useOrganization } from './session.ts';

/** The centred card for signing in, resetting a password and first-time setup. */
export const AuthFrame = ({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) => {
  const org = useOrganization();
  return (
    <Box className="gh-auth-bg">
      <Group justify="flex-end" p="md">
        <LanguageSwitch signedIn={false} />
      </Group>
      <Center px="md" pb={80} pt={24}>
        <Stack w="100%" maw={420} gap="lg">
          <Group gap={10} justify="center">
            {org.logo ? <Image src={org.logo} alt="" h={40} w="auto" maw={160} fit="contain" /> : <GuildMark size={40} />}
            <Text fw={700} fz={20} data-testid="org-name">
              {org.name}
            </Text>
          </Group>
          <Paper withBorder shadow="sm" p={32} radius="lg">
            <Title order={1} fz={22} mb={subtitle ? 6 : 'lg'}>
              {title}
            </Title>
            {subtitle && (
              <Text size="sm" c="dimmed" mb="lg">
                {subtitle}
              </Text>
            )}
            {children}
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            Guildhall
          </Text>
        </Stack>
      </Center>
    </Box>
  );
};
