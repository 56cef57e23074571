export { queueMail, MAIL_SEND_JOB, type OutgoingMail, type OutgoingAttachment } from './queue-mail.ts';
