import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import {
  ACCOUNT_FREQUENCIES,
  addAccountAttribute,
  addPriceVersion,
  ATTRIBUTE_PER,
  createAccountType,
  getAccountType,
  listAccountTypes,
  removeAccountAttribute,
  updateAccountAttribute,
  updateAccountType,
  type AccountAttribute,
  type AccountType,
  CAMPAIGN_KINDS,
  checkCampaignCode,
  createCampaignCode,
  createMembershipType,
  createProduct,
  getCampaignCode,
  getMembershipType,
  getProduct,
  listCampaignCodes,
  listMembershipTypes,
  listProducts,
  moneyOut,
  orgToday,
  priceInForce,
  PRODUCT_FREQUENCIES,
  PRODUCT_KINDS,
  TYPE_FREQUENCIES,
  updateCampaignCode,
  updateMembershipType,
  updateProduct,
  type CampaignCode,
  type ChangedBy,
  type MembershipType,
  type PriceVersion,
  type Product,
} from '../../modules/catalog/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { day } from '../schemas.ts';

const changedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const amount = z.string().max(30).describe('Decimal amount in major units of the organization currency, like "450.00"');
const priceSchema = z.object({ amount: z.string(), currency: z.string(), effectiveFrom: z.string() });
const priceVersionSchema = priceSchema.extend({ id: z.string(), createdAt: z.string() });
const idParams = z.object({ id: z.string().min(1).max(64) });
const archivedQuery = z.enum(['true', 'false']).optional().describe('Only archived (true) or only active (false) items; both when left out.');

const priceOut = (p: PriceVersion) => ({ ...moneyOut(p.amount), effectiveFrom: p.effectiveFrom });
const pricesOut = (prices: PriceVersion[], today: string) => {
  const now = priceInForce(prices, today);
  return { price: now ? priceOut(now) : null, prices: prices.map((p) => ({ id: p.id, ...priceOut(p), createdAt: p.createdAt })) };
};

