import type { Kysely } from 'kysely';
import { inTransaction, lockResource, toNumber, type Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import {
  checkDocumentTemplate,
  defaultDocumentTemplate,
  DOCUMENT_KINDS,
  DOCUMENT_VARIABLES,
  mergeStored,
  type DocumentKind,
  type DocumentTemplateContent,
} from './document-template.ts';
import { languageOf, type DocumentLanguage } from './format.ts';
import {
  assertMailTemplateId,
  checkMailTemplate,
  DEFAULT_MAIL_TEMPLATES,
  MAIL_LANGUAGES,
  MAIL_TEMPLATE_KEYS,
  MAIL_VARIABLES,
  type MailTemplateKey,
  type MailTemplateText,
} from './mail-template.ts';
import type { TemplateVariable } from './template-text.ts';
import { getSetting } from '../settings/index.ts';
import { validation } from '../../kernel/app-error.ts';

type Db = Kysely<DB>;

export interface TemplateDeps {
  db: Database;
  clock: Clock;
}
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

// ---- document templates

export interface DocumentTemplateView {
  kind: DocumentKind;
  content: DocumentTemplateContent;
  /** False while the built-in template is used. */
  customized: boolean;
  /** 0 for the built-in template; send the version you read with a change. */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  /** The variables its texts may use. */
  variables: TemplateVariable[];
  /** The language documents of this kind are written in now. */
  effectiveLanguage: DocumentLanguage;
}

export const assertDocumentKind = (kind: string): DocumentKind => {
  if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) throw validation(`There is no document template "${kind}". Use one of ${DOCUMENT_KINDS.join(', ')}.`, { field: 'kind' });
  return kind as DocumentKind;
};

/** The language a template writes in: its own choice, or the organization locale's. */
export const effectiveLanguage = (content: DocumentTemplateContent, orgLocale: string): DocumentLanguage =>
  content.language === 'organization' ? languageOf(orgLocale) : content.language;

export const getDocumentTemplate = async (db: Db, kindText: string): Promise<DocumentTemplateView> => {
  const kind = assertDocumentKind(kindText);
  const orgLanguage = languageOf(await getSetting(db, 'organization.locale'));
  const row = await db.selectFrom('document_template').selectAll().where('kind', '=', kind).executeTakeFirst();
  const content = mergeStored(kind, orgLanguage, row?.content ?? null);
  return {
    kind,
    content,
    customized: !!row,
    version: row ? toNumber(row.version) : 0,
    updatedAt: row?.updated_at ?? null,
    updatedBy: row?.updated_by ?? null,
    variables: DOCUMENT_VARIABLES[kind],
    effectiveLanguage: content.language === 'organization' ? orgLanguage : content.language,
  };
};

export const listDocumentTemplates = async (db: Db): Promise<DocumentTemplateView[]> => Promise.all(DOCUMENT_KINDS.map((k) => getDocumentTemplate(db, k)));

/** The template content documents are drawn with (one read; the built-in one when none is saved). */
export const documentTemplateContent = async (db: Db, kind: DocumentKind, orgLanguage: DocumentLanguage): Promise<DocumentTemplateContent> => {
  const row = await db.selectFrom('document_template').select('content').where('kind', '=', kind).executeTakeFirst();
  return mergeStored(kind, orgLanguage, row?.content ?? null);
};

const checkVersion = (version: number | undefined, current: number) => {
  if (version !== undefined && version !== current) {
    throw conflict('Someone else changed this template since you opened it. Reload it, and make your change again.', { field: 'version' });
  }
};

/** Saves an edited document template (checked: unknown variables are refused). Audited. */
export const updateDocumentTemplate = async (
  deps: TemplateDeps,
  by: ChangedBy,
  kindText: string,
  input: { content: DocumentTemplateContent; version?: number },
): Promise<DocumentTemplateView> => {
  const kind = assertDocumentKind(kindText);
  const content = checkDocumentTemplate(kind, input.content);
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, `document-template:${kind}`);
    const before = await getDocumentTemplate(tx, kind);
    checkVersion(input.version, before.version);
    const now = deps.clock.now().toISOString();
    const updatedBy = by.actor.name ?? by.actor.type;
    if (before.customized) {
      await tx.updateTable('document_template').set({ content: JSON.stringify(content), version: before.version + 1, updated_by: updatedBy, updated_at: now }).where('kind', '=', kind).execute();
    } else {
      await tx.insertInto('document_template').values({ kind, content: JSON.stringify(content), version: 1, updated_by: updatedBy, updated_at: now }).execute();
    }
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'document_template', entityId: kind, action: 'update', before: before.content, after: content, requestId: by.requestId });
    return getDocumentTemplate(tx, kind);
  });
};

