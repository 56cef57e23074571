/** Shapes of the catalog API (membership types, products, account types, campaign codes), as the web app relies on them. */

export const TYPE_FREQUENCIES = ['month', 'quarter', 'year', 'never', 'lifetime'] as const;
export type TypeFrequency = (typeof TYPE_FREQUENCIES)[number];
export const PRODUCT_FREQUENCIES = ['once', ...TYPE_FREQUENCIES] as const;
export type ProductFrequency = (typeof PRODUCT_FREQUENCIES)[number];
export const PRODUCT_KINDS = ['service', 'upgrade', 'fee', 'other'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
export const ACCOUNT_FREQUENCIES = ['month', 'quarter', 'year'] as const;
export type AccountFrequency = (typeof ACCOUNT_FREQUENCIES)[number];
export const ATTRIBUTE_PER = ['period', 'term'] as const;
export type AttributePer = (typeof ATTRIBUTE_PER)[number];
export const CAMPAIGN_KINDS = ['percent', 'fixed_price'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export interface Price {
  amount: string;
  currency: string;
  effectiveFrom: string;
}
export interface PriceVersion extends Price {
  id: string;
  createdAt: string;
}

/** What membership types, products and account types have in common: a code, a name and dated prices. */
export interface Priced {
  id: string;
  code: string;
  name: string;
  description: string;
  archived: boolean;
  position: number;
  /** In force today. */
  price: Price | null;
  /** Oldest first. */
  prices: PriceVersion[];
  createdAt: string;
  updatedAt: string;
  glAccount: string | null;
  vatRate: string;
}

export interface MembershipType extends Priced {
  frequency: TypeFrequency;
  trialDays: number;
  convertsToId: string | null;
  signupAllowed: boolean;
  specialPrice: boolean;
  invoiced: boolean;
  followsId: string | null;
}

export interface Product extends Priced {
  kind: ProductKind;
  frequency: ProductFrequency;
}

export interface AccountAttribute {
  id: string;
  code: string;
  description: string;
  unit: string;
  included: string;
  rate: string;
  currency: string;
  per: AttributePer;
  glAccount: string | null;
  vatRate: string;
  position: number;
}

export interface AccountType extends Priced {
  frequency: AccountFrequency;
  termPeriods: number;
  attributes: AccountAttribute[];
}

export interface CampaignCode {
  id: string;
  code: string;
  description: string;
  kind: CampaignKind;
  percent: string | null;
  amount: string | null;
  currency: string | null;
  validFrom: string;
  validTo: string;
  maxUses: number | null;
  uses: number;
  appliesTo: string[] | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}
