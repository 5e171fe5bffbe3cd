import { csvCell, escapeHtml, toCsv, toHtml } from './document';

describe('CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas in text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(33.3)).toBe('33.3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2026-03-31T16:00:00Z'))).toBe('2026-03-31T16:00:00.000Z');
    expect(csvCell('上海')).toBe('上海');
  });

  it('starts with a BOM and ends rows with CRLF', () => {
    expect(toCsv({ name: 't', caption: 'T', headers: ['a', 'b'], rows: [[1, 'x']] })).toBe('\uFEFFa,b\r\n1,x\r\n');
  });
});

describe('printable HTML', () => {
  it('escapes every text and shows instants in the report time zone', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = toHtml(
      {
        title: 'T <1>',
        lines: ['line & more'],
        timeZone: 'Asia/Shanghai',
        tables: [
          { name: 'a', caption: 'Rows', headers: ['when', 'what', 'n'], rows: [[new Date('2026-03-31T16:30:00Z'), '<b>x</b>', 3]] },
          { name: 'b', caption: 'Empty', headers: ['x'], rows: [] },
        ],
      },
      new Date('2026-04-01T00:00:00Z'),
    );
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).toContain('<li>line &amp; more</li>');
    expect(html).toContain('<td>2026-04-01 00:30</td>');
    expect(html).toContain('<td>&lt;b&gt;x&lt;/b&gt;</td>');
    expect(html).toContain('<td class="num">3</td>');
    expect(html).toContain('Nothing in this period.');
    expect(html).toContain('Generated 2026-04-01 08:00 (Asia/Shanghai)');
  });
});
