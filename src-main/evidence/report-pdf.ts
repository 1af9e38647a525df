import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { pngOfDataUrl } from '#shared/evidence/bundle-manifest';
import type { ReportBlock, ReportContent, ReportTable } from '#shared/evidence/report-content';

/**
 * Lays the report out as an A4 PDF. The Chinese font (Noto Sans SC, SIL OFL) comes from an npm package so
 * the app never depends on fonts installed on the machine; pdfkit embeds only the glyphs used (a subset),
 * so a report stays a few hundred KB. Tables wrap their cells and break across pages, repeating the header.
 */
const require = createRequire(import.meta.url);
export const REPORT_FONT_PATH = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const BOLD_FONT_PATH = require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');

const MARGIN = 48;
const BODY = 9;
const CELL_PAD = 3;

export async function renderReportPdf(content: ReportContent, createdAt: number): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 12, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: content.title, Author: 'Renshi 人事', Subject: content.subtitle, CreationDate: new Date(createdAt), ModDate: new Date(createdAt) },
    lang: 'zh-CN',
  });
  doc.registerFont('body', REPORT_FONT_PATH);
  doc.registerFont('bold', BOLD_FONT_PATH);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  const width = doc.page.width - MARGIN * 2;
  doc.font('bold').fontSize(18).text(content.title, { align: 'center' });
  doc.moveDown(0.3);
  doc.font('body').fontSize(10).fillColor('#444').text(content.subtitle, { align: 'center' }).fillColor('black');
  doc.moveDown(1);

  for (const s of content.sections) {
    // A heading stays with what follows it: a short introduction and the first record (a signature section
    // must not start at the foot of one page and show its first signature on the next), or, when that is
    // more than half a page, at least its first paragraph.
    doc.font('body').fontSize(BODY);
    const paragraphs = s.paragraphs.map((p) => doc.heightOfString(p, { width, lineGap: 2 }) + 4);
    const firstItem = s.table && s.table.rows.length ? 40 : s.blocks?.length ? blockHeight(doc, s.blocks[0]!, width) : 0;
    const together = paragraphs.reduce((a, b) => a + b, 0) + firstItem;
    const pageBody = doc.page.height - doc.page.margins.top - doc.page.margins.bottom;
    ensureSpace(doc, 30 + (together <= pageBody / 2 ? together : (paragraphs[0] ?? firstItem)));
    doc.font('bold').fontSize(12).text(s.title, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
    doc.font('body').fontSize(BODY);
    for (const p of s.paragraphs) {
      doc.text(p, MARGIN, doc.y, { width, lineGap: 2 });
      doc.moveDown(0.25);
    }
    if (s.table && s.table.rows.length) drawTable(doc, s.table, width);
    else if (s.blocks?.length) for (const b of s.blocks) drawBlock(doc, b, width);
    else if ((s.table || s.blocks) && s.empty) doc.fillColor('#666').text(s.empty, MARGIN, doc.y, { width }).fillColor('black');
    doc.moveDown(0.8);
  }

  // Page numbers and footer on every page, written last so the total is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would make pdfkit start a new page: lift the margin while writing it.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(8).fillColor('#666');
    doc.text(`${content.footer}　第 ${i + 1} / ${range.count} 页`, MARGIN, doc.page.height - MARGIN + 4, { width, align: 'center', lineBreak: false });
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function ensureSpace(doc: PDFKit.PDFDocument, needed: number): void {
  if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

const LABEL_WIDTH = 96;
const IMAGE_BOX = { width: 240, height: 90 };

/** A record as label / value lines, then its image (a handwritten signature) in a framed box. */
function drawBlock(doc: PDFKit.PDFDocument, block: ReportBlock, width: number): void {
  const valueWidth = width - LABEL_WIDTH;
  // Keep a record with its image on one page: a signature must not be separated from what it signs.
  ensureSpace(doc, blockHeight(doc, block, width));
  doc.font('body').fontSize(BODY);
  doc.font('bold').fontSize(10).text(block.heading, MARGIN, doc.y, { width });
  doc.moveDown(0.2);
  for (const [label, value] of block.fields) {
    const y = doc.y;
    doc.font('body').fontSize(BODY).fillColor('#555').text(label, MARGIN, y, { width: LABEL_WIDTH - 6 });
    doc.fillColor('black').text(value || ' ', MARGIN + LABEL_WIDTH, y, { width: valueWidth });
    doc.y = Math.max(doc.y, y + BODY + 3) + 2;
  }
  doc.font('body').fontSize(BODY).fillColor('#555').text(block.imageNote, MARGIN, doc.y + 2, { width: LABEL_WIDTH - 6 }).fillColor('black');
  const png = pngOfDataUrl(block.image);
  if (png) {
    const top = doc.y - BODY - 4;
    const left = MARGIN + LABEL_WIDTH;
    doc.rect(left, top, IMAGE_BOX.width, IMAGE_BOX.height).lineWidth(0.5).strokeColor('#bbb').stroke().strokeColor('black');
    try {
      doc.image(Buffer.from(png), left + 4, top + 4, { fit: [IMAGE_BOX.width - 8, IMAGE_BOX.height - 8], align: 'center', valign: 'center' });
    } catch {
      // Bytes that are not a readable PNG: the record still verifies on its hash; say so instead of failing.
      doc.fillColor('#a00').text('（图像无法显示）', left + 8, top + 8, { width: IMAGE_BOX.width - 16 }).fillColor('black');
    }
    doc.x = MARGIN;
    doc.y = top + IMAGE_BOX.height + 6;
  }
  doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + width, doc.y).lineWidth(0.4).strokeColor('#ddd').stroke().strokeColor('black');
  doc.y += 8;
}

/** The room a record needs: its heading, its fields and its image box. */
function blockHeight(doc: PDFKit.PDFDocument, block: ReportBlock, width: number): number {
  doc.font('body').fontSize(BODY);
  const fieldsHeight = block.fields.reduce((h, [, v]) => h + doc.heightOfString(v || ' ', { width: width - LABEL_WIDTH }) + 2, 0);
  return fieldsHeight + 30 + (block.image ? IMAGE_BOX.height + 16 : 14);
}

function drawTable(doc: PDFKit.PDFDocument, table: ReportTable, width: number): void {
  const total = table.columns.reduce((a, c) => a + c.weight, 0);
  const widths = table.columns.map((c) => (c.weight / total) * width);
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(BODY);
    return Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i]! - CELL_PAD * 2 }))) + CELL_PAD * 2;
  };
  const drawRow = (cells: string[], font: string, shade: boolean) => {
    const h = rowHeight(cells, font);
    const y = doc.y;
    if (shade) doc.rect(MARGIN, y, width, h).fill('#eef1f5').fillColor('black');
    let x = MARGIN;
    doc.font(font).fontSize(BODY);
    cells.forEach((cell, i) => {
      doc.text(cell || ' ', x + CELL_PAD, y + CELL_PAD, { width: widths[i]! - CELL_PAD * 2 });
      x += widths[i]!;
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).lineWidth(0.4).strokeColor('#bbb').stroke().strokeColor('black');
    doc.x = MARGIN;
    doc.y = y + h;
  };
  const header = table.columns.map((c) => c.header);
  ensureSpace(doc, rowHeight(header, 'bold') + 20);
  drawRow(header, 'bold', true);
  for (const row of table.rows) {
    if (doc.y + rowHeight(row, 'body') > bottom()) {
      doc.addPage();
      drawRow(header, 'bold', true);
    }
    drawRow(row, 'body', false);
  }
}
