import type { Executor } from '../../db/database.ts';
import { getSettings, type SettingValues } from '../settings/index.ts';
import { languageOf, type DocumentLanguage } from './format.ts';

/** A logo as documents embed it. */
export interface Logo {
  kind: 'png' | 'jpeg' | 'svg';
  bytes: Buffer;
}

/** Who sends the documents: the organization settings printed on every invoice and statement. */
export interface OrganizationProfile {
  name: string;
  /** Address lines (the setting's rows). */
  address: string[];
  orgNumber: string;
  vatNumber: string;
  bankAccount: string;
  billingEmail: string;
  currency: string;
  locale: string;
  language: DocumentLanguage;
  timeZone: string;
  logo: Logo | null;
  /** Setting billing.send_after_run: the billing run queues delivery of what it issues. */
  sendAfterRun: boolean;
}

const DATA_URL = /^data:image\/(png|jpeg|svg\+xml);base64,(.*)$/s;

export const parseLogo = (dataUrl: string | null | undefined): Logo | null => {
  const m = dataUrl ? DATA_URL.exec(dataUrl) : null;
  if (!m) return null;
  const bytes = Buffer.from(m[2]!, 'base64');
  if (!bytes.length) return null;
  return { kind: m[1] === 'svg+xml' ? 'svg' : (m[1] as 'png' | 'jpeg'), bytes };
};

// The logo is decoded once per distinct setting value, not on every document.
let logoCache: { url: string; logo: Logo | null } | null = null;

export const loadOrganization = async (db: Executor): Promise<OrganizationProfile> => organizationFrom(await getSettings(db));

/** The organization out of settings already read (`getSettings`), for a caller that has them. */
export const organizationFrom = (s: SettingValues): OrganizationProfile => {
  const url = s['organization.logo'] ?? '';
  if (!logoCache || logoCache.url !== url) logoCache = { url, logo: parseLogo(url) };
  return {
    name: s['organization.name'],
    address: (s['organization.address'] ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
    orgNumber: s['organization.org_number'] ?? '',
    vatNumber: s['organization.vat_number'] ?? '',
    bankAccount: s['organization.bank_account'] ?? '',
    billingEmail: s['organization.billing_email'] ?? '',
    currency: s['organization.currency'],
    locale: s['organization.locale'],
    language: languageOf(s['organization.locale']),
    timeZone: s['organization.time_zone'],
    logo: logoCache.logo,
    sendAfterRun: s['billing.send_after_run'],
  };
};

/** The organization variables every template may use. */
export const organizationValues = (org: OrganizationProfile): Record<string, string> => ({
  'organization.name': org.name,
  'organization.address': org.address.join(', '),
  'organization.orgNumber': org.orgNumber,
  'organization.vatNumber': org.vatNumber,
  'organization.bankAccount': org.bankAccount,
  'organization.email': org.billingEmail,
});
