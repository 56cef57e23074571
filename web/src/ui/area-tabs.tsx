import type { ReactNode } from 'react';
import { Box, Group, Tabs } from '@mantine/core';
import { Outlet, useLocation, useRouter } from '@tanstack/react-router';
import { RequireAccess } from './components.tsx';
import { useT } from './language.tsx';
import type { MessageKey } from './i18n.ts';
import type { Area } from './types.ts';

/** Tabs for an area's sub-pages as real links, the page below. */
export const AreaTabs = ({ area, label, pages, aside }: { area: Area; label: string; pages: Array<{ path: string; label: MessageKey }>; aside?: ReactNode }) => {
  const t = useT();
  const router = useRouter();
  const { pathname } = useLocation();
  const current = pages.find((p) => pathname === p.path || pathname.startsWith(`${p.path}/`))?.path ?? null;
  return (
    <RequireAccess area={area}>
      <Box maw={1280} mx="auto" mb="lg">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Tabs value={current} variant="pills" radius="md" onChange={(v) => v && void router.navigate({ href: v })}>
            <Tabs.List aria-label={label}>
              {pages.map((p) => (
                <Tabs.Tab
                  key={p.path}
                  value={p.path}
                  renderRoot={(props) => (
                    <a
                      {...props}
                      href={p.path}
                      onClick={(e) => {
                        // A real link (open in a new tab works); a plain click is routed without a page load.
                        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                        e.preventDefault();
                        (props.onClick as ((e: React.MouseEvent) => void) | undefined)?.(e);
                      }}
                    />
                  )}
                >
                  {t(p.label)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
          </Tabs>
          {aside}
        </Group>
      </Box>
      <Outlet />
    </RequireAccess>
  );
};
