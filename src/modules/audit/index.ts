export { recordAudit, type AuditInput } from './audit-store.ts';
export { systemActor, cliActor, redact, verifyChain, auditRowHash, GENESIS_HASH, type Actor } from './audit.ts';
