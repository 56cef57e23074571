import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Puts rows straight into the e2e server's SQLite database, for states the UI cannot make on
 * demand: a message whose delivery failed, with its failed job. Everything else in the browser
 * tests goes through the UI.
 */
export const seedFailedMail = (): { messageId: string; subject: string } => {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it).');
  const db = new Database(path.join(dir, 'guildhall.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const now = new Date().toISOString();
    const messageId = 'e2e-welcome-letter';
    const subject = 'Welcome to Nordlys Rowing Club';
    const error = 'connect ECONNREFUSED 127.0.0.1:25 (the SMTP server did not answer)';
    db.prepare(
      `insert into mail_message (id, to_addresses, cc_addresses, from_address, reply_to, subject, text_body, html_body, attachments, status, related_type, related_id, attempts, last_error, message_id, created_at, sent_at)
       values (?, ?, null, ?, null, ?, ?, ?, ?, 'failed', 'contact', 'C-1001', 8, ?, null, ?, null)`,
    ).run(
      messageId,
      JSON.stringify(['kari.nordmann@example.org']),
      'post@nordlys.example.org',
      subject,
      'Hello Kari,\n\nWelcome aboard! Your membership card is attached.\n\nNordlys Rowing Club',
      '<h2 style="font-family:sans-serif;color:#0b4f6c">Welcome aboard, Kari!</h2><p style="font-family:sans-serif">Your membership card is attached.</p><script>document.body.innerHTML = "scripts must not run"</script>',
      JSON.stringify([{ filename: 'membership-card.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 demo').toString('base64') }]),
      error,
      now,
    );
    db.prepare(
      `insert into job (id, type, payload, status, run_at, attempts, max_attempts, last_error, locked_by, locked_at, created_at, updated_at, finished_at)
       values (?, 'mail.send', ?, 'failed', ?, 8, 8, ?, null, null, ?, ?, ?)`,
    ).run(`mail:${messageId}`, JSON.stringify({ messageId }), now, error, now, now, now);
    return { messageId, subject };
  } finally {
    db.close();
  }
};