export const membershipTypeSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  frequency: z.enum(TYPE_FREQUENCIES),
  trialDays: z.number(),
  convertsToId: z.string().nullable(),
  signupAllowed: z.boolean(),
  specialPrice: z.boolean(),
  invoiced: z.boolean(),
  glAccount: z.string().nullable().describe('NNNNN-NNNN; null: the miscellaneous sales account setting applies'),
  vatRate: z.string().describe('Decimal percent, like "25" or "0"'),
  followsId: z.string().nullable().describe('A household secondary type follows the primary\'s type (FM2 → FM1)'),
  archived: z.boolean(),
  position: z.number(),
  price: priceSchema.nullable().describe('The price in force today (organization time zone)'),
  prices: z.array(priceVersionSchema).describe('Every price version, oldest first'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const typeOut = (t: MembershipType, today: string) => ({ ...t, ...pricesOut(t.prices, today) });

export const productSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(PRODUCT_KINDS),
  frequency: z.enum(PRODUCT_FREQUENCIES),
  glAccount: z.string().nullable().describe('NNNNN-NNNN; null: the miscellaneous sales account setting applies'),
  vatRate: z.string(),
  archived: z.boolean(),
  position: z.number(),
  price: priceSchema.nullable(),
  prices: z.array(priceVersionSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const productOut = (p: Product, today: string) => ({ ...p, ...pricesOut(p.prices, today) });

export const accountAttributeSchema = z.object({
  id: z.string(),
  code: z.string().describe('What usage records name, like disk_mb'),
  description: z.string(),
  unit: z.string(),
  included: z.string().describe('Decimal quantity included per period (or per term)'),
  rate: z.string().describe('Price of one unit beyond the included quantity, in major units'),
  currency: z.string(),
  per: z.enum(ATTRIBUTE_PER),
  glAccount: z.string().nullable().describe("null: the account type's G/L account applies"),
  vatRate: z.string(),
  position: z.number(),
});
const attributeOut = (a: AccountAttribute) => {
  const { accountTypeId: _t, createdAt: _c, updatedAt: _u, rate, ...rest } = a;
  return { ...rest, rate: moneyOut(rate).amount, currency: rate.currency };
};

export const accountTypeSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  frequency: z.enum(ACCOUNT_FREQUENCIES).describe('The period; usage is counted per period'),
  termPeriods: z.number().describe('Periods per term; the fee is charged per term, in advance'),
  glAccount: z.string().nullable(),
  vatRate: z.string(),
  archived: z.boolean(),
  position: z.number(),
  price: priceSchema.nullable().describe('The term fee in force today'),
  prices: z.array(priceVersionSchema),
  attributes: z.array(accountAttributeSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const accountTypeOut = (t: AccountType, today: string) => ({ ...t, ...pricesOut(t.prices, today), attributes: t.attributes.map(attributeOut) });

export const campaignCodeSchema = z.object({
  id: z.string(),
  code: z.string(),
  description: z.string(),
  kind: z.enum(CAMPAIGN_KINDS),
  percent: z.string().nullable(),
  amount: z.string().nullable(),
  currency: z.string().nullable(),
  validFrom: z.string(),
  validTo: z.string(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  appliesTo: z.array(z.string()).nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const campaignOut = (c: CampaignCode) => ({ ...c, ...(c.amount ? moneyOut(c.amount) : { amount: null, currency: null }) });

const typeFields = {
  code: z.string().max(50).describe('2–10 letters and digits, starting with a letter (ORD); stored upper-case'),
  name: z.string().max(200),
  description: z.string().max(2000),
  frequency: z.enum(TYPE_FREQUENCIES),
  trialDays: z.number().int().min(0).max(100_000),
  convertsToId: z.string().max(64).nullable().describe('The type a member becomes when a trial or discount ends'),
  signupAllowed: z.boolean(),
  specialPrice: z.boolean().describe('The price comes from the member'),
  invoiced: z.boolean(),
  glAccount: z.string().max(20).nullable().describe('NNNNN-NNNN; null: the miscellaneous sales account setting applies'),
  vatRate: z.string().max(20).describe('Decimal percent, like "25" or "0"'),
  followsId: z.string().max(64).nullable().describe('The type a household secondary follows (FM2 → FM1)'),
  position: z.number().int().min(0).max(1_000_000),
};
const productFields = {
  code: z.string().max(50).describe('1–20 letters, digits, - and _ (PPP, DISK-1G); stored upper-case'),
  name: z.string().max(200),
  description: z.string().max(2000),
  kind: z.enum(PRODUCT_KINDS),
  frequency: z.enum(PRODUCT_FREQUENCIES),
  glAccount: z.string().max(20).nullable(),
  vatRate: z.string().max(20).describe('Decimal percent, like "25" or "0"'),
  position: z.number().int().min(0).max(1_000_000),
};
const campaignFields = {
  code: z.string().max(50),
  description: z.string().max(2000),
  kind: z.enum(CAMPAIGN_KINDS),
  percent: z.string().max(20).nullable().describe('Percent off the first period, for kind percent'),
  amount: amount.nullable().describe('First-period price, for kind fixed_price'),
  validFrom: day,
  validTo: day.describe('Last valid day (inclusive)'),
  maxUses: z.number().int().min(1).max(1_000_000_000).nullable(),
  appliesTo: z.array(z.string().max(64)).max(500).nullable().describe('Membership type ids; null for every type'),
};
const createTypeBody = z.strictObject({
  code: typeFields.code,
  name: typeFields.name,
  description: typeFields.description.optional(),
  frequency: typeFields.frequency,
  trialDays: typeFields.trialDays.optional(),
  convertsToId: typeFields.convertsToId.optional(),
  signupAllowed: typeFields.signupAllowed.optional(),
  specialPrice: typeFields.specialPrice.optional(),
  invoiced: typeFields.invoiced.optional(),
  glAccount: typeFields.glAccount.optional(),
  vatRate: typeFields.vatRate.optional(),
  followsId: typeFields.followsId.optional(),
  position: typeFields.position.optional(),
  price: amount,
  priceEffectiveFrom: day.optional(),
});
const createProductBody = z.strictObject({
  code: productFields.code,
  name: productFields.name,
  description: productFields.description.optional(),
  kind: productFields.kind,
  frequency: productFields.frequency,
  glAccount: productFields.glAccount.optional(),
  vatRate: productFields.vatRate.optional(),
  position: productFields.position.optional(),
  price: amount,
  priceEffectiveFrom: day.optional(),
});
// A change takes any of the create fields but the price (prices change by new versions), plus archived.
const notPrice = { price: true, priceEffectiveFrom: true } as const;
const patchTypeBody = createTypeBody.omit(notPrice).partial().extend({ archived: z.boolean().optional() });
const patchProductBody = createProductBody.omit(notPrice).partial().extend({ archived: z.boolean().optional() });
const priceBody = z.strictObject({ amount, effectiveFrom: day.describe('Today or later; versions are never changed') });
const attributeBody = z.strictObject({
  code: z.string().max(50).describe('1–30 letters, digits and _, starting with a letter (disk_mb); stored lower-case'),
  description: z.string().max(400).describe('As it reads on an invoice line'),
  unit: z.string().max(40).optional(),
  included: z.string().max(30).optional().describe('Decimal quantity included per period (or term); 0 when left out'),
  rate: amount.describe('Price of one unit beyond the included quantity, like "0.50"'),
  per: z.enum(ATTRIBUTE_PER).optional().describe('period (the default) or term'),
  glAccount: z.string().max(20).nullable().optional(),
  vatRate: z.string().max(20).optional().describe("Decimal percent; the account type's rate when left out"),
  position: z.number().int().min(0).max(1_000_000).optional(),
});
const createAccountTypeBody = z.strictObject({
  code: z.string().max(50).describe('1–20 letters, digits, - and _ (WEB-S); stored upper-case'),
  name: z.string().max(200),
  description: z.string().max(2000).optional(),
  frequency: z.enum(ACCOUNT_FREQUENCIES),
  termPeriods: z.number().int().min(1).max(1000).optional().describe('Periods per term; 1 when left out'),
  glAccount: z.string().max(20).nullable().optional(),
  vatRate: z.string().max(20).optional(),
  position: z.number().int().min(0).max(1_000_000).optional(),
  price: amount.describe('The term fee; "0" when there is none'),
  priceEffectiveFrom: day.optional(),
  attributes: z.array(attributeBody).max(100).optional(),
});
const patchAccountTypeBody = createAccountTypeBody.omit({ ...notPrice, attributes: true }).partial().extend({ archived: z.boolean().optional() });
const attributeParams = z.object({ id: z.string().min(1).max(64), attributeId: z.string().min(1).max(64) });
const catalogSorts = ['position', 'code', 'name', 'created_at'] as const;
const catalogListQuery = listQuery.extend({ archived: archivedQuery });
const archivedOf = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

/** The catalog: membership types, products, account types and campaign codes (area "billing"). */
export const registerCatalogRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('billing', 'read');
  const update = requireAccess('billing', 'update');
  const today = () => orgToday(ctx.db, ctx.clock);

  // ---- membership types
  app.get(
    '/api/v1/membership-types',
    { schema: { tags: ['billing'], summary: 'Membership types with the price in force today and their price history', querystring: catalogListQuery, response: { 200: pagedOf(membershipTypeSchema) } }, preHandler: read },
    async (request) => {
      const q = request.query;
      const page = await listMembershipTypes(ctx.db, { ...q, sort: parseSort(q.sort, catalogSorts, { column: 'position', direction: 'asc' }), archived: archivedOf(q.archived) });
      const d = await today();
      return { ...page, items: page.items.map((t) => typeOut(t, d)) };
    },
  );
  app.post(
    '/api/v1/membership-types',
    {
      schema: {
        tags: ['billing'],
        summary: 'Create a membership type with its first price (effective today unless priceEffectiveFrom is given)',
        body: createTypeBody,
        response: { 201: membershipTypeSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(typeOut(await createMembershipType(ctx, changedBy(request), request.body), await today())),
  );
  app.get(
    '/api/v1/membership-types/:id',
    { schema: { tags: ['billing'], summary: 'One membership type', params: idParams, response: { 200: membershipTypeSchema } }, preHandler: read },
    async (request) => typeOut(await getMembershipType(ctx.db, request.params.id), await today()),
  );
  app.patch(
    '/api/v1/membership-types/:id',
    {
      schema: {
        tags: ['billing'],
        summary: 'Change a membership type; archived: true archives it, false restores it. Prices change with POST …/prices.',
        params: idParams,
        body: patchTypeBody,
        response: { 200: membershipTypeSchema },
      },
      preHandler: update,
    },
    async (request) => typeOut(await updateMembershipType(ctx, changedBy(request), request.params.id, request.body), await today()),
  );
  app.post(
    '/api/v1/membership-types/:id/prices',
    { schema: { tags: ['billing'], summary: 'Add a price version taking effect on effectiveFrom (today or later)', params: idParams, body: priceBody, response: { 201: membershipTypeSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(typeOut(await addPriceVersion(ctx, changedBy(request), 'membership_type', request.params.id, request.body), await today())),
  );

  // ---- products
  app.get(
    '/api/v1/products',
    { schema: { tags: ['billing'], summary: 'Products and services with the price in force today and their price history', querystring: catalogListQuery, response: { 200: pagedOf(productSchema) } }, preHandler: read },
    async (request) => {
      const q = request.query;
      const page = await listProducts(ctx.db, { ...q, sort: parseSort(q.sort, catalogSorts, { column: 'position', direction: 'asc' }), archived: archivedOf(q.archived) });
      const d = await today();
      return { ...page, items: page.items.map((p) => productOut(p, d)) };
    },
  );
  app.post(
    '/api/v1/products',
    {
      schema: {
        tags: ['billing'],
        summary: 'Create a product or service with its unit price ("0" for free)',
        body: createProductBody,
        response: { 201: productSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(productOut(await createProduct(ctx, changedBy(request), request.body), await today())),
  );
  app.get(
    '/api/v1/products/:id',
    { schema: { tags: ['billing'], summary: 'One product', params: idParams, response: { 200: productSchema } }, preHandler: read },
    async (request) => productOut(await getProduct(ctx.db, request.params.id), await today()),
  );
  app.patch(
    '/api/v1/products/:id',
    {
      schema: {
        tags: ['billing'],
        summary: 'Change a product; archived: true archives it, false restores it. Prices change with POST …/prices.',
        params: idParams,
        body: patchProductBody,
        response: { 200: productSchema },
      },
      preHandler: update,
    },
    async (request) => productOut(await updateProduct(ctx, changedBy(request), request.params.id, request.body), await today()),
  );
  app.post(
    '/api/v1/products/:id/prices',
    { schema: { tags: ['billing'], summary: 'Add a price version taking effect on effectiveFrom (today or later)', params: idParams, body: priceBody, response: { 201: productSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(productOut(await addPriceVersion(ctx, changedBy(request), 'product', request.params.id, request.body), await today())),
  );

  // ---- account types (seed 004 §2.4): a term fee and usage attributes
  const accountTypes = '/api/v1/catalog/account-types';
  app.get(
    accountTypes,
    { schema: { tags: ['billing'], summary: 'Account types with the term fee in force today, its history, and their usage attributes', querystring: catalogListQuery, response: { 200: pagedOf(accountTypeSchema) } }, preHandler: read },
    async (request) => {
      const q = request.query;
      const page = await listAccountTypes(ctx.db, { ...q, sort: parseSort(q.sort, catalogSorts, { column: 'position', direction: 'asc' }), archived: archivedOf(q.archived) });
      const d = await today();
      return { ...page, items: page.items.map((t) => accountTypeOut(t, d)) };
    },
  );
  app.post(
    accountTypes,
    {
      schema: {
        tags: ['billing'],
        summary: 'Create an account type with its term fee (effective today unless priceEffectiveFrom is given) and, optionally, its attributes',
        body: createAccountTypeBody,
        response: { 201: accountTypeSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(accountTypeOut(await createAccountType(ctx, changedBy(request), request.body), await today())),
  );
  app.get(
    `${accountTypes}/:id`,
    { schema: { tags: ['billing'], summary: 'One account type with its attributes', params: idParams, response: { 200: accountTypeSchema } }, preHandler: read },
    async (request) => accountTypeOut(await getAccountType(ctx.db, request.params.id), await today()),
  );
  app.patch(
    `${accountTypes}/:id`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Change an account type; archived: true archives it, false restores it. The period and term cannot change while subscriptions run. Fees change with POST …/prices.',
        params: idParams,
        body: patchAccountTypeBody,
        response: { 200: accountTypeSchema },
      },
      preHandler: update,
    },
    async (request) => accountTypeOut(await updateAccountType(ctx, changedBy(request), request.params.id, request.body), await today()),
  );
  app.post(
    `${accountTypes}/:id/prices`,
    { schema: { tags: ['billing'], summary: 'Add a term fee version taking effect on effectiveFrom (today or later)', params: idParams, body: priceBody, response: { 201: accountTypeSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(accountTypeOut(await addPriceVersion(ctx, changedBy(request), 'account_type', request.params.id, request.body), await today())),
  );
  app.post(
    `${accountTypes}/:id/attributes`,
    { schema: { tags: ['billing'], summary: 'Add a usage attribute to an account type', params: idParams, body: attributeBody, response: { 201: accountTypeSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(accountTypeOut(await addAccountAttribute(ctx, changedBy(request), request.params.id, request.body), await today())),
  );
  app.patch(
    `${accountTypes}/:id/attributes/:attributeId`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Change a usage attribute; the code cannot change once usage is recorded under it',
        params: attributeParams,
        body: attributeBody.partial(),
        response: { 200: accountTypeSchema },
      },
      preHandler: update,
    },
    async (request) => accountTypeOut(await updateAccountAttribute(ctx, changedBy(request), request.params.id, request.params.attributeId, request.body), await today()),
  );
  app.delete(
    `${accountTypes}/:id/attributes/:attributeId`,
    { schema: { tags: ['billing'], summary: 'Remove a usage attribute no usage has been recorded under', params: attributeParams, response: { 200: accountTypeSchema } }, preHandler: update },
    async (request) => accountTypeOut(await removeAccountAttribute(ctx, changedBy(request), request.params.id, request.params.attributeId), await today()),
  );

  // ---- campaign codes
  app.get(
    '/api/v1/campaign-codes',
    {
      schema: { tags: ['billing'], summary: 'Campaign codes', querystring: catalogListQuery, response: { 200: pagedOf(campaignCodeSchema) } },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, ['code', 'valid_from', 'valid_to', 'created_at'] as const, { column: 'code', direction: 'asc' });
      const page = await listCampaignCodes(ctx.db, { ...q, sort, archived: archivedOf(q.archived) });
      return { ...page, items: page.items.map(campaignOut) };
    },
  );
  app.post(
    '/api/v1/campaign-codes',
    {
      schema: {
        tags: ['billing'],
        summary: 'Create a campaign code: percent off, or a fixed price, for the first period of chosen membership types, between two dates, with an optional use limit',
        body: z.strictObject({
          code: campaignFields.code,
          description: campaignFields.description.optional(),
          kind: campaignFields.kind,
          percent: campaignFields.percent.optional(),
          amount: campaignFields.amount.optional(),
          validFrom: campaignFields.validFrom,
          validTo: campaignFields.validTo,
          maxUses: campaignFields.maxUses.optional(),
          appliesTo: campaignFields.appliesTo.optional(),
        }),
        response: { 201: campaignCodeSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(campaignOut(await createCampaignCode(ctx, changedBy(request), request.body))),
  );
  app.post(
    '/api/v1/campaign-codes/check',
    {
      schema: {
        tags: ['billing'],
        summary: 'What a campaign code gives a new member of a type on a date (today when left out), without using it',
        body: z.strictObject({ code: z.string().max(50), membershipTypeId: z.string().min(1).max(64), date: day.optional() }),
        response: {
          200: z.object({
            valid: z.boolean(),
            price: z.object({ amount: z.string(), currency: z.string() }).nullable().describe('The first-period price with the code'),
            regularPrice: z.object({ amount: z.string(), currency: z.string() }).nullable(),
            reason: z.string().optional().describe('Why the code does not apply'),
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const date = request.body.date ?? (await today());
      const r = await checkCampaignCode(ctx.db, { ...request.body, date });
      const regularPrice = r.regularPrice ? moneyOut(r.regularPrice) : null;
      return r.valid ? { valid: true, price: moneyOut(r.price), regularPrice } : { valid: false, price: null, regularPrice, reason: r.reason };
    },
  );
  app.get(
    '/api/v1/campaign-codes/:id',
    { schema: { tags: ['billing'], summary: 'One campaign code', params: idParams, response: { 200: campaignCodeSchema } }, preHandler: read },
    async (request) => campaignOut(await getCampaignCode(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/campaign-codes/:id',
    {
      schema: {
        tags: ['billing'],
        summary: 'Change a campaign code; archived: true stops it. The use count is kept.',
        params: idParams,
        body: z.strictObject({
          code: campaignFields.code.optional(),
          description: campaignFields.description.optional(),
          kind: campaignFields.kind.optional(),
          percent: campaignFields.percent.optional(),
          amount: campaignFields.amount.optional(),
          validFrom: campaignFields.validFrom.optional(),
          validTo: campaignFields.validTo.optional(),
          maxUses: campaignFields.maxUses.optional(),
          appliesTo: campaignFields.appliesTo.optional(),
          archived: z.boolean().optional(),
        }),
        response: { 200: campaignCodeSchema },
      },
      preHandler: update,
    },
    async (request) => campaignOut(await updateCampaignCode(ctx, changedBy(request), request.params.id, request.body)),
  );
};
