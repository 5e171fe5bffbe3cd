/**
 * A report as tables, rendered either as CSV (one table) or as a printable
 * HTML page (all of them). Pure: no I/O, no clock.
 */
import { DateTime } from 'luxon';

export type Cell = string | number | boolean | Date | null;

export interface Table {
  /** Used in ?table= to pick the CSV. */
  readonly name: string;
  readonly caption: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

export interface ReportDocument {
  readonly title: string;
  /** Lines under the title: scope, as-of, notes. */
  readonly lines: readonly string[];
  readonly timeZone: string;
  readonly tables: readonly Table[];
}

// ---- CSV ----------------------------------------------------------------------

/**
 * RFC 4180 quoting. Text that a spreadsheet would run as a formula (=, +, -,
 * @ first) is prefixed with an apostrophe: complaint texts and summaries are
 * customer input.
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: Table): string {
  // The BOM makes Excel read UTF-8 (Chinese names) correctly; CRLF is what RFC 4180 specifies.
  return `\uFEFF${[table.headers, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

// ---- HTML ---------------------------------------------------------------------

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function htmlCell(value: Cell, timeZone: string): string {
  if (value === null) return '<td class="empty">–</td>';
  if (value instanceof Date) return `<td>${escapeHtml(DateTime.fromJSDate(value, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm'))}</td>`;
  if (typeof value === 'number') return `<td class="num">${value}</td>`;
  if (typeof value === 'boolean') return `<td>${value ? 'yes' : 'no'}</td>`;
  return `<td>${escapeHtml(value).replace(/\n/g, '<br>')}</td>`;
}

export function toHtml(doc: ReportDocument, generatedAt: Date): string {
  const tables = doc.tables
    .map(
      (t) => `<section>
<h2>${escapeHtml(t.caption)}</h2>
${
  t.rows.length === 0
    ? '<p class="empty">Nothing in this period.</p>'
    : `<table>
<thead><tr>${t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${t.rows.map((r) => `<tr>${r.map((c) => htmlCell(c, doc.timeZone)).join('')}</tr>`).join('\n')}
</tbody>
</table>`
}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>
  body { font: 13px/1.45 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; color: #111; margin: 24px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 15px; margin: 24px 0 6px; }
  .lines { color: #444; margin: 0; padding: 0; list-style: none; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
  th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
  th { background: #eee; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .empty { color: #777; }
  footer { margin-top: 24px; color: #666; font-size: 11px; }
  @media print { body { margin: 10mm; } section { break-inside: avoid; } th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
<ul class="lines">${doc.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
${tables}
<footer>Generated ${escapeHtml(DateTime.fromJSDate(generatedAt, { zone: doc.timeZone }).toFormat('yyyy-MM-dd HH:mm'))} (${escapeHtml(doc.timeZone)}) from the hub's stored history.</footer>
</body>
</html>
`;
}