/** Goes back to the built-in template. Audited. */
export const resetDocumentTemplate = async (deps: TemplateDeps, by: ChangedBy, kindText: string): Promise<DocumentTemplateView> => {
  const kind = assertDocumentKind(kindText);
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, `document-template:${kind}`);
    const before = await getDocumentTemplate(tx, kind);
    if (before.customized) {
      await tx.deleteFrom('document_template').where('kind', '=', kind).execute();
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'document_template', entityId: kind, action: 'reset', before: before.content, after: null, requestId: by.requestId });
    }
    return getDocumentTemplate(tx, kind);
  });
};

export { defaultDocumentTemplate };

// ---- e-mail templates

export interface MailTemplateView extends MailTemplateText {
  key: MailTemplateKey;
  language: DocumentLanguage;
  customized: boolean;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  variables: TemplateVariable[];
}

const mailView = (key: MailTemplateKey, language: DocumentLanguage, row: DB['mail_template'] | undefined): MailTemplateView => ({
  key,
  language,
  subject: row?.subject ?? DEFAULT_MAIL_TEMPLATES[key][language].subject,
  body: row?.body ?? DEFAULT_MAIL_TEMPLATES[key][language].body,
  customized: !!row,
  version: row ? toNumber(row.version) : 0,
  updatedAt: row?.updated_at ?? null,
  updatedBy: row?.updated_by ?? null,
  variables: MAIL_VARIABLES[key],
});

/** Every e-mail template in every language (the built-in text where none is saved). */
export const listMailTemplates = async (db: Db): Promise<MailTemplateView[]> => {
  const rows = await db.selectFrom('mail_template').selectAll().execute();
  const byId = new Map(rows.map((r) => [`${r.key}:${r.language}`, r]));
  return MAIL_TEMPLATE_KEYS.flatMap((key) => MAIL_LANGUAGES.map((language) => mailView(key, language, byId.get(`${key}:${language}`))));
};

export const getMailTemplate = async (db: Db, keyText: string, languageText: string): Promise<MailTemplateView> => {
  const { key, language } = assertMailTemplateId(keyText, languageText);
  const row = await db.selectFrom('mail_template').selectAll().where('key', '=', key).where('language', '=', language).executeTakeFirst();
  return mailView(key, language, row);
};

/** Saves an edited e-mail template; a variable the key does not have is refused with a 400 naming it. Audited. */
export const updateMailTemplate = async (
  deps: TemplateDeps,
  by: ChangedBy,
  keyText: string,
  languageText: string,
  input: MailTemplateText & { version?: number },
): Promise<MailTemplateView> => {
  const { key, language } = assertMailTemplateId(keyText, languageText);
  const text = checkMailTemplate(key, input);
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, `mail-template:${key}:${language}`);
    const before = await getMailTemplate(tx, key, language);
    checkVersion(input.version, before.version);
    const now = deps.clock.now().toISOString();
    const updatedBy = by.actor.name ?? by.actor.type;
    if (before.customized) {
      await tx
        .updateTable('mail_template')
        .set({ subject: text.subject, body: text.body, version: before.version + 1, updated_by: updatedBy, updated_at: now })
        .where('key', '=', key)
        .where('language', '=', language)
        .execute();
    } else {
      await tx.insertInto('mail_template').values({ key, language, subject: text.subject, body: text.body, version: 1, updated_by: updatedBy, updated_at: now }).execute();
    }
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'mail_template',
      entityId: `${key}:${language}`,
      action: 'update',
      before: { subject: before.subject, body: before.body },
      after: text,
      requestId: by.requestId,
    });
    return getMailTemplate(tx, key, language);
  });
};

export const resetMailTemplate = async (deps: TemplateDeps, by: ChangedBy, keyText: string, languageText: string): Promise<MailTemplateView> => {
  const { key, language } = assertMailTemplateId(keyText, languageText);
  return inTransaction(deps.db, async (tx) => {
    const before = await getMailTemplate(tx, key, language);
    if (before.customized) {
      await tx.deleteFrom('mail_template').where('key', '=', key).where('language', '=', language).execute();
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'mail_template', entityId: `${key}:${language}`, action: 'reset', before: { subject: before.subject, body: before.body }, after: null, requestId: by.requestId });
    }
    return getMailTemplate(tx, key, language);
  });
};

/** The text to send for a key in a language (one read). */
export const mailTemplateText = async (db: Db, key: MailTemplateKey, language: DocumentLanguage): Promise<MailTemplateText> => {
  const row = await db.selectFrom('mail_template').select(['subject', 'body']).where('key', '=', key).where('language', '=', language).executeTakeFirst();
  return row ?? DEFAULT_MAIL_TEMPLATES[key][language];
};
