import { describe, expect, it } from 'vitest';
import { decodeChatFile, formatOf, parseChatLog, parseChatTime, type ChatFormat, type ParseResult } from '#shared/review/chat-log';
import { instantOf } from '#shared/time';

const ok = (r: ParseResult) => {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r.messages;
};
const errors = (r: ParseResult) => (r.ok ? [] : r.errors);

describe('parseChatTime', () => {
  it.each<[unknown, number | null]>([
    ['2026-03-01 10:00', instantOf('2026-03-01 10:00')],
    ['2026-03-01 10:00:59', instantOf('2026-03-01 10:00:59')],
    ['2026-03-01T10:00:00', instantOf('2026-03-01 10:00')],
    ['2026-03-01T02:00:00Z', instantOf('2026-03-01 10:00')],
    ['2026-03-01T10:00:00+08:00', instantOf('2026-03-01 10:00')],
    [1772330400000, 1772330400000],
    ['1772330400000', 1772330400000],
    ['2026-02-30 10:00', null],
    ['2026-03-01 24:00', null],
    ['yesterday', null],
    [null, null],
    [-5, null],
  ])('%j -> %j', (input, expected) => {
    expect(parseChatTime(input)).toBe(expected);
  });
});

describe('formatOf', () => {
  it.each<[string, ChatFormat | null]>([['log.CSV', 'csv'], ['a.json', 'json'], ['wechat.txt', 'txt'], ['a.xlsx', null], ['noext', null]])('%s', (name, f) => {
    expect(formatOf(name)).toBe(f);
  });
});

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks, keeping each row raw', () => {
    const csv = '\uFEFF时间,发送人,内容,会话\r\n2026-03-01 10:00,wx-li,"你好，王总, 报价见附件",王总\r\n2026-03-01 10:05,王总,"他说""不行""\n下次再说",王总\r\n';
    const m = ok(parseChatLog(csv, 'csv'));
    expect(m).toHaveLength(2);
    expect(m[0]).toMatchObject({ row: 2, sender: 'wx-li', text: '你好，王总, 报价见附件', conversation: '王总', raw: '2026-03-01 10:00,wx-li,"你好，王总, 报价见附件",王总' });
    expect(m[1]).toMatchObject({ row: 3, text: '他说"不行"\n下次再说', raw: '2026-03-01 10:05,王总,"他说""不行""\n下次再说",王总' });
  });

  it('all or nothing: every bad row is listed and nothing is returned', () => {
    const csv = 'time,sender,text\n2026-03-01 10:00,li,ok\nnot-a-time,li,x\n2026-03-01 10:02,,x\n2026-03-01 10:03,li\n';
    expect(errors(parseChatLog(csv, 'csv'))).toEqual([
      { row: 3, field: 'time', message: 'not a time: "not-a-time"' },
      { row: 4, field: 'sender', message: 'sender is empty' },
      { row: 5, field: null, message: '2 columns, the header has 3' },
    ]);
  });

  it.each<[string, string]>([
    ['time,who,text\n2026-03-01 10:00,li,x', 'header lacks the column(s): sender'],
    ['time,sender,text\n2026-03-01 10:00,li,"open', 'a quoted field is not closed'],
    ['time,sender,text\n', 'the file holds no messages'],
    ['', 'the file holds no messages'],
  ])('refuses %j', (csv, message) => {
    expect(errors(parseChatLog(csv, 'csv'))[0]?.message).toBe(message);
  });
});

/** GBK bytes of a string, built by inverting the GB18030 decoder over the two-byte range. */
function encodeGbk(text: string): Uint8Array {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) table.set(decoder.decode(new Uint8Array([hi, lo])), [hi, lo]);
  return new Uint8Array([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch)!)));
}

