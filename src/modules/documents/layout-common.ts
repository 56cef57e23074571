import type { DocumentTemplateContent } from './document-template.ts';
import type { Formatter, Labels } from './format.ts';
import type { OrganizationProfile } from './organization.ts';
import { GREY, PAGE, PdfWriter } from './pdf-writer.ts';

/** What every layout gets: the sender, the template, and how to write things in its language. */
export interface LayoutContext {
  org: OrganizationProfile;
  template: DocumentTemplateContent;
  fmt: Formatter;
  labels: Labels;
}

/** Window envelopes (C5/DL, window on the left) show the address at about 20 × 45 mm. */
const ADDRESS = { x: 57, y: 132, width: 240 };
const FACTS = { x: 330, width: PAGE.right - 330, labelWidth: 100 };

/**
 * The top of a document's first page: logo (or the organization name), the organization's
 * details at the right, the title, the recipient's address where an envelope window shows it,
 * and the document facts (numbers, dates, references) beside it. Leaves `w.y` under all of it.
 */
export const drawHeader = (
  w: PdfWriter,
  c: LayoutContext,
  h: { title: string; recipient: { name: string; address: readonly string[] }; facts: [string, string][] },
): void => {
  const { org, template, labels } = c;
  const top = PAGE.top;
  let leftBottom = top;
  if (template.showLogo && org.logo) {
    leftBottom = top + w.logo(org.logo, PAGE.left, top, template.logoWidth, 60);
  }
  if (leftBottom === top) {
    w.font('bold', 15, template.accentColor);
    leftBottom = top + w.text(org.name, PAGE.left, top, 260);
  }

  // The organization's own details, right-aligned.
  const orgLines = [
    ...org.address,
    org.orgNumber ? `${labels.orgNumber} ${org.orgNumber}` : '',
    org.vatNumber ? `${labels.vatNumber} ${org.vatNumber}` : '',
    org.billingEmail,
  ].filter(Boolean);
  w.font('bold', 9);
  let ry = top + w.text(org.name, 330, top, FACTS.width, { align: 'right' });
  w.font('regular', 8, GREY);
  for (const line of orgLines) ry += w.text(line, 330, ry, FACTS.width, { align: 'right' });

  // Recipient.
  const ay = Math.max(ADDRESS.y, leftBottom + 14);
  w.font('bold', 10);
  let by = ay + w.text(h.recipient.name, ADDRESS.x, ay, ADDRESS.width);
  w.font('regular', 10);
  for (const line of h.recipient.address) by += w.text(line, ADDRESS.x, by, ADDRESS.width);

  // Title and facts.
  const ty = Math.max(ADDRESS.y - 12, ry + 14);
  // A long title shrinks to stay on one line (down to 12 pt, then it wraps).
  let size = 20;
  w.font('bold', size, template.accentColor);
  while (size > 12 && w.doc.widthOfString(h.title) > FACTS.width) w.font('bold', --size, template.accentColor);
  const th = w.text(h.title, FACTS.x, ty, FACTS.width);
  const fy = ty + th + 8;
  const fh = w.facts(h.facts, FACTS.x, fy, FACTS.width, FACTS.labelWidth);
  w.y = Math.max(by, fy + fh, 250) + 16;
};

/** A text block (intro, payment terms) at the current y, moving to a new page if it does not fit. */
export const drawBlock = (w: PdfWriter, text: string, size = 9): void => {
  if (!text.trim()) return;
  w.font('regular', size);
  const h = w.height(text, PAGE.right - PAGE.left, 1.5);
  w.ensure(h + 6);
  w.text(text, PAGE.left, w.y, PAGE.right - PAGE.left, { lineGap: 1.5 });
  w.y += h + 10;
};

/** The small heading continued pages start with ("Invoice 10001 (continued)"). */
export const continuedHeading = (w: PdfWriter, text: string) => () => {
  w.font('regular', 8.5, GREY);
  w.text(text, PAGE.left, w.y, PAGE.right - PAGE.left);
  w.y += 18;
};

/** Right-aligned label/value rows (totals). `strong` rows are bold with a rule above. */
export const drawTotals = (w: PdfWriter, rows: { label: string; value: string; strong?: boolean }[], accent: string): void => {
  const x = 300;
  const width = PAGE.right - x;
  w.ensure(rows.length * 14 + 8);
  w.y += 4;
  for (const r of rows) {
    if (r.strong) {
      w.rule(w.y - 2, accent, 0.8, x, PAGE.right);
      w.y += 2;
    }
    w.font(r.strong ? 'bold' : 'regular', r.strong ? 10 : 8.5);
    w.doc.text(r.label, x, w.y, { width: width - 110, lineBreak: false });
    w.doc.text(r.value, PAGE.right - 110, w.y, { width: 110, align: 'right', lineBreak: false });
    w.y += r.strong ? 16 : 13;
  }
  w.y += 8;
};
