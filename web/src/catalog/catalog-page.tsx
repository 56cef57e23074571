import { Tabs } from '@mantine/core';
import { Page } from '../ui/components.tsx';
import { IconBilling, IconPayments, IconProvisioning, IconTag } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { oneOf, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { AccountTypesTab } from './account-types.tsx';
import { CampaignCodesTab } from './campaign-codes.tsx';
import { MembershipTypesTab } from './membership-types.tsx';
import { ProductsTab } from './products.tsx';
import { parseCatalogSearch } from './shared.tsx';

const TABS = ['types', 'products', 'accounts', 'campaigns'] as const;
type Tab = (typeof TABS)[number];
const TAB_ICONS = { types: IconBilling, products: IconPayments, accounts: IconProvisioning, campaigns: IconTag };

const parse = (raw: Record<string, unknown>) => ({ tab: (oneOf(raw.tab, TABS) ?? 'types') as Tab, ...parseCatalogSearch(raw) });

/** Billing → Catalog: membership types, products, account types and campaign codes, a tab each (?tab=…). */
export const CatalogPage = () => {
  const t = useT();
  const can = useCan();
  const [search, setSearch] = useUrlSearch(parse);
  const { tab, ...listSearch } = search;
  const props = { search: listSearch, setSearch, canEdit: can('billing', 'update') };
  return (
    <Page title={t('catalog.title')} intro={t('catalog.intro')}>
      <Tabs
        value={tab}
        // Each tab has its own columns, so paging, sorting, search and the archived filter start afresh.
        onChange={(v) => setSearch({ tab: v === 'types' ? undefined : (v ?? undefined), page: undefined, sort: undefined, q: undefined, pageSize: undefined, show: undefined })}
        mb="md"
      >
        <Tabs.List>
          {TABS.map((value) => {
            const Icon = TAB_ICONS[value];
            return (
              <Tabs.Tab key={value} value={value} leftSection={<Icon size={15} />}>
                {t(`catalog.tab.${value}`)}
              </Tabs.Tab>
            );
          })}
        </Tabs.List>
      </Tabs>
      {tab === 'types' && <MembershipTypesTab {...props} />}
      {tab === 'products' && <ProductsTab {...props} />}
      {tab === 'accounts' && <AccountTypesTab {...props} />}
      {tab === 'campaigns' && <CampaignCodesTab {...props} />}
    </Page>
  );
};
