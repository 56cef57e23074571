export * from './contact.ts';
export * from './custom-field.ts';
export {
  findContactRow,
  findContactByMemberNumber,
  findContactsByEmail,
  fieldsOfRow,
  loadContact,
  loadCustomFields,
  loadFieldValues,
  loadTags,
  contactSnapshot,
  toSummary,
  type ContactRow,
} from './contact-store.ts';
export { createContact, createContactInTx, type CreateContactOptions } from './create-contact.ts';
export { updateContact, updateContactInTx, type UpdateContactOptions } from './update-contact.ts';
export { getContact } from './get-contact.ts';
export { takeMemberNumber, useGivenMemberNumber, MEMBER_NUMBER_SEQUENCE } from './member-number.ts';
export { assertPayerAllowed } from './payers.ts';
// Helper B: organization contacts, consents, import/export, personal data.
export { ORGANIZATION_CONTACT_ROLES, CONFIRM_LINK_VALID_DAYS, loadOrganizationContactLink, type OrganizationContactRole, type OrganizationContactLink, type OrgContactDeps } from './organization-contact.ts';
export { addOrganizationContact } from './add-organization-contact.ts';
export { removeOrganizationContact, resendOrganizationContact } from './remove-organization-contact.ts';
export { getContactConfirmation, confirmContact } from './confirm-organization-contact.ts';
export { correspondenceRecipients, type CorrespondenceRecipient } from './correspondence-recipients.ts';
export { recordConsent, recordConsentInTx, consentHistory, currentConsentWordings, CONSENT_SOURCES, type ConsentInput, type ConsentRecord, type ConsentSource } from './record-consent.ts';
export { analyzeImport, getImportAnalysis, readImportFile, MAX_IMPORT_BYTES, type ImportAnalysis } from './analyze-import.ts';
export { dryRunImport, runImport, startImport, continueImport, executeImport, resumeRequest, type ImportReport, type ImportRowResult, type ImportCounts, type ImportRequest, type ImportDeps } from './run-import.ts';
export { getImportStatus, listImports, type ImportStatus, type ImportSummary } from './get-import.ts';
export { MATCH_MODES, type MatchMode, type ImportOptions, type ImportMapping } from './import-rows.ts';
export { importFields, suggestMapping } from './import-mapping.ts';
export {
  listContacts,
  filteredContacts,
  contactIdsMatching,
  resolveContactFilter,
  CONTACT_SORTS,
  CONTACT_COUNT_CAP,
  FILTER_KEYS,
  FIELD_PREFIX,
  type ContactFilter,
  type ContactSort,
  type RawContactFilter,
  type ListContactsSpec,
  type ContactPage,
} from './list-contacts.ts';
export { deleteContact } from './delete-contact.ts';
export { listTags, bulkTag, BULK_MAX_IDS, type BulkTagInput } from './tags.ts';
export { listSavedViews, createSavedView, deleteSavedView, VIEW_AREAS, type SavedView, type SavedViewInput, type ViewArea } from './saved-views.ts';
export { getCustomField, countFieldValues } from './custom-field-store.ts';
export { createCustomField } from './create-custom-field.ts';
export { updateCustomField, type CustomFieldPatch } from './update-custom-field.ts';
export { deleteCustomField } from './delete-custom-field.ts';
export { loadHousehold, type Household } from './household-store.ts';
export { createHousehold, type CreateHouseholdInput } from './create-household.ts';
export { updateHousehold, addHouseholdMember, removeHouseholdMember } from './change-household.ts';
export { exportPersonalData, personalDataText, type PersonalData } from './personal-data.ts';
export { eraseContact } from './erase-contact.ts';
export { exportContactsCsv, exportContactsCsvText } from './export-contacts.ts';
