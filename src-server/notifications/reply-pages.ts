import type { ReplyReason } from '#shared/escalation/missed-punch-escalation';
import { escapeHtml } from './email.ts';

/**
 * The pages an employee (or their emergency contact) sees after tapping the link in a message: plain
 * server-rendered HTML in Simplified Chinese, no script, sized for a phone, so they work in WeCom's
 * built-in browser and on the cheapest handset.
 */
export const REPLY_LABELS: Record<ReplyReason, string> = {
  late: '我迟到了',
  sick: '我生病了',
  on_leave: '我在休假',
  other: '其他',
};

const STYLE = `
  body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:16px;background:#f5f6f8;color:#1f2328;font-size:17px;line-height:1.5}
  main{max-width:480px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
  h1{font-size:20px;margin:0 0 12px}
  p{margin:0 0 16px}
  .buttons{display:grid;gap:12px;margin-top:8px}
  button{font-size:18px;padding:14px;border-radius:10px;border:1px solid #1c7ed6;background:#1c7ed6;color:#fff;width:100%}
  button.secondary{background:#fff;color:#1c7ed6}
  textarea{width:100%;box-sizing:border-box;font:inherit;font-size:16px;padding:10px;border-radius:8px;border:1px solid #ced4da;min-height:88px}
  label{display:block;margin:8px 0 6px;color:#495057}
  .muted{color:#868e96;font-size:14px}
  form+.muted{margin-top:16px}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export function replyFormPage({ heading, text, options }: { heading: string; text: string; options: readonly ReplyReason[] }): string {
  const buttons = options
    .map((o) => `<button type="submit" name="reason" value="${o}"${o === 'other' ? ' class="secondary"' : ''}>${REPLY_LABELS[o]}</button>`)
    .join('\n');
  return page(
    heading,
    `<h1>${escapeHtml(heading)}</h1>
<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>
<form method="post">
<label for="text">补充说明（选填）</label>
<textarea id="text" name="text" maxlength="500" placeholder="例如：预计 10 点到岗"></textarea>
<div class="buttons">${buttons}</div>
</form>
<p class="muted">此链接仅可使用一次。</p>`,
  );
}

export function repliedPage(reason: string): string {
  const label = REPLY_LABELS[reason as ReplyReason] ?? reason;
  return page('已收到回复', `<h1>已收到您的回复</h1><p>您的回复：${escapeHtml(label)}</p><p>谢谢，人事部门已收到。</p>`);
}

export function alreadyAnsweredPage(): string {
  return page('已回复', `<h1>此消息已回复</h1><p>该链接已经使用过，无需再次回复。如有新情况，请直接联系人事部门。</p>`);
}

export function invalidLinkPage(reason: 'malformed' | 'forged' | 'expired' | 'unknown'): string {
  const text = reason === 'expired' ? '此链接已过期。如需说明情况，请直接联系人事部门。' : '此链接无效。请使用消息中的原始链接，或直接联系人事部门。';
  return page('链接无效', `<h1>${reason === 'expired' ? '链接已过期' : '链接无效'}</h1><p>${text}</p>`);
}

export function badReplyPage(): string {
  return page('请选择原因', `<h1>请选择一个原因</h1><p>请返回上一页，点击其中一个按钮提交。</p>`);
}
