export { recordAudit, recordAudits, type AuditInput } from './audit-store.ts';
export { systemActor, cliActor, redact, verifyChain, auditRowHash, GENESIS_HASH, type Actor } from './audit.ts';
export { listAudit, toAuditEntry, type AuditEntry, type AuditFilter, type AuditPage } from './list-audit.ts';
export { verifyAudit, type AuditHead, type AuditFinding, type AuditVerification } from './verify-audit.ts';
export { readAnchor, saveAnchor, databaseIdentity, anchorPath, type SavedAnchor } from './audit-anchor.ts';
export { ENTITY_AREAS, areaOfEntity } from './entity-areas.ts';
