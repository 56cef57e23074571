import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSearchText, displayNameOf, foldForSearch, searchTerms, validateContactInput, type ContactInput } from './contact.ts';
import { checkCustomValues, checkFieldValue, type CustomField } from './custom-field.ts';

const problemsOf = (input: ContactInput) => {
  const r = validateContactInput(input, { today: '2026-01-15' });
  return r.ok ? [] : r.problems;
};
const messageFor = (input: ContactInput, path: string) => problemsOf(input).find((p) => p.path === path)?.message;

test('foldForSearch folds Nordic letters and accents so plain letters find them', () => {
  assert.equal(foldForSearch('Ødegård'), 'odegard');
  assert.equal(foldForSearch('José Ærø'), 'jose aero');
  assert.equal(foldForSearch('Straße  Łódź Þór Đorđe'), 'strasse lodz thor dorde');
  assert.equal(foldForSearch('ÅSE-MARIT'), 'ase-marit');
});

test('search text holds names, organization, e-mail, phone digits and the member number', () => {
  const text = buildSearchText(
    { firstNames: 'Kari Ø.', lastName: 'Ødegård', orgName: null, email: 'kari@example.org', phoneHome: null, phoneWork: '22 33 44 55', phoneMobile: '+47 912 34 567' },
    1001,
  );
  assert.equal(text, 'kari o. odegard kari@example.org oe. oedegaard 22334455 4791234567 1001');
  assert.deepEqual(searchTerms('  Kari  ØDEGÅRD '), ['kari', 'odegard']);
  assert.deepEqual(searchTerms('912 34 567'), ['91234567'], 'a phone written with spaces is one term of digits');
  assert.deepEqual(searchTerms('1001'), ['1001']);
});

test('display names: "Last, First" for persons, the name for organizations', () => {
  assert.equal(displayNameOf({ kind: 'person', firstNames: 'Kari', lastName: 'Nordmann', orgName: null }), 'Nordmann, Kari');
  assert.equal(displayNameOf({ kind: 'person', firstNames: null, lastName: 'Nordmann', orgName: null }), 'Nordmann');
  assert.equal(displayNameOf({ kind: 'organization', firstNames: null, lastName: null, orgName: 'Journalists United' }), 'Journalists United');
});

test('a valid person is normalised: spaces tidied, e-mail lowercased, country code upper case, Oslo postcode zero restored', () => {
  const r = validateContactInput(
    {
      kind: 'person',
      firstNames: '  Kari   Anne ',
      lastName: 'Nordmann',
      email: ' Kari@Example.ORG ',
      country: 'no',
      postcode: '190',
      place: 'Oslo',
      addressLines: ['Grønlandsleiret 61 A', '', '  '],
      phoneMobile: '+47  912 34 567',
      birthDate: '1984-05-17',
    },
    { today: '2026-01-15' },
  );
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.equal(r.value.firstNames, 'Kari Anne');
  assert.equal(r.value.email, 'kari@example.org');
  assert.equal(r.value.country, 'NO');
  assert.equal(r.value.postcode, '0190');
  assert.deepEqual(r.value.addressLines, ['Grønlandsleiret 61 A']);
  assert.equal(r.value.phoneMobile, '+47 912 34 567');
  assert.equal(r.value.invoiceDelivery, 'email', 'a contact with an e-mail gets invoices by e-mail');
  assert.equal(validateContactInput({ kind: 'person', lastName: 'Nordmann', country: 'Norge' }).ok, true, 'common country names are understood');
});

