import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import { getSettings, listSettings, SETTING_GROUPS, SETTING_TYPES, updateSetting, type SettingsRuntime } from '../../modules/settings/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import type { Api } from '../server.ts';

export const settingItem = z.object({
  key: z.string(),
  group: z.enum(SETTING_GROUPS),
  type: z.enum(SETTING_TYPES),
  label: z.string(),
  description: z.string(),
  value: z.unknown().describe('Typed by `type`: integer → number, boolean → boolean, image → data: URL or null, all others → string (decimals and money as exact decimal strings).'),
  readOnly: z.boolean(),
  options: z.array(z.string()).optional(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

const organization = z.object({ name: z.string(), locale: z.string(), currency: z.string(), timeZone: z.string(), logo: z.string().nullable() });

export const registerSettingsRoutes = (app: Api, ctx: AppContext) => {
  const runtime: SettingsRuntime = { sessionIdleMinutes: ctx.config.sessionIdleMinutes };

  app.get(
    '/api/v1/organization',
    {
      schema: {
        tags: ['settings'],
        summary: 'The organization name, locale, currency, time zone and logo (public: the login page shows them)',
        security: [],
        response: { 200: organization },
      },
    },
    async () => {
      const s = await getSettings(ctx.db, runtime);
      return {
        name: s['organization.name'],
        locale: s['organization.locale'],
        currency: s['organization.currency'],
        timeZone: s['organization.time_zone'],
        logo: s['organization.logo'],
      };
    },
  );

  app.get(
    '/api/v1/settings',
    {
      schema: { tags: ['settings'], summary: 'Every setting with its type, description and current value', response: { 200: z.object({ items: z.array(settingItem) }) } },
      preHandler: requireAccess('settings', 'read'),
    },
    async () => ({ items: await listSettings(ctx.db, runtime) }),
  );

  app.patch(
    '/api/v1/settings/:key',
    {
      schema: {
        tags: ['settings'],
        summary: 'Change one setting (validated by its type; audited). `value: null` puts it back to its default. The A/R and customer-credit accounts change only while no contact has a balance on them (409 otherwise).',
        params: z.object({ key: z.string().max(100) }),
        body: z.strictObject({
          value: z.union([z.string(), z.number(), z.boolean(), z.null()], {
            error: 'Send { "value": … } with the new value as text, a number or true/false (null puts the default back).',
          }),
        }),
        response: { 200: settingItem },
      },
      preHandler: requireAccess('settings', 'update'),
    },
    async (request) => updateSetting({ db: ctx.db, clock: ctx.clock, runtime }, actorOf(request), request.params.key, request.body.value, request.id),
  );
};
