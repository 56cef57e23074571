import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import * as fontkit from 'fontkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { Logo } from './organization.ts';

/**
 * The drawing layer under every document: an A4 pdfkit document with DejaVu Sans embedded (every
 * Latin letter, æøå, €, Ł … render and come back out of `pdftotext`), pages that break on their own,
 * tables with a repeated heading, and "Page n of m" stamped per document — so one file can hold many
 * documents (a print batch) and each still counts its own pages.
 */

export const PAGE = { width: 595.28, height: 841.89, left: 50, right: 545.28, top: 45, bottom: 775 } as const;
export const CONTENT_WIDTH = PAGE.right - PAGE.left;
export const GREY = '#555555';
export const LIGHT = '#c8c8c8';
export const INK = '#111111';

// DejaVu is parsed once per process and shared by every document (parsing per document costs
// more than drawing an invoice). fontkit fonts are used from one thread only.
const require = createRequire(import.meta.url);
let fonts: { regular: fontkit.Font; bold: fontkit.Font } | null = null;
const loadFonts = () => {
  if (!fonts) {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const open = (file: string) => fontkit.create(fs.readFileSync(path.join(dir, file))) as fontkit.Font;
    fonts = { regular: open('DejaVuSans.ttf'), bold: open('DejaVuSans-Bold.ttf') };
  }
  return fonts;
};

export interface PdfResult {
  bytes: Buffer;
  pages: number;
}

export interface Column {
  label: string;
  width: number;
  align?: 'left' | 'right';
}

/** One cell: main text, and an optional smaller grey line under it (a period, a reference). */
export interface Cell {
  text: string;
  sub?: string;
  bold?: boolean;
}