test('validation names each field and says how to fix it, all problems at once', () => {
  assert.equal(messageFor({ kind: 'person', firstNames: 'Kari' }, 'lastName'), 'A person needs a last name.');
  assert.equal(messageFor({ kind: 'organization' }, 'orgName'), 'An organization needs a name.');
  assert.match(messageFor({ kind: 'person', lastName: 'N', email: 'kari(at)example.org' }, 'email')!, /is not an e-mail address\. Write it like name@example\.org/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', phoneMobile: 'call me' }, 'phoneMobile')!, /not a mobile phone number.*like \+47 912 34 567/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', country: 'Norwegia' }, 'country')!, /two-letter ISO code, like NO/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', country: 'NO', postcode: '01900' }, 'postcode')!, /Norwegian postcode has 4 digits/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', birthDate: '1984-02-30' }, 'birthDate')!, /real date written YYYY-MM-DD/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', birthDate: '2030-01-01' }, 'birthDate')!, /in the future/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', invoiceDelivery: 'email' }, 'invoiceDelivery')!, /without an e-mail address: add one, or choose print/);
  assert.match(messageFor({ kind: 'organization', orgName: 'Acme', firstNames: 'Kari' }, 'firstNames')!, /An organization has no first names/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', orgNumber: '999 888 777' }, 'orgNumber')!, /^A person has no organization number; create the organization as its own contact\.$/);
  assert.match(messageFor({ kind: 'person', lastName: 'N', tags: ['a,b'] }, 'tags')!, /contains a comma/);
  const many = problemsOf({ kind: 'person', email: 'x', phoneHome: '1' });
  assert.deepEqual(many.map((p) => p.path).sort(), ['email', 'lastName', 'phoneHome']);
});

const field = (over: Partial<CustomField>): CustomField => ({
  id: over.key ?? 'f',
  key: 'f',
  label: 'Field',
  description: '',
  type: 'text',
  options: [],
  visibility: 'staff',
  appliesTo: 'both',
  required: false,
  position: 0,
  archived: false,
  ...over,
});

test('custom values are checked by type and stored in one canonical form', () => {
  const section = field({ key: 'section_number', label: 'Section number', type: 'number' });
  assert.deepEqual(checkFieldValue(section, '12'), { ok: true, value: '12' });
  assert.deepEqual(checkFieldValue(section, '012,50'), { ok: true, value: '12.5' });
  assert.deepEqual(checkFieldValue(section, 7), { ok: true, value: '7' });
  assert.deepEqual(checkFieldValue(section, 'abc'), { ok: false, message: 'Section number must be a number, like 12 or 3.5; got "abc".' });
  const unit = field({ key: 'unit_address', label: 'Unit address', type: 'choice', options: ['Grønlandsleiret 61 A', 'Grønlandsleiret 61 B'] });
  assert.deepEqual(checkFieldValue(unit, 'grønlandsleiret 61 b'), { ok: true, value: 'Grønlandsleiret 61 B' });
  assert.deepEqual(checkFieldValue(unit, 'Storgata 1'), {
    ok: false,
    message: '"Storgata 1" is not one of the choices for Unit address: Grønlandsleiret 61 A, Grønlandsleiret 61 B.',
  });
  const since = field({ label: 'Member since', type: 'date' });
  assert.deepEqual(checkFieldValue(since, '17.05.2020'), { ok: true, value: '2020-05-17' });
  assert.equal(checkFieldValue(since, '2020-13-01').ok, false);
  const flag = field({ label: 'Link sent', type: 'boolean' });
  assert.deepEqual(checkFieldValue(flag, 'ja'), { ok: true, value: 'true' });
  assert.deepEqual(checkFieldValue(flag, false), { ok: true, value: 'false' });
  assert.equal(checkFieldValue(flag, 'maybe').ok, false);
  assert.deepEqual(checkFieldValue(flag, ''), { ok: true, value: null }, 'empty clears');
});

test('custom values: unknown keys, archived fields, fields for the other kind and required fields are reported', () => {
  const fields = [
    field({ id: 'f1', key: 'unit_id', label: 'Unit id', required: true, appliesTo: 'person' }),
    field({ id: 'f2', key: 'old', label: 'Old', archived: true }),
    field({ id: 'f3', key: 'org_only', label: 'Org only', appliesTo: 'organization' }),
  ];
  const r = checkCustomValues(fields, 'person', { nope: 1, old: 'x', org_only: 'y' }, { creating: true });
  assert.deepEqual(
    r.problems.map((p) => p.message),
    [
      'There is no custom field "nope". Fields: unit_id.',
      'The field Old is archived; restore it before giving it values.',
      'Org only applies to organizations only.',
      'Unit id is required.',
    ],
  );
  const kept = checkCustomValues(fields, 'person', {}, { creating: false });
  assert.deepEqual(kept.problems, [], 'an update that leaves a required value alone is fine');
  assert.equal(checkCustomValues(fields, 'person', { unit_id: null }, { creating: false }).problems[0]?.message, 'Unit id is required.');
});
