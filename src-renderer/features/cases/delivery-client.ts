import { z } from 'zod';
import { NoticeView, type PaperDeliveryBody, type SendNoticeBody } from '#shared/cases/notice-delivery';
import { SignedNoticeRecord } from '#shared/evidence/bundle-manifest';
import { callServer, type ServerSession } from '../../sync/server-call.ts';

/** The sync server's notice-delivery endpoints (src-server/delivery), for the case screen. */
export function deliveryClient(session: ServerSession) {
  return {
    send: (body: SendNoticeBody) => callServer(session, '/delivery/notices', NoticeView, body),
    paper: (noticeId: string, body: PaperDeliveryBody) => callServer(session, `/delivery/notices/${encodeURIComponent(noticeId)}/paper`, NoticeView, body),
    ofCase: async (caseId: string) => (await callServer(session, `/delivery/notices?caseId=${encodeURIComponent(caseId)}`, z.object({ notices: z.array(NoticeView) }))).notices,
    /** The signed document, signature record and drawn image of a notice (for the evidence bundle). */
    signedRecord: (noticeId: string) => callServer(session, `/delivery/notices/${encodeURIComponent(noticeId)}/signed-record`, SignedNoticeRecord),
  };
}
export type DeliveryClient = ReturnType<typeof deliveryClient>;
