import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { normalizeWallTime } from '#shared/devices/attlog';
import { RenshiError } from '#shared/errors';
import { requireRole } from '../auth/routes.ts';
import type { Database } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';
import { commandText, SERIAL, type CommandRequest } from './protocol.ts';
import { iclockRepository as repo } from './repository.ts';

const SerialParam = z.object({ serial: z.string().regex(SERIAL, 'serial number: letters, digits, _ and - (at most 64)') });
const RegisterBody = z.object({
  serialNumber: z.string().trim().regex(SERIAL, 'serial number: letters, digits, _ and - (at most 64)'),
  siteId: z.string().min(1).max(100),
  name: z.string().trim().min(1).max(100).optional(),
  deviceId: z.string().min(1).max(100).nullable().default(null),
});
const PatchBody = z
  .object({
    enabled: z.boolean().optional(),
    siteId: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(100).optional(),
    deviceId: z.string().min(1).max(100).nullable().optional(),
  })
  .strict();
const WallTime = z.string().transform((s, ctx) => {
  const t = normalizeWallTime(s);
  if (!t) ctx.addIssue({ code: 'custom', message: 'expected device wall time YYYY-MM-DD HH:MM:SS' });
  return t ?? '';
});
const CommandBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('info') }),
  z
    .object({ kind: z.literal('query-attlog'), startTime: WallTime, endTime: WallTime })
    .refine((c) => c.startTime <= c.endTime, { message: 'startTime must not be after endTime', path: ['endTime'] }),
]);
const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

/**
 * HR and admins manage PUSH terminals: see registered devices and serials that called unregistered, adopt
 * one into a site, disable it, read the lines it sent that did not parse, and queue read-only commands.
 */
export function iclockAdminRoutes(app: FastifyInstance, { db, clock }: { db: Database; clock: () => number }): void {
  const known = async (serial: string) => {
    const device = await repo.device(db, serial);
    if (!device) throw new RenshiError('not-found', `no push device ${serial}`);
    return device;
  };

  app.get('/push-devices', async (request) => {
    requireRole(request, 'admin', 'hr');
    const [devices, unregistered] = await Promise.all([repo.listDevices(db), repo.listUnregistered(db)]);
    return { devices, unregistered };
  });

  app.post('/push-devices', async (request, reply) => {
    const principal = requireRole(request, 'admin', 'hr');
    const input = parseInput(RegisterBody, request.body, 'push device');
    const created = await repo.register(db, {
      serial: input.serialNumber,
      name: input.name ?? input.serialNumber,
      siteId: input.siteId,
      deviceId: input.deviceId,
      at: clock(),
      by: `${principal.kind}:${principal.name}`,
    });
    if (!created) throw new RenshiError('conflict', `push device ${input.serialNumber} is already registered`);
    return reply.code(201).send(await known(input.serialNumber));
  });

  app.patch('/push-devices/:serial', async (request) => {
    requireRole(request, 'admin', 'hr');
    const { serial } = parseInput(SerialParam, request.params, 'serial number');
    const patch = parseInput(PatchBody, request.body ?? {}, 'push device change');
    const updated = await repo.update(db, serial, patch);
    if (!updated) throw new RenshiError('not-found', `no push device ${serial}`);
    return updated;
  });

  app.get('/push-devices/:serial/rejected-lines', async (request) => {
    requireRole(request, 'admin', 'hr');
    const { serial } = parseInput(SerialParam, request.params, 'serial number');
    const { limit } = parseInput(LimitQuery, request.query, 'query');
    await known(serial);
    return { lines: await repo.listRejected(db, serial, limit) };
  });

  app.get('/push-devices/:serial/users', async (request) => {
    requireRole(request, 'admin', 'hr');
    const { serial } = parseInput(SerialParam, request.params, 'serial number');
    await known(serial);
    return { users: await repo.listUsers(db, serial) };
  });

  app.get('/push-devices/:serial/commands', async (request) => {
    requireRole(request, 'admin', 'hr');
    const { serial } = parseInput(SerialParam, request.params, 'serial number');
    const { limit } = parseInput(LimitQuery, request.query, 'query');
    await known(serial);
    return { commands: await repo.listCommands(db, serial, limit) };
  });

  app.post('/push-devices/:serial/commands', async (request, reply) => {
    const principal = requireRole(request, 'admin', 'hr');
    const { serial } = parseInput(SerialParam, request.params, 'serial number');
    const input = parseInput(CommandBody, request.body, 'command') as CommandRequest;
    await known(serial);
    const command = await repo.queueCommand(db, { serial, kind: input.kind, command: commandText(input), at: clock(), by: `${principal.kind}:${principal.name}` });
    return reply.code(201).send(command);
  });
}
