export { queueMail, MAIL_SEND_JOB, type OutgoingMail, type OutgoingAttachment } from './queue-mail.ts';
export { createMailer, defaultMailFrom, mailFromOf, mailDeps, type Mailer, type MailToSend } from './mailer.ts';
export { sendMailJob, registerMailJobs } from './send-mail.ts';
export { listMail, getMail, MAIL_SORTS, type MailListItem, type MailDetail, type MailSort } from './mail-store.ts';
