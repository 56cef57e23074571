import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, setCsrfToken } from './api.ts';
import type { AccessLevel, Area, Me, MeResponse, Organization, Permissions } from './types.ts';

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async () => {
    const me = await api.get<MeResponse>('/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  },
  staleTime: 60_000,
  retry: false,
  meta: { silent: true },
});

export const organizationQuery = queryOptions({
  queryKey: ['organization'],
  queryFn: () => api.get<Organization>('/organization'),
  staleTime: 5 * 60_000,
  retry: 1,
  meta: { silent: true },
});

/** Shown until the organization's settings arrive (and if they cannot be read). */
export const DEFAULT_ORGANIZATION: Organization = {
  name: 'Guildhall',
  locale: 'nb-NO',
  currency: 'NOK',
  timeZone: 'Europe/Oslo',
  logo: null,
};

export const useOrganization = (): Organization => useQuery(organizationQuery).data ?? DEFAULT_ORGANIZATION;

/** The signed-in user; only used below the signed-in layout, where /auth/me has already answered. */
export const useMe = (): Me => {
  const { data } = useQuery(meQuery);
  if (!data) throw new Error('useMe outside the signed-in layout');
  return data.user;
};

export const allows = (perms: Permissions, area: Area, level: AccessLevel = 'read'): boolean => {
  const have = perms[area];
  return have === 'update' || (have === 'read' && level === 'read');
};

/** Administrators may do everything, whatever their groups say. */
export const useCan = () => {
  const me = useMe();
  return (area: Area, level: AccessLevel = 'read') => me.isAdmin || allows(me.permissions, area, level);
};
