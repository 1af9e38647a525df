import { z } from 'zod';
import { NoticeView, type PaperDeliveryBody, type SendNoticeBody } from '#shared/cases/notice-delivery';
import { SignedNoticeRecord } from '#shared/evidence/bundle-manifest';
import { RenshiError } from '#shared/errors';
import { ErrorBody } from '#shared/sync/protocol';

/** The sync server's notice-delivery endpoints (src-server/delivery), for the case screen. */
export type ServerSession = { serverUrl: string; token: string };

async function call<S extends z.ZodType>(session: ServerSession, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, session.serverUrl), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${session.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new RenshiError('device-unreachable', `sync server did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    throw new RenshiError('internal', parsed.success ? parsed.data.error.message : `sync server answered ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new RenshiError('internal', `unexpected answer from ${path}`);
  return parsed.data;
}

export function deliveryClient(session: ServerSession) {
  return {
    send: (body: SendNoticeBody) => call(session, '/delivery/notices', NoticeView, body),
    paper: (noticeId: string, body: PaperDeliveryBody) => call(session, `/delivery/notices/${encodeURIComponent(noticeId)}/paper`, NoticeView, body),
    ofCase: async (caseId: string) => (await call(session, `/delivery/notices?caseId=${encodeURIComponent(caseId)}`, z.object({ notices: z.array(NoticeView) }))).notices,
    /** The signed document, signature record and drawn image of a notice (for the evidence bundle). */
    signedRecord: (noticeId: string) => call(session, `/delivery/notices/${encodeURIComponent(noticeId)}/signed-record`, SignedNoticeRecord),
  };
}
export type DeliveryClient = ReturnType<typeof deliveryClient>;