export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<void>;
  private docStart = 0;
  private images = new Map<Logo, unknown>();
  /** Drawn at the top of each page a document continues on. */
  private continuation: (() => void) | null = null;
  y: number = PAGE.top;

  constructor(meta: { title: string; author: string; subject?: string; createdAt: Date }) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: PAGE.top, left: PAGE.left, right: PAGE.width - PAGE.right, bottom: 30 },
      autoFirstPage: false,
      bufferPages: true,
      // No Helvetica: pdfkit would parse its metrics for every document; DejaVu is set before any text.
      font: null as unknown as string,
      info: { Title: meta.title, Author: meta.author, Subject: meta.subject ?? meta.title, Creator: 'Guildhall', Producer: 'Guildhall', CreationDate: meta.createdAt, ModDate: meta.createdAt },
    });
    const f = loadFonts();
    // pdfkit accepts a fontkit font where its types say "source".
    this.doc.registerFont('regular', f.regular as unknown as Buffer);
    this.doc.registerFont('bold', f.bold as unknown as Buffer);
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve());
      this.doc.on('error', reject);
    });
  }

  /** Starts a new document in this file (its pages are counted on their own). */
  beginDocument(): void {
    this.doc.addPage();
    this.docStart = this.doc.bufferedPageRange().count - 1;
    this.continuation = null;
    this.y = PAGE.top;
  }

  /** Stamps the footer and "Page n of m" on every page of the current document. */
  endDocument(footer: string, pageLabel: (n: number, of: number) => string): number {
    const range = this.doc.bufferedPageRange();
    const count = range.count - this.docStart;
    for (let i = 0; i < count; i++) {
      this.doc.switchToPage(this.docStart + i);
      const page = this.doc.page;
      const keep = page.margins.bottom;
      page.margins.bottom = 0; // writing under the bottom margin must not add a page
      this.doc.moveTo(PAGE.left, PAGE.bottom + 12).lineTo(PAGE.right, PAGE.bottom + 12).lineWidth(0.5).strokeColor(LIGHT).stroke();
      const label = pageLabel(i + 1, count);
      this.font('regular', 7.5, GREY);
      const labelWidth = this.doc.widthOfString(label) + 2;
      if (footer) this.doc.text(footer, PAGE.left, PAGE.bottom + 18, { width: CONTENT_WIDTH - labelWidth - 20, height: 40, lineBreak: true, ellipsis: true });
      this.doc.text(label, PAGE.right - labelWidth, PAGE.bottom + 18, { width: labelWidth, align: 'right', lineBreak: false });
      page.margins.bottom = keep;
    }
    this.doc.switchToPage(range.count - 1);
    return count;
  }

  async finish(): Promise<PdfResult> {
    const pages = this.doc.bufferedPageRange().count;
    this.doc.end();
    await this.done;
    return { bytes: Buffer.concat(this.chunks), pages };
  }

  font(weight: 'regular' | 'bold', size: number, color: string = INK): this {
    this.doc.font(weight).fontSize(size).fillColor(color);
    return this;
  }

  /** Text at (x, y) within `width`; returns its height. */
  text(text: string, x: number, y: number, width: number, opts: { align?: 'left' | 'right' | 'center'; lineGap?: number } = {}): number {
    if (!text) return 0;
    const o = { width, align: opts.align ?? 'left', lineGap: opts.lineGap ?? 1 } as const;
    const h = this.doc.heightOfString(text, o);
    this.doc.text(text, x, y, o);
    return h;
  }

  height(text: string, width: number, lineGap = 1): number {
    return text ? this.doc.heightOfString(text, { width, lineGap }) : 0;
  }

  rule(y: number, color: string = LIGHT, width = 0.5, x1: number = PAGE.left, x2: number = PAGE.right): void {
    this.doc.moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke();
  }

  /** Moves to a new page when `needed` points do not fit; draws the continuation heading there. */
  ensure(needed: number): boolean {
    if (this.y + needed <= PAGE.bottom) return false;
    this.doc.addPage();
    this.y = PAGE.top;
    this.continuation?.();
    return true;
  }

  onContinue(draw: (() => void) | null): void {
    this.continuation = draw;
  }

  /** The logo, fitted into width × maxHeight at (x, y); returns the height used. */
  logo(logo: Logo, x: number, y: number, width: number, maxHeight: number): number {
    try {
      if (logo.kind === 'svg') {
        SVGtoPDF(this.doc as never, logo.bytes.toString('utf8'), x, y, { width, height: maxHeight, preserveAspectRatio: 'xMinYMin meet' });
        return maxHeight;
      }
      let image = this.images.get(logo);
      if (!image) {
        // An opened image is embedded once per file, however many documents show it.
        image = (this.doc as unknown as { openImage(src: Buffer): unknown }).openImage(logo.bytes);
        this.images.set(logo, image);
      }
      const img = image as { width: number; height: number };
      const scale = Math.min(width / img.width, maxHeight / img.height);
      this.doc.image(image as Buffer, x, y, { width: img.width * scale, height: img.height * scale });
      return img.height * scale;
    } catch {
      // A logo that cannot be read is left out rather than failing every invoice.
      return 0;
    }
  }

  /** Draws a table heading at the current y (accent text, a rule under it). */
  tableHeading(columns: readonly Column[], accent: string): void {
    this.font('bold', 8, accent);
    let x = PAGE.left;
    for (const c of columns) {
      this.doc.text(c.label, x, this.y, { width: c.width, align: c.align ?? 'left', lineBreak: false });
      x += c.width;
    }
    this.y += 13;
    this.rule(this.y - 2, accent, 0.8);
    this.y += 4;
  }

  /** One table row at the current y, breaking to a new page (with the heading again) when it does not fit. */
  tableRow(columns: readonly Column[], cells: readonly Cell[], opts: { size?: number; accent: string; shade?: boolean }): void {
    const size = opts.size ?? 8.5;
    const pad = 4;
    const heights = cells.map((cell, i) => {
      const w = columns[i]!.width - (i === columns.length - 1 ? 0 : 6);
      this.font(cell.bold ? 'bold' : 'regular', size);
      let h = this.height(cell.text, w);
      if (cell.sub) {
        this.font('regular', size - 1.5);
        h += this.height(cell.sub, w) + 1;
      }
      return h;
    });
    const rowHeight = Math.max(...heights, size + 2) + pad;
    if (this.ensure(rowHeight + 2)) this.tableHeading(columns, opts.accent);
    let x = PAGE.left;
    cells.forEach((cell, i) => {
      const c = columns[i]!;
      const w = c.width - (i === columns.length - 1 ? 0 : 6);
      const align = c.align ?? 'left';
      const cx = align === 'right' && i !== columns.length - 1 ? x + 6 : x;
      this.font(cell.bold ? 'bold' : 'regular', size);
      const h = this.text(cell.text, cx, this.y, w, { align });
      if (cell.sub) {
        this.font('regular', size - 1.5, GREY);
        this.text(cell.sub, cx, this.y + h + 1, w, { align });
      }
      x += c.width;
    });
    this.y += rowHeight;
    this.rule(this.y - pad / 2, '#e4e4e4', 0.4);
  }

  /** Label / value pairs in two columns (the document facts at the top right). */
  facts(rows: readonly [string, string][], x: number, y: number, width: number, labelWidth: number): number {
    let yy = y;
    for (const [label, value] of rows) {
      if (!value) continue;
      this.font('regular', 8.5, GREY);
      this.doc.text(label, x, yy, { width: labelWidth, lineBreak: false });
      this.font('bold', 8.5);
      const h = this.text(value, x + labelWidth, yy, width - labelWidth, { align: 'right' });
      yy += Math.max(h, 11) + 2;
    }
    return yy - y;
  }

  /** A shaded box with label/value columns (the payment details). */
  box(items: readonly [string, string][], accent: string): void {
    const shown = items.filter(([, v]) => v);
    if (!shown.length) return;
    const height = 40;
    this.ensure(height + 8);
    const y = this.y;
    this.doc.save();
    this.doc.roundedRect(PAGE.left, y, CONTENT_WIDTH, height, 4).fillOpacity(0.07).fill(accent);
    this.doc.restore();
    this.doc.roundedRect(PAGE.left, y, CONTENT_WIDTH, height, 4).lineWidth(0.8).strokeColor(accent).stroke();
    const w = CONTENT_WIDTH / shown.length;
    shown.forEach(([label, value], i) => {
      const x = PAGE.left + i * w + 10;
      this.font('regular', 7.5, GREY);
      this.doc.text(label, x, y + 7, { width: w - 14, lineBreak: false });
      // Long values (an IBAN) shrink to fit their column rather than wrap out of the box.
      let size = 11;
      this.font('bold', size);
      while (size > 7 && this.doc.widthOfString(value) > w - 14) this.font('bold', --size);
      this.doc.text(value, x, y + 19 + (11 - size) / 2, { width: w - 14, lineBreak: false });
    });
    this.y = y + height + 8;
  }

  /** A large faint word across the page (a void invoice). */
  watermark(word: string): void {
    const { doc } = this;
    doc.save();
    doc.rotate(-30, { origin: [PAGE.width / 2, PAGE.height / 2] });
    this.font('bold', 96, '#d33');
    doc.fillOpacity(0.12);
    doc.text(word, 0, PAGE.height / 2 - 60, { width: PAGE.width, align: 'center', lineBreak: false });
    doc.restore();
  }
}