describe('decodeChatFile', () => {
  const csv = '时间,发送人,内容,会话\r\n2026-03-01 10:00,李小明,我们那个垃圾领导,王总\r\n';

  it('reads a GBK CSV as Excel on Chinese Windows saves it', () => {
    const bytes = encodeGbk(csv);
    expect(bytes.length).toBeLessThan(new TextEncoder().encode(csv).length); // two bytes a character, not three
    const { text, encoding } = decodeChatFile(bytes);
    expect(encoding).toBe('gb18030');
    expect(ok(parseChatLog(text, 'csv'))[0]).toMatchObject({ sender: '李小明', text: '我们那个垃圾领导', conversation: '王总' });
  });

  it('reads UTF-8, with or without a BOM', () => {
    const plain = new TextEncoder().encode(csv);
    expect(decodeChatFile(plain)).toEqual({ text: csv, encoding: 'utf-8' });
    expect(decodeChatFile(new Uint8Array([0xef, 0xbb, 0xbf, ...plain]))).toEqual({ text: csv, encoding: 'utf-8' });
  });
});

describe('JSON', () => {
  it('reads the account an export names', () => {
    const r = parseChatLog(JSON.stringify({ account: ' wx-li ', messages: [{ time: '2026-03-01 10:00', sender: 'li', text: 'hi' }] }), 'json');
    expect(r.ok && r.account).toBe('wx-li');
    expect(ok(parseChatLog(JSON.stringify({ owner: 'wx-li', messages: [{ time: '2026-03-01 10:00', sender: 'li', text: 'hi' }] }), 'json'))).toHaveLength(1);
    expect(errors(parseChatLog(JSON.stringify({ account: 7, messages: [{ time: '2026-03-01 10:00', sender: 'li', text: 'hi' }] }), 'json'))).toEqual([{ row: 0, field: 'account', message: 'account must be the account name the export is from' }]);
    const csv = parseChatLog('time,sender,text\n2026-03-01 10:00,li,hi\n', 'csv');
    expect(csv.ok && csv.account).toBeNull();
  });

  it('reads an array or {messages}, with field aliases', () => {
    const a = ok(parseChatLog(JSON.stringify([{ time: '2026-03-01 10:00', sender: 'li', text: 'hi' }]), 'json'));
    const b = ok(parseChatLog(JSON.stringify({ messages: [{ sentAt: 1772330400000, from: 'li', content: 'hi', chat: '客户群' }] }), 'json'));
    expect(a[0]).toMatchObject({ row: 1, sender: 'li', text: 'hi', raw: '{"time":"2026-03-01 10:00","sender":"li","text":"hi"}' });
    expect(b[0]).toMatchObject({ sentAt: 1772330400000, conversation: '客户群' });
  });

  it.each<[string, string]>([
    ['{bad', 'not JSON'],
    ['{"x":1}', 'expected an array of messages'],
    ['[1]', 'not an object'],
    ['[{"time":"2026-03-01 10:00","sender":"li"}]', 'text is missing'],
  ])('refuses %s', (json, message) => {
    expect(errors(parseChatLog(json, 'json'))[0]?.message).toContain(message);
  });
});

describe('TXT', () => {
  it('reads "time sender: text" lines with continuation lines and a title line', () => {
    const txt = '聊天记录 - 李小明\n2026-03-01 10:00:00 李小明: 王总您好\n报价明天发您\n\n2026-03-01 10:01 王总：好的\n';
    const m = ok(parseChatLog(txt, 'txt'));
    expect(m).toHaveLength(2);
    expect(m[0]).toMatchObject({ row: 2, sender: '李小明', text: '王总您好\n报价明天发您', raw: '2026-03-01 10:00:00 李小明: 王总您好\n报价明天发您' });
    expect(m[1]).toMatchObject({ row: 5, sender: '王总', text: '好的' });
  });

  it('refuses lines it cannot place, naming them', () => {
    expect(errors(parseChatLog('hello\n2026-03-01 10:00 li: x\n2026-03-01 10:01 no colon here\n', 'txt'))).toEqual([
      { row: 1, field: null, message: 'a line before any message that does not start with a time' },
      { row: 3, field: 'sender', message: 'expected "time sender: text"' },
    ]);
  });
});
