/**
 * Device command line, for installers and support:
 *   npm run device -- info  --host 192.168.1.201 [--port 4370] [--driver zkteco|hanvon] [--udp] [--commkey N]
 *   npm run device -- users --host H
 *   npm run device -- pull  --host H [--since "2026-11-01 00:00"]   (one JSON Punch per line)
 * Errors go to stderr as one JSON line {code, message} with exit code 1.
 */
import { parseArgs } from 'node:util';
import { RenshiError, toErrorPayload } from '#shared/errors';
import { localDateTimeOf, instantOf } from '#shared/time';
import { openDevice } from './drivers.ts';
import { toPunch } from './punches.ts';
import type { DriverName } from './types.ts';

const USAGE = 'usage: device info|users|pull --host H [--port P] [--driver zkteco|hanvon] [--udp] [--commkey N] [--since TIME] [--timeout MS]';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      driver: { type: 'string', default: 'zkteco' },
      udp: { type: 'boolean', default: false },
      commkey: { type: 'string', default: '0' },
      since: { type: 'string' },
      timeout: { type: 'string', default: '5000' },
    },
  });
  const action = positionals[0];
  if (!action || !['info', 'users', 'pull'].includes(action) || !values.host) throw new RenshiError('validation-failed', USAGE);
  const driver = values.driver as DriverName;
  if (driver !== 'zkteco' && driver !== 'hanvon') throw new RenshiError('validation-failed', `unknown driver ${values.driver}`);
  const port = Number(values.port ?? (driver === 'hanvon' ? 9922 : 4370));
  const commKey = Number(values.commkey);
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RenshiError('validation-failed', `bad port ${values.port}`);
  if (!Number.isInteger(commKey) || commKey < 0) throw new RenshiError('validation-failed', `bad comm key ${values.commkey}`);
  let sinceLocal: string | undefined;
  if (values.since) {
    try {
      sinceLocal = localDateTimeOf(instantOf(values.since));
    } catch {
      throw new RenshiError('validation-failed', `--since must be "YYYY-MM-DD[ HH:MM[:SS]]" (Shanghai time), got ${values.since}`);
    }
  }

  const device = openDevice({ driver, host: values.host, port, transport: values.udp ? 'udp' : 'tcp', commKey, timeoutMs });
  try {
    await device.connect();
    if (action === 'info') {
      process.stdout.write(JSON.stringify(await device.info(), null, 2) + '\n');
    } else if (action === 'users') {
      for (const u of await device.users()) process.stdout.write(JSON.stringify(u) + '\n');
    } else {
      const { serialNumber } = await device.info();
      const now = Date.now();
      let bad = 0;
      for (const r of await device.records(sinceLocal ? { sinceLocal } : {})) {
        const punch = toPunch(serialNumber, r, 'device-pull', now);
        if (punch) process.stdout.write(JSON.stringify(punch) + '\n');
        else bad++;
      }
      if (bad) process.stderr.write(JSON.stringify({ warning: `${bad} records with an impossible time or pin were skipped` }) + '\n');
    }
  } finally {
    await device.close();
  }
}

// `device pull | head` closes our stdout early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(JSON.stringify(toErrorPayload(err)) + '\n');
  process.exitCode = 1;
});
