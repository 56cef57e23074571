import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './ui/app.css';
import { ApiError, onUnauthenticated, setCsrfToken } from './ui/api.ts';
import { LanguageProvider } from './ui/language.tsx';
import { notifyError } from './ui/notify.tsx';
import { stringifySearch } from './ui/search.ts';
import { theme } from './ui/theme.ts';
import { createAppRouter } from './router.tsx';

/** A 401 is handled by sending the user to sign in; everything else is told to the user once. */
const shouldNotify = (error: unknown, meta: Record<string, unknown> | undefined) =>
  !(error instanceof ApiError && error.status === 401) && !meta?.silent && !meta?.inline;

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => shouldNotify(error, query.meta) && notifyError(error) }),
  mutationCache: new MutationCache({ onError: (error, _v, _c, mutation) => shouldNotify(error, mutation.meta) && notifyError(error) }),
  defaultOptions: {
    queries: {
      // Client errors will not fix themselves; server and network trouble might.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

const router = createAppRouter(queryClient);

onUnauthenticated(() => {
  const { pathname, href } = router.state.location;
  if (pathname === '/login') return;
  setCsrfToken(null);
  void router.navigate({ href: `/login${stringifySearch({ next: href, expired: '1' })}` }).then(() =>
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'organization' }),
  );
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <LanguageProvider>
          <RouterProvider router={router} />
        </LanguageProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
