import { describe, expect, it } from 'vitest';
import { formatOf, parseChatLog, parseChatTime, type ChatFormat, type ParseResult } from '#shared/review/chat-log';
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

describe('JSON', () => {
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
