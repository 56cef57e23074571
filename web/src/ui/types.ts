/** Shapes of the Guildhall API, as the web app relies on them (see the API contracts). */

export const AREAS = [
  'settings',
  'contacts',
  'billing',
  'payments',
  'ledger',
  'communications',
  'provisioning',
  'reports',
  'staff',
] as const;
export type Area = (typeof AREAS)[number];
export type AccessLevel = 'read' | 'update';
export type Permissions = Partial<Record<Area, AccessLevel>>;
export type Language = 'en' | 'nb';

export interface Me {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  language: Language | null;
  permissions: Permissions;
}
export interface MeResponse {
  user: Me;
  csrfToken: string;
}

export interface Organization {
  name: string;
  locale: string;
  currency: string;
  timeZone: string;
  logo: string | null;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  /** More rows match than `total` (a list that stops counting, e.g. contacts at 10,000): show "10,000+". */
  totalCapped?: boolean;
}

export type SettingGroup = 'organization' | 'system' | 'ledger' | 'general' | 'billing';
export type SettingValue = string | number | boolean | string[] | null;
export interface Setting {
  key: string;
  group: SettingGroup;
  type: string;
  label: string;
  description: string;
  value: SettingValue;
  readOnly: boolean;
  options?: string[];
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  active: boolean;
  language: Language | null;
  groupIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface AccessGroup {
  id: string;
  name: string;
  description: string | null;
  permissions: Permissions;
  builtin: boolean;
  memberIds: string[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  groupId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditVerify {
  ok: boolean;
  count: number;
  firstBad?: { seq: number; problem: string };
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';
export interface Job {
  id: string;
  type: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface ScheduledTask {
  name: string;
  cron: string;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStatus: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
}

export type MailStatus = 'queued' | 'sent' | 'stored' | 'failed';
export interface Mail {
  id: string;
  to: string[];
  cc: string[] | null;
  from: string;
  subject: string;
  status: MailStatus;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  relatedType: string | null;
  relatedId: string | null;
}
export interface MailDetail extends Mail {
  textBody: string;
  htmlBody: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}
