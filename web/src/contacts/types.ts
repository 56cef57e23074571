/** Shapes of the member registry API (issue 3 contracts), as the web app relies on them. */

export type ContactKind = 'person' | 'organization';
export type HouseholdRole = 'primary' | 'secondary';
export type OrgContactRole = 'administrative' | 'technical';
export type OrgContactStatus = 'pending' | 'confirmed';
export const CONSENT_KINDS = ['statutes', 'data_processing', 'info_email', 'info_sms'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

export interface ConsentState {
  granted: boolean;
  wording: string;
  version: string;
  at: string;
  source: string;
}

/** One row of a consent's history (GET /contacts/:id/consents). */
export interface ConsentEntry extends ConsentState {
  id?: string;
  kind: ConsentKind;
  actorName?: string | null;
}

export interface ContactRef {
  id: string;
  displayName: string;
}

export interface Household {
  id: string;
  name: string;
  role: HouseholdRole;
  members: Array<{ id: string; displayName: string; role: HouseholdRole }>;
}

export interface OrganizationContactLink {
  id: string;
  personId: string;
  displayName: string;
  email: string | null;
  role: OrgContactRole;
  status: OrgContactStatus;
  invitedAt: string;
  confirmedAt: string | null;
}

export interface PersonOrganizationLink {
  linkId: string;
  organizationId: string;
  displayName: string;
  role: OrgContactRole;
  status: OrgContactStatus;
}

export type FieldValue = string | number | boolean | null;

export interface Contact {
  id: string;
  kind: ContactKind;
  memberNumber: number | string | null;
  status: 'active' | 'erased';
  salutation: string | null;
  firstNames: string | null;
  initial: string | null;
  lastName: string | null;
  birthDate: string | null;
  gender: string | null;
  orgName: string | null;
  orgNumber: string | null;
  vatNumber: string | null;
  displayName: string;
  addressLines: string[];
  postcode: string | null;
  place: string | null;
  region: string | null;
  country: string | null;
  phoneHome: string | null;
  phoneWork: string | null;
  phoneMobile: string | null;
  email: string | null;
  pseudoEmail: boolean;
  invoiceDelivery: 'email' | 'print';
  language: 'en' | 'nb' | null;
  note: string | null;
  payer: ContactRef | null;
  payerFor: ContactRef[];
  household: Household | null;
  tags: string[];
  customFields: Record<string, FieldValue>;
  consents: Partial<Record<ConsentKind, ConsentState | null>>;
  organizationContacts?: OrganizationContactLink[];
  organizations?: PersonOrganizationLink[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ContactSummary {
  id: string;
  kind: ContactKind;
  memberNumber: number | string | null;
  displayName: string;
  email: string | null;
  phoneMobile: string | null;
  place: string | null;
  tags: string[];
  householdRole: HouseholdRole | null;
  createdAt: string;
  updatedAt: string;
}

export const FIELD_TYPES = ['text', 'long_text', 'number', 'date', 'boolean', 'choice'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const FIELD_VISIBILITIES = ['staff', 'member_visible', 'member_editable'] as const;
export type FieldVisibility = (typeof FIELD_VISIBILITIES)[number];
export const FIELD_APPLIES = ['both', 'person', 'organization'] as const;
export type FieldAppliesTo = (typeof FIELD_APPLIES)[number];

export interface CustomField {
  id: string;
  key: string;
  label: string;
  description: string;
  type: FieldType;
  options: string[] | null;
  visibility: FieldVisibility;
  appliesTo: FieldAppliesTo;
  required: boolean;
  position: number;
  archived: boolean;
}

export interface TagCount {
  tag: string;
  count: number;
}

/** The list's filters, as the URL and the API both spell them (saved views keep this). */
export type ContactQuery = Record<string, string>;

export interface SavedView {
  id: string;
  area: string;
  name: string;
  query: ContactQuery;
  shared: boolean;
}

// ---------------------------------------------------------------- import

export type ImportAction = 'create' | 'update' | 'skip' | 'error';
export type MatchOn = 'memberNumber' | 'email' | 'both';

export interface ImportOptions {
  importValidRows: boolean;
  pseudoEmailDomain?: string;
  matchOn: MatchOn;
}

export interface ImportUpload {
  id: string;
  filename: string;
  encoding: string;
  separator: string;
  columns: string[];
  rowCount: number;
  sample: string[][];
  suggestedMapping: Record<string, string | null>;
  fields: Array<{ key: string; label: string }>;
}

export interface ImportCounts {
  created: number;
  updated: number;
  skipped: number;
  errors: number;
}

export interface ImportReportRow {
  line: number;
  action: ImportAction;
  reason?: string | null;
  contactId?: string | null;
  memberNumber?: number | string | null;
}

export interface ImportReport {
  rows: ImportReportRow[];
  counts: ImportCounts;
  imported?: boolean;
  dryRun?: boolean;
  message?: string;
}

export interface ImportStatus {
  id: string;
  status: 'analyzed' | 'running' | 'done' | 'failed' | string;
  filename: string;
  progress: { processed: number; total: number };
  counts: ImportCounts;
  report: ImportReport | null;
  message?: string | null;
  createdAt?: string;
  finishedAt?: string | null;
  /** It stopped part-way and kept rows: POST …/continue imports the rest. */
  canContinue?: boolean;
}

/** GET /contacts/imports/:id/analysis: the upload's answer again, with the mapping and options last used. */
export interface ImportAnalysis extends ImportUpload {
  options: Partial<ImportOptions>;
}

/** One row of GET /contacts/imports. */
export interface ImportSummary {
  id: string;
  status: 'analyzed' | 'running' | 'done' | 'failed';
  filename: string;
  rows: number;
  processed: number | null;
  created: number;
  updated: number;
  skipped: number;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}
