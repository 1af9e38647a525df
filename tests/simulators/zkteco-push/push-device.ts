/**
 * A ZKTeco terminal in PUSH (ADMS / "iclock") mode: an HTTP client that calls the server the way firmware
 * does, written from the protocol description rather than from our server, so the two can disagree.
 *
 * Device model: an attendance log where every record carries the device's own upload stamp (a counter,
 * like firmware's). The handshake answer tells the device the last stamp the server holds; an upload
 * sends the records after it, with Stamp=<last stamp sent>. A device told nothing (or "0") sends all.
 * Commands from getrequest are executed against the log: INFO reports counts, DATA QUERY ATTLOG re-uploads
 * the records in the range and answers Return=<count>.
 */
export type PushRecord = { pin: string; localTime: string; punchState: number; verifyMode: number; workCode?: string };
type Logged = PushRecord & { stamp: number };
export type HttpAnswer = { status: number; text: string };

export type PushDeviceOptions = {
  serverUrl: string;
  serialNumber: string;
  pushVersion?: string;
  /** The device's user table, reported by uploadUsers() as OPERLOG USER lines. */
  users?: { pin: string; name: string; privilege?: number; card?: string }[];
};

export class PushDevice {
  readonly log: Logged[] = [];
  /** The options block of the last handshake, key -> value. */
  options = new Map<string, string>();
  serverStamp = 0;
  /** Every command the device received, in order, with what it answered. */
  readonly executed: { id: string; command: string; returnCode: number }[] = [];
  private nextStamp = 1;

  constructor(readonly opts: PushDeviceOptions) {}

  get serial(): string {
    return this.opts.serialNumber;
  }

  /** Adds records to the device's log (as if people punched) without uploading them. */
  record(...records: PushRecord[]): void {
    for (const r of records) this.log.push({ ...r, stamp: this.nextStamp++ });
  }

  async handshake(): Promise<HttpAnswer> {
    const res = await this.request('GET', `/iclock/cdata?SN=${this.serial}&options=all&pushver=${this.opts.pushVersion ?? '2.4.1'}&language=83`);
    if (res.status === 200) {
      this.options = new Map(
        res.text
          .split(/\r?\n/)
          .slice(1)
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
      );
      const stamp = Number(this.options.get('ATTLOGStamp') ?? this.options.get('Stamp') ?? '0');
      this.serverStamp = Number.isFinite(stamp) ? stamp : 0;
    }
    return res;
  }

  /** Uploads what the server has not acknowledged yet (the records after its stamp), in one POST. */
  async uploadPending(): Promise<HttpAnswer & { sent: number }> {
    const pending = this.log.filter((r) => r.stamp > this.serverStamp);
    if (!pending.length) return { status: 200, text: 'OK: 0', sent: 0 };
    const last = pending[pending.length - 1]!.stamp;
    const res = await this.postTable('ATTLOG', pending.map(attlogLine).join('\n') + '\n', last);
    if (res.status === 200 && /^OK/.test(res.text)) this.serverStamp = last;
    return { ...res, sent: pending.length };
  }

  /** Real-time mode: the record is logged and uploaded at once. */
  async punch(r: PushRecord): Promise<HttpAnswer> {
    this.record(r);
    return this.uploadPending();
  }

  async uploadUsers(): Promise<HttpAnswer> {
    const lines = (this.opts.users ?? []).map((u) => `USER PIN=${u.pin}\tName=${u.name}\tPri=${u.privilege ?? 0}\tPasswd=\tCard=${u.card ?? ''}\tGrp=1\tTZ=0000000100000000`);
    lines.push('OPLOG 4\t0\t2026-03-02 08:00:00\t0\t0\t0\t0');
    return this.postTable('OPERLOG', lines.join('\n') + '\n', 1);
  }

  postTable(table: string, body: string | Uint8Array, stamp?: number): Promise<HttpAnswer> {
    return this.request('POST', `/iclock/cdata?SN=${this.serial}&table=${table}${stamp !== undefined ? `&Stamp=${stamp}` : ''}`, body);
  }

  /** One poll: fetches queued commands, executes each and reports the results in one devicecmd POST. */
  async poll(): Promise<{ answer: HttpAnswer; results: HttpAnswer | null }> {
    const answer = await this.request('GET', `/iclock/getrequest?SN=${this.serial}`);
    if (answer.status !== 200 || answer.text.trim() === 'OK') return { answer, results: null };
    const reports: string[] = [];
    for (const line of answer.text.split(/\r?\n/)) {
      const m = /^C:([^:]+):(.*)$/.exec(line.trim());
      if (!m) continue;
      const [, id, command] = m as unknown as [string, string, string];
      const { returnCode, data } = await this.execute(command);
      this.executed.push({ id, command, returnCode });
      const verb = command.split(' ')[0] === 'DATA' ? 'DATA' : command.split(' ')[0]!;
      reports.push([`ID=${id}&Return=${returnCode}&CMD=${verb}`, ...data].join('\n'));
    }
    const results = await this.request('POST', `/iclock/devicecmd?SN=${this.serial}`, reports.join('\n') + '\n');
    return { answer, results };
  }

  private async execute(command: string): Promise<{ returnCode: number; data: string[] }> {
    if (command === 'INFO') {
      return {
        returnCode: 0,
        data: [`~DeviceName=SimPush`, `MAC=00:17:61:00:00:01`, `UserCount=${this.opts.users?.length ?? 0}`, `TransactionCount=${this.log.length}`, `FWVersion=Ver 6.60 Sim`],
      };
    }
    const q = /^DATA QUERY ATTLOG StartTime=(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\tEndTime=(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$/.exec(command);
    if (q) {
      const [, start, end] = q as unknown as [string, string, string];
      const inRange = this.log.filter((r) => r.localTime >= start && r.localTime <= end);
      if (inRange.length) {
        const res = await this.postTable('ATTLOG', inRange.map(attlogLine).join('\n') + '\n');
        if (res.status !== 200) return { returnCode: -1, data: [] };
      }
      return { returnCode: inRange.length, data: [] };
    }
    return { returnCode: -1002, data: [] }; // unknown command
  }

  async request(method: 'GET' | 'POST', path: string, body?: string | Uint8Array): Promise<HttpAnswer> {
    const res = await fetch(`${this.opts.serverUrl}${path}`, {
      method,
      // Firmware sends its own content type (or none); this is one seen in the field.
      headers: body !== undefined ? { 'content-type': 'application/push;charset=UTF-8' } : {},
      body: typeof body === 'string' || body === undefined ? body : Buffer.from(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, text: await res.text() };
  }
}

/** PUSH ATTLOG layout: pin, time, state, verify, workcode, two reserved fields. */
export function attlogLine(r: PushRecord): string {
  return [r.pin, r.localTime, r.punchState, r.verifyMode, r.workCode ?? '0', '0', '0'].join('\t');
}
