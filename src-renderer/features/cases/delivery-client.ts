import { useMemo } from 'react';
import { z } from 'zod';
import { NoticeView, type PaperDeliveryBody, type PaperOutcomeBody, type SendNoticeBody } from '#shared/cases/notice-delivery';
import { SignedNoticeRecord } from '#shared/evidence/bundle-manifest';
import { terminalLabel } from '#shared/sync/protocol';
import { useRenshi } from '../../app/context.tsx';
import { callServer, type ServerSession } from '../../sync/server-call.ts';
import { useSync } from '../../sync/sync-provider.tsx';

/** The sync server's notice-delivery endpoints (src-server/delivery), for the case screen. */
export function deliveryClient(session: ServerSession) {
  return {
    send: (body: SendNoticeBody) => callServer(session, '/delivery/notices', NoticeView, body),
    paper: (noticeId: string, body: PaperDeliveryBody) => callServer(session, `/delivery/notices/${encodeURIComponent(noticeId)}/paper`, NoticeView, body),
    /** The outcome of a letter entered later (签收 / 拒收 / 退回 from the tracking record). */
    outcome: (noticeId: string, deliveryId: string, body: PaperOutcomeBody) =>
      callServer(session, `/delivery/notices/${encodeURIComponent(noticeId)}/paper/${encodeURIComponent(deliveryId)}/outcome`, NoticeView, body),
    ofCase: async (caseId: string) => (await callServer(session, `/delivery/notices?caseId=${encodeURIComponent(caseId)}`, z.object({ notices: z.array(NoticeView) }))).notices,
    /** The signed document, signature record and drawn image of a notice (for the evidence bundle). */
    signedRecord: (noticeId: string) => callServer(session, `/delivery/notices/${encodeURIComponent(noticeId)}/signed-record`, SignedNoticeRecord),
  };
}
export type DeliveryClient = ReturnType<typeof deliveryClient>;

/** The delivery endpoints for the signed-in session, naming this terminal; null without a sync server. */
export function useDeliveryClient(): DeliveryClient | null {
  const { session } = useSync();
  const { info } = useRenshi();
  const terminal = terminalLabel(info.host, info.replicaId);
  return useMemo(() => (session?.serverUrl && session.token ? deliveryClient({ serverUrl: session.serverUrl, token: session.token, terminal }) : null), [session?.serverUrl, session?.token, terminal]);
}
