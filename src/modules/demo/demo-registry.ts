import type { AppContext } from '../../app.ts';
import { inTransaction } from '../../db/database.ts';
import type { Actor } from '../audit/index.ts';
import {
  addOrganizationContact,
  confirmContact,
  createContactInTx,
  createCustomField,
  createHousehold,
  loadCustomFields,
  recordConsentInTx,
  updateContact,
  updateContactInTx,
  type ContactInput,
} from '../contacts/index.ts';

/**
 * A realistic member registry for `guildhall demo`: a makerspace in Oslo with members from Norway
 * and abroad, families, a housing co-op's fields, organizations with their contacts, payers and
 * consents. The same every time (a seeded random generator), and loaded once: when the marker
 * organization exists, nothing is added.
 */
export interface DemoRegistryResult {
  persons: number;
  organizations: number;
  households: number;
  created: boolean;
}

const MARKER_ORG = { name: 'Journalists United', number: '912 345 678' };
const PERSONS = 420;

/** mulberry32: a small deterministic generator. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const FIRST_NORWEGIAN = [
  'Ola', 'Kari', 'Åse', 'Øystein', 'Ingrid', 'Bjørn', 'Sigrid', 'Håkon', 'Solveig', 'Pål', 'Kjersti', 'Tor', 'Ragnhild', 'Eirik', 'Mari', 'Jørgen',
  'Astrid', 'Sindre', 'Live', 'Ørjan', 'Tuva', 'Gunnar', 'Hege', 'Stein', 'Marit', 'Æsa', 'Torbjørn', 'Nora', 'Vegard', 'Ida', 'Lars', 'Hanne',
  'Knut', 'Silje', 'Anders', 'Ane', 'Per Kristian', 'Anne-Lise', 'Mathias', 'Ingvild',
];
const LAST_NORWEGIAN = [
  'Ødegård', 'Hætta', 'Bjørge', 'Sæther', 'Løvås', 'Åsheim', 'Kråkenes', 'Grønli', 'Søreide', 'Bråten', 'Nygård', 'Fjærli', 'Strøm', 'Dæhli',
  'Haugen', 'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Berg', 'Lie', 'Bakke',
  'Moe', 'Dahl', 'Solberg', 'Halvorsen', 'Eriksen', 'Vik', 'Aas', 'Sørensen', 'Myhre', 'Holm', 'Lund', 'Røed',
];
const INTERNATIONAL: Array<[string, string, string]> = [
  ['José', 'García', 'ES'], ['Zoë', 'Müller', 'DE'], ['Chloé', 'Dubois', 'FR'], ['Léa', 'Lefèvre', 'FR'], ['Renée', 'Fontaine', 'FR'], ['Jürgen', 'Schröder', 'DE'],
  ['Ahmed', 'Hassan', 'NO'], ['Fatima', 'Al-Sayed', 'NO'], ['Aleksandra', 'Wiśniewska', 'PL'], ['Łukasz', 'Nowak', 'NO'], ['Siobhán', 'Ó Briain', 'IE'],
  ['Björn', 'Ångström', 'SE'], ['Søren', 'Kjærgaard', 'DK'], ['Nguyễn', 'Văn An', 'NO'], ['Mei', 'Chen', 'NO'], ['Amara', 'Okafor', 'NO'], ['Raúl', 'Fernández', 'ES'],
  ['Ana', 'Peña', 'ES'], ['Hélène', 'Marchand', 'FR'], ['Mikko', 'Järvinen', 'FI'], ['Guðrún', 'Jónsdóttir', 'IS'], ['Tomás', 'Novák', 'CZ'], ['Priya', 'Nair', 'NO'],
  ['Olumide', 'Adeyemi', 'NO'], ['Yusuf', 'Demir', 'NO'],
];
const ADDRESSES: Array<{ street: string; postcode: string; place: string; country: string }> = [
  { street: 'Grønlandsleiret 61 A', postcode: '0190', place: 'Oslo', country: 'NO' },
  { street: 'Grønlandsleiret 61 B', postcode: '0190', place: 'Oslo', country: 'NO' },
  { street: 'Grønlandsleiret 61 C', postcode: '0190', place: 'Oslo', country: 'NO' },
  { street: 'Tøyengata 12', postcode: '0578', place: 'Oslo', country: 'NO' },
  { street: 'Storgata 5', postcode: '0155', place: 'Oslo', country: 'NO' },
  { street: 'Thereses gate 20', postcode: '0354', place: 'Oslo', country: 'NO' },
  { street: 'Bogstadveien 30', postcode: '0355', place: 'Oslo', country: 'NO' },
  { street: 'Kirkeveien 64', postcode: '0364', place: 'Oslo', country: 'NO' },
  { street: 'Trondheimsveien 25', postcode: '0560', place: 'Oslo', country: 'NO' },
  { street: 'Markveien 35', postcode: '0554', place: 'Oslo', country: 'NO' },
  { street: 'Sannergata 6', postcode: '0557', place: 'Oslo', country: 'NO' },
  { street: 'Åsengata 10', postcode: '0480', place: 'Oslo', country: 'NO' },
  { street: 'Bjørnstjerne Bjørnsons gate 4', postcode: '3044', place: 'Drammen', country: 'NO' },
  { street: 'Nygårdsgaten 3', postcode: '5015', place: 'Bergen', country: 'NO' },
  { street: 'Olav Tryggvasons gate 10', postcode: '7011', place: 'Trondheim', country: 'NO' },
  { street: 'Skippergata 2', postcode: '9008', place: 'Tromsø', country: 'NO' },
  { street: 'Kongens gate 8', postcode: '4610', place: 'Kristiansand', country: 'NO' },
  { street: 'Løkkeveien 14', postcode: '4008', place: 'Stavanger', country: 'NO' },
];
const ABROAD: Record<string, { street: string; postcode: string; place: string }> = {
  ES: { street: 'Calle de Alcalá 42', postcode: '28014', place: 'Madrid' },
  DE: { street: 'Hauptstraße 5', postcode: '10115', place: 'Berlin' },
  FR: { street: 'Rue de Rivoli 10', postcode: '75001', place: 'Paris' },
  PL: { street: 'ul. Długa 7', postcode: '80-827', place: 'Gdańsk' },
  IE: { street: '12 Grafton Street', postcode: 'D02 VF65', place: 'Dublin' },
  SE: { street: 'Drottninggatan 20', postcode: '111 51', place: 'Stockholm' },
  DK: { street: 'Nørrebrogade 30', postcode: '2200', place: 'København N' },
  FI: { street: 'Mannerheimintie 5', postcode: '00100', place: 'Helsinki' },
  IS: { street: 'Laugavegur 22', postcode: '101', place: 'Reykjavík' },
  CZ: { street: 'Národní 9', postcode: '110 00', place: 'Praha' },
};
const TAGS = ['frivillig', 'verksted', '3D-print', 'elektronikk', 'trearbeid', 'tekstil', 'nyhetsbrev', 'kurslærer'];
const UNIT_ADDRESSES = ['Grønlandsleiret 61 A', 'Grønlandsleiret 61 B', 'Grønlandsleiret 61 C', 'Grønlandsleiret 61 (kjeller)'];

const ORGANIZATIONS: Array<ContactInput & { orgName: string }> = [
  { kind: 'organization', orgName: 'Fjordnett AS', orgNumber: '987 654 321', vatNumber: 'NO987654321MVA', email: 'faktura@fjordnett.example', addressLines: ['Postboks 123 Sentrum'], postcode: '0102', place: 'Oslo', country: 'NO', phoneWork: '+47 22 00 11 22' },
  { kind: 'organization', orgName: 'Borettslaget Grønland', orgNumber: '954 321 987', email: 'styret@gronland-brl.example', addressLines: ['Grønlandsleiret 61'], postcode: '0190', place: 'Oslo', country: 'NO' },
  { kind: 'organization', orgName: 'Oslo kommune, Bydel Gamle Oslo', orgNumber: '974 778 807', email: 'postmottak@bgo.example', addressLines: ['Postboks 9500 Sentrum'], postcode: '0035', place: 'Oslo', country: 'NO', invoiceDelivery: 'print' },
  { kind: 'organization', orgName: 'Kystlaget Bjørkvik', orgNumber: '998 877 665', email: 'post@kystlaget.example', postcode: '0150', place: 'Oslo', country: 'NO' },
  { kind: 'organization', orgName: 'Nordic Makers Network', orgNumber: '921 000 111', email: 'hello@nordicmakers.example', addressLines: ['Drottninggatan 20'], postcode: '111 51', place: 'Stockholm', country: 'SE' },
];

const slug = (s: string) =>
  s
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .replaceAll('ł', 'l')
    .replaceAll('ð', 'd')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '');

export const loadDemoRegistry = async (ctx: AppContext, actor: Actor): Promise<DemoRegistryResult> => {
  const by = { actor };
  const existing = await ctx.db.selectFrom('contact').select('id').where('org_name', '=', MARKER_ORG.name).where('org_number', '=', MARKER_ORG.number).executeTakeFirst();
  if (existing) {
    const count = async (kind: string) => Number((await ctx.db.selectFrom('contact').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', kind).executeTakeFirstOrThrow()).n);
    const households = Number((await ctx.db.selectFrom('household').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { persons: await count('person'), organizations: await count('organization'), households, created: false };
  }

  // Housing co-op fields (seed 003), created once.
  const fieldKeys = new Set((await loadCustomFields(ctx.db)).map((f) => f.key));
  const fieldDefs = [
    { key: 'section_number', label: 'Seksjonsnummer', description: 'Nummeret (heltall) som identifiserer eierseksjonen (leiligheten).', type: 'number' as const, visibility: 'member_visible' as const, appliesTo: 'person' as const, position: 1 },
    { key: 'parking_place', label: 'P-plass', description: 'Nummeret (heltall) som identifiserer parkeringsplassen.', type: 'number' as const, visibility: 'member_visible' as const, appliesTo: 'person' as const, position: 2 },
    { key: 'unit_id', label: 'Bolignummer', description: 'Offisielt bolignummer (H0000).', type: 'text' as const, visibility: 'member_visible' as const, appliesTo: 'person' as const, position: 3 },
    { key: 'unit_address', label: 'Enhetsadresse', description: 'Oppgangen leiligheten ligger i.', type: 'choice' as const, options: UNIT_ADDRESSES, visibility: 'member_editable' as const, appliesTo: 'person' as const, position: 4 },
  ];
  for (const def of fieldDefs) if (!fieldKeys.has(def.key)) await createCustomField(ctx, by, def);

  const random = prng(20260115);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number) => random() < p;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

  interface Made {
    id: string;
    lastName: string;
    birthYear: number;
    place: string;
  }
  const persons: Made[] = [];
  const orgIds: string[] = [];
  const fields = await loadCustomFields(ctx.db);

  await inTransaction(ctx.db, async (tx) => {
    const consent = (contactId: string, kind: 'statutes' | 'data_processing' | 'info_email' | 'info_sms', granted: boolean) =>
      recordConsentInTx(tx, ctx.clock, by, contactId, { kind, granted, source: 'staff' });

    for (let i = 0; i < PERSONS; i++) {
      const international = chance(0.14);
      const [first, last, country] = international ? pick(INTERNATIONAL) : [pick(FIRST_NORWEGIAN), pick(LAST_NORWEGIAN), 'NO'];
      const abroad = country !== 'NO' && chance(0.5) ? ABROAD[country] : undefined;
      const address = abroad ? { ...abroad, country } : pick(ADDRESSES);
      const child = i % 28 === 27; // young members; a parent pays for some
      const birthYear = child ? 2009 + Math.floor(random() * 7) : 1945 + Math.floor(random() * 60);
      const birthDate = `${birthYear}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const hasEmail = !chance(0.09);
      const domain = pick(['example.org', 'example.net', 'example.com']);
      const coop = address.street.startsWith('Grønlandsleiret') && chance(0.8);
      const input: ContactInput = {
        kind: 'person',
        firstNames: first,
        lastName: last,
        birthDate,
        gender: chance(0.1) ? null : pick(['kvinne', 'mann']),
        addressLines: [address.street],
        postcode: address.postcode,
        place: address.place,
        country: address.country,
        phoneMobile: address.country === 'NO' || chance(0.5) ? `+47 ${pick(['4', '9'])}${digits(2)} ${digits(2)} ${digits(3)}` : null,
        phoneHome: chance(0.08) ? `+47 22 ${digits(2)} ${digits(2)} ${digits(2)}` : null,
        email: hasEmail ? `${slug(first)}.${slug(last)}${i}@${domain}` : null,
        invoiceDelivery: hasEmail ? 'email' : 'print',
        language: country === 'NO' ? 'nb' : 'en',
        note: chance(0.05) ? pick(['Betalte kontant ved døra i fjor.', 'Ønsker faktura på papir i januar.', 'Instruktør for laserkutter.']) : null,
        tags: [...new Set(TAGS.filter(() => chance(0.12)).concat(coop ? ['borettslag'] : []))],
        customFields: coop
          ? {
              section_number: 1 + Math.floor(random() * 120),
              ...(chance(0.4) ? { parking_place: 1 + Math.floor(random() * 40) } : {}),
              unit_id: `H0${1 + Math.floor(random() * 4)}0${1 + Math.floor(random() * 8)}`,
              unit_address: address.street,
            }
          : undefined,
      };
      const c = await createContactInTx(tx, ctx.clock, by, input, { fields });
      persons.push({ id: c.id, lastName: last, birthYear, place: address.place });
      if (chance(0.93)) await consent(c.id, 'statutes', true);
      if (chance(0.95)) await consent(c.id, 'data_processing', true);
      if (hasEmail && chance(0.6)) {
        await consent(c.id, 'info_email', true);
        if (chance(0.1)) await consent(c.id, 'info_email', false); // changed their mind: the history shows both
      }
      if (chance(0.25)) await consent(c.id, 'info_sms', true);
    }
    for (const org of [...ORGANIZATIONS, { kind: 'organization' as const, orgName: MARKER_ORG.name, orgNumber: MARKER_ORG.number, email: 'medlem@journalists.example', addressLines: ['Rådhusgata 17'], postcode: '0158', place: 'Oslo', country: 'NO' }]) {
      orgIds.push((await createContactInTx(tx, ctx.clock, by, org, { fields })).id);
    }
    // Payers: an employer for some staff members, the district for some young members.
    const [fjordnett, , district] = orgIds;
    for (const p of persons.filter((_, i) => i % 37 === 5).slice(0, 6)) await updateContactInTx(tx, ctx.clock, by, p.id, { payerId: fjordnett! });
    for (const p of persons.filter((p) => p.birthYear >= 2009).slice(-3)) await updateContactInTx(tx, ctx.clock, by, p.id, { payerId: district! });
  });

  // Households: a primary adult with a partner and children at the same address; a parent pays for a child.
  let households = 0;
  const adults = persons.filter((p) => p.birthYear < 2000);
  const children = persons.filter((p) => p.birthYear >= 2009);
  for (let h = 0; h < 30; h++) {
    const primary = adults[h * 4];
    const partner = adults[h * 4 + 1];
    if (!primary || !partner) break;
    // The last children pay through the district (above); the first ones join a family whose primary pays.
    const kids = h % 2 === 0 && h / 2 < children.length - 3 ? [children[h / 2]!] : [];
    await createHousehold(ctx, by, { name: `Familien ${primary.lastName}`, primaryId: primary.id, secondaryIds: [partner.id, ...kids.map((k) => k.id)] });
    for (const k of kids) await updateContact(ctx, by, k.id, { payerId: primary.id });
    households++;
  }

  // Organization contacts: an administrative and one or two technical contacts each; most have confirmed.
  const withEmail = await ctx.db
    .selectFrom('contact')
    .select('id')
    .where('kind', '=', 'person')
    .where('email', 'is not', null)
    .where('household_id', 'is', null)
    .orderBy('member_number')
    .limit(40)
    .execute();
  let next = 0;
  for (const [i, orgId] of orgIds.entries()) {
    const roles: Array<'administrative' | 'technical'> = i % 2 === 0 ? ['administrative', 'technical', 'technical'] : ['administrative', 'technical'];
    for (const [j, role] of roles.entries()) {
      const person = withEmail[next++];
      if (!person) break;
      await addOrganizationContact(ctx, by, orgId, { personId: person.id, role });
      if ((i + j) % 3 !== 2) {
        // Confirm through the link in the e-mail, as the person would.
        const mail = await ctx.db.selectFrom('mail_message').select('text_body').where('related_id', '=', person.id).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
        const token = /confirm-contact\?token=([\w-]+)/.exec(mail.text_body)?.[1];
        if (token) await confirmContact(ctx, decodeURIComponent(token));
      }
    }
  }

  return { persons: persons.length, organizations: orgIds.length, households, created: true };
};
