import { escapeHtml } from '../notifications/email.ts';

const STYLE = `body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:16px;background:#f5f6f8;color:#1f2328;font-size:17px;line-height:1.5}
main{max-width:520px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}p{margin:0 0 16px}.doc{border:1px solid #dee2e6;border-radius:8px;padding:12px;margin-bottom:16px;white-space:normal}
canvas{width:100%;height:auto;border:1px dashed #868e96;border-radius:8px;touch-action:none;background:#fff;display:block;margin-bottom:8px}
input#name{font-size:17px;padding:10px;width:100%;box-sizing:border-box;border:1px solid #ced4da;border-radius:8px}
.ack{display:block;margin-bottom:12px}
button{font-size:18px;padding:14px;border-radius:10px;border:1px solid #1c7ed6;background:#1c7ed6;color:#fff;width:100%}
button.secondary{background:#fff;color:#1c7ed6;font-size:15px;padding:8px;margin-bottom:12px}
.muted{color:#868e96;font-size:13px;word-break:break-all}.err{color:#e03131}.ok{color:#2f9e44}`;

/** A phone-sized page; the script runs only with this response's nonce (CSP). */
export function signingPage(title: string, body: string, script: string, nonce: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main>${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
}
