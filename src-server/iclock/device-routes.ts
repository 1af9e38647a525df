import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IclockReceiver } from './receiver.ts';
import { decodeBody, serialOf, stringParam } from './protocol.ts';

/** A whole day of punches from a big terminal is well under this; photos are refused by TransFlag anyway. */
const BODY_LIMIT = 8 * 1024 * 1024;

/**
 * The terminal-facing endpoints. Devices cannot hold tokens: a device is who its serial number says, and
 * only registered serials are served (see the README for what that does and does not protect). Answers
 * are plain text, as firmware expects; any error is a short text line with a 4xx/5xx status, after which
 * the device waits ErrorDelay and tries again. Firmware sends bodies with whatever content type it likes
 * (text/plain, application/push, none), so this scope reads every body as raw bytes.
 */
export function iclockDeviceRoutes(app: FastifyInstance, receiver: IclockReceiver): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

    const text = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/plain; charset=utf-8').send(body);

    /** Resolves the calling device, or answers the refusal itself and returns null. */
    const admitted = async (request: FastifyRequest, reply: FastifyReply) => {
      const serial = serialOf(request.query);
      if (!serial) {
        text(reply, 400, 'ERROR: missing or invalid SN');
        return null;
      }
      const admission = await receiver.admit({
        serial,
        ip: request.ip ?? null,
        pushVersion: stringParam(request.query, 'pushver', 'PushVersion'),
        info: stringParam(request.query, 'INFO', 'info'),
        path: request.url.split('?')[0]!.slice(0, 100),
      });
      if (!admission.ok) {
        request.log.warn({ serial, reason: admission.reason }, 'iclock device refused');
        text(reply, 403, admission.reason === 'unregistered' ? `ERROR: device ${serial} is not registered` : `ERROR: device ${serial} is disabled`);
        return null;
      }
      return admission.device;
    };

    const cdataGet = async (request: FastifyRequest, reply: FastifyReply) => {
      const device = await admitted(request, reply);
      if (!device) return reply;
      const wantsOptions = stringParam(request.query, 'options') !== null;
      return text(reply, 200, wantsOptions ? receiver.handshake(device, stringParam(request.query, 'pushver')) : 'OK');
    };

    const cdataPost = async (request: FastifyRequest, reply: FastifyReply) => {
      const device = await admitted(request, reply);
      if (!device) return reply;
      const table = (stringParam(request.query, 'table') ?? '').toUpperCase();
      const stamp = stringParam(request.query, 'Stamp', 'stamp', 'OpStamp');
      const body = decodeBody(request.body);
      switch (table) {
        case 'ATTLOG': {
          const r = await receiver.attlog(device, body, stamp);
          if (r.rejected) request.log.warn({ serial: device.serialNumber, rejected: r.rejected }, 'iclock ATTLOG lines rejected');
          return text(reply, 200, `OK: ${r.processed}`);
        }
        case 'OPERLOG':
        case 'USERINFO':
          return text(reply, 200, `OK: ${await receiver.operlog(device, body, stamp, table)}`);
        default:
          // Photos, templates, options: acknowledged and dropped, or the device would resend them forever.
          return text(reply, 200, `OK: ${body.split(/\r?\n/).filter((l) => l.trim()).length}`);
      }
    };

    const getrequest = async (request: FastifyRequest, reply: FastifyReply) => {
      const device = await admitted(request, reply);
      if (!device) return reply;
      return text(reply, 200, await receiver.poll(device));
    };

    const devicecmd = async (request: FastifyRequest, reply: FastifyReply) => {
      const device = await admitted(request, reply);
      if (!device) return reply;
      await receiver.results(device, decodeBody(request.body));
      return text(reply, 200, 'OK');
    };

    const ok = async (request: FastifyRequest, reply: FastifyReply) => {
      const device = await admitted(request, reply);
      if (!device) return reply;
      return text(reply, 200, 'OK');
    };

    const open = { config: { public: true } };
    // Older firmware appends ".aspx" to every path.
    for (const suffix of ['', '.aspx']) {
      scope.get(`/iclock/cdata${suffix}`, open, cdataGet);
      scope.post(`/iclock/cdata${suffix}`, open, cdataPost);
      scope.get(`/iclock/getrequest${suffix}`, open, getrequest);
      scope.post(`/iclock/devicecmd${suffix}`, open, devicecmd);
      scope.get(`/iclock/ping${suffix}`, open, ok);
      scope.post(`/iclock/fdata${suffix}`, open, ok);
    }
  });
}
