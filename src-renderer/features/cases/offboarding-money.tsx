import { Alert, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { DECIDED, currentFact, isAdjusted, latestFact, type CaseDoc, type CompensationFact, type FinalWageFact } from '#shared/cases/case-doc';
import type { CaseEventInput } from '#shared/cases/case-engine';
import { offboardingMoney } from '#shared/cases/case-money';
import type { CaseTemplate } from '#shared/cases/case-template';
import { PAID_DAYS_PER_MONTH, economicCompensation, finalMonthPaidDays, finalWageFen } from '#shared/cases/termination-pay';
import { newId } from '#shared/ids';
import { scheduleLookup } from '#shared/attendance/work-schedule';
import type { Employee } from '#shared/schemas/employee';
import { Section } from '../../components/section.tsx';
import { formatDateTime, formatYuan } from '../../components/format.ts';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import { useAttendanceSetup } from '../attendance/use-attendance-data.ts';
import { useTr } from './case-ui.ts';

type Send = (e: CaseEventInput) => Promise<boolean>;
type Amount = number | string;

/** Yuan as typed (a number or Mantine's in-progress string) -> fen, or null when it is not a usable amount. */
function toFen(v: Amount | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 100) : null;
}

/**
 * The money side of an offboarding case. Final wages: what is owed on the termination date, computed from the
 * records (the salary in the employee's encrypted record, the paid days the calendar gives for the final
 * month), with the inputs and the formula in view; HR may use another figure, with the reason, which is
 * kept beside the records' figure and flagged in the audit trail. They are due whatever else is open.
 * Economic compensation: the statutory amount (第四十七条) from the years of service and the wage HR confirms,
 * released only once the handover steps are decided.
 */
export function MoneyPanel(props: { doc: CaseDoc; template: CaseTemplate; now: number; employee: Employee | null; open: boolean; send: Send; onHold: () => void }) {
  const { doc, template, now } = props;
  const t = useT();
  const { label } = useTr();
  const m = offboardingMoney(doc, template, now);
  const terminationDate = currentFact(doc, 'termination-date');
  const stepTitle = (id: string) => label(template.steps.find((s) => s.id === id)?.title);
  const wagesStep = template.steps.find((s) => s.finalWages && s.rules.includes('final-wage-computed'));
  const compStep = template.steps.find((s) => s.releasesCompensation && s.rules.includes('compensation-computed'));
  // Once its step is decided (paid, released) a figure is only shown, never computed again.
  const decided = (id: string | undefined) => DECIDED.has(doc.steps.find((s) => s.id === id)?.state ?? 'pending');
  return (
    <Section
      title={t('ob.moneyTitle')}
      testId="money-panel"
      extra={
        <Button size="xs" variant="subtle" color="red" onClick={props.onHold} data-testid="hold-wages">
          {t('ob.holdWages')}
        </Button>
      }
    >
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="xs">
          <Alert color={m.finalWages.overdue ? 'red' : m.finalWages.paid ? 'green' : 'blue'} title={t('ob.wagesTitle')} data-testid="money-final-wages">
            <Text size="sm">
              {m.finalWages.paid
                ? t('ob.paid')
                : m.finalWages.dueDate
                  ? `${t('ob.due', { date: m.finalWages.dueDate })}${m.finalWages.overdue ? t('ob.overdue') : ''}`
                  : t('ob.recordDateFirst')}
            </Text>
            <Text size="xs" mt={4}>
              {t('ob.wagesNeverHeld')}
            </Text>
          </Alert>
          {wagesStep && terminationDate && <FinalWage key={terminationDate} {...props} terminationDate={terminationDate} computed={m.finalWages.computed} decided={decided(wagesStep.id)} />}
        </Stack>
        <Stack gap="xs">
          <Alert color={m.compensation.released ? 'green' : m.compensation.releasable ? 'blue' : 'gray'} title={t('ob.compTitle')} data-testid="money-compensation">
            <Text size="sm">
              {m.compensation.released
                ? t('ob.compReleased')
                : m.compensation.skipped
                  ? t('ob.compSkipped')
                  : m.compensation.releasable
                    ? t('ob.compReleasable')
                    : t('ob.compWaiting', { steps: m.compensation.waitingFor.map(stepTitle).join('、') })}
            </Text>
          </Alert>
          {compStep && terminationDate && !m.compensation.skipped && <Compensation key={terminationDate} {...props} terminationDate={terminationDate} computed={m.compensation.computed} decided={decided(compStep.id)} />}
        </Stack>
      </SimpleGrid>
    </Section>
  );
}

function FinalWage({ doc, employee, open, send, terminationDate, computed, decided }: { doc: CaseDoc; employee: Employee | null; open: boolean; send: Send; terminationDate: string; computed: FinalWageFact | null; decided: boolean }) {
  const t = useT();
  const { calendar, shifts, rotations } = useAttendanceSetup();
  const schedule = useMemo(() => scheduleLookup(shifts, rotations)(employee?.shiftId ?? null), [shifts, rotations, employee?.shiftId]);
  const onFile = employee ? finalMonthPaidDays({ terminationDate, hireDate: employee.hireDate, schedule, calendar }) : null;
  const salaryOnFile = employee?.sensitive?.monthlySalaryFen ?? null;
  // null: the records' figure; HR's own figure once typed.
  const [salaryInput, setSalary] = useState<Amount | null>(null);
  const [daysInput, setDays] = useState<Amount | null>(null);
  const [amountInput, setAmount] = useState<Amount | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const showForm = open && !decided && (computed === null || editing);
  if (!onFile || (!showForm && !computed)) return null;

  const salaryFen = salaryInput !== null ? toFen(salaryInput) : salaryOnFile;
  const days = daysInput !== null ? (daysInput === '' ? null : Number(daysInput)) : onFile.paidDays;
  const daysOk = days !== null && Number.isInteger(days * 2) && days >= 0 && days <= 31;
  const formulaFen = salaryFen !== null && daysOk ? finalWageFen({ monthlySalaryFen: salaryFen, paidDays: days }) : null;
  const amountFen = amountInput !== null ? toFen(amountInput) : formulaFen;
  const adjusted = {
    'monthly-salary': salaryOnFile !== null && salaryFen !== salaryOnFile,
    'paid-days': days !== onFile.paidDays,
    amount: formulaFen !== null && amountFen !== formulaFen,
  };
  const missingReason = Object.entries(adjusted).some(([k, a]) => a && !(reasons[k] ?? '').trim());
  const stale = !computed && currentFact(doc, 'final-wage') !== null;
  const week = schedule ? t('ob.weekOfShift', { name: schedule.name }) : t('ob.weekDefault');

  async function save() {
    if (salaryFen === null || !daysOk || amountFen === null) return;
    setBusy(true);
    const ok = await send({
      type: 'record_final_wage',
      id: newId(),
      periodStart: onFile!.from,
      monthlySalaryFen: { value: salaryFen, fromRecords: salaryOnFile, reason: reasons['monthly-salary'] ?? '' },
      paidDays: { value: days!, fromRecords: onFile!.paidDays, reason: reasons['paid-days'] ?? '' },
      amount: { value: amountInput !== null ? amountFen : null, reason: reasons.amount ?? '' },
    });
    setBusy(false);
    if (ok) {
      setSalary(null);
      setDays(null);
      setAmount(null);
      setReasons({});
      setEditing(false);
    }
  }

  const reasonInput = (figure: keyof typeof adjusted) =>
    adjusted[figure] && (
      <TextInput size="xs" label={t('ob.adjustReason')} value={reasons[figure] ?? ''} onChange={(e) => setReasons({ ...reasons, [figure]: e.currentTarget.value })} error={!(reasons[figure] ?? '').trim()} data-testid={`fw-reason-${figure}`} />
    );

  return (
    <Paper withBorder p="sm" data-testid="final-wage">
      {computed && (
        <Recorded
          doc={doc}
          kind="final-wage"
          amountFen={computed.amountFen.value}
          formula={`${t('ob.formula', { salary: formatYuan(computed.monthlySalaryFen.value), days: computed.paidDays.value, amount: formatYuan(computed.amountFen.fromRecords ?? computed.amountFen.value) })}${computed.paidDays.value > PAID_DAYS_PER_MONTH ? t('ob.formulaCapped') : ''}`}
          figures={{ 'monthly-salary': computed.monthlySalaryFen, 'paid-days': computed.paidDays, amount: computed.amountFen }}
          onAgain={open && !decided && !editing ? () => setEditing(true) : null}
          testId="fw-recorded"
        />
      )}
      {stale && <Alert color="orange" p="xs" mb="xs" data-testid="fw-stale">{t('ob.recompute')}</Alert>}
      {showForm && (
        <>
          <Text size="xs" c="dimmed" mb={4}>
            {t('ob.period', { from: onFile.from, to: onFile.to })}
          </Text>
          <SimpleGrid cols={2} spacing="xs">
            <Stack gap={4}>
              <NumberInput
                size="xs"
                label={t('ob.monthlySalary')}
                description={salaryOnFile !== null ? t('ob.salaryOnFile', { amount: formatYuan(salaryOnFile) }) : t('ob.salaryNotOnFile')}
                value={salaryFen !== null && salaryInput === null ? salaryFen / 100 : (salaryInput ?? '')}
                onChange={setSalary}
                min={0}
                decimalScale={2}
                disabled={!open}
                data-testid="fw-salary"
              />
              {reasonInput('monthly-salary')}
            </Stack>
            <Stack gap={4}>
              <NumberInput
                size="xs"
                label={t('ob.paidDays')}
                description={t('ob.paidDaysOnFile', { working: onFile.workingDays, holidays: onFile.statutoryHolidays, week })}
                value={daysInput ?? onFile.paidDays}
                onChange={setDays}
                min={0}
                max={31}
                step={0.5}
                decimalScale={1}
                disabled={!open}
                data-testid="fw-days"
              />
              {reasonInput('paid-days')}
            </Stack>
          </SimpleGrid>
          {formulaFen !== null && salaryFen !== null && (
            <Text size="sm" mt="xs" data-testid="fw-formula">
              {t('ob.formula', { salary: formatYuan(salaryFen), days: days!, amount: formatYuan(formulaFen) })}
              {days! > PAID_DAYS_PER_MONTH ? t('ob.formulaCapped') : ''}
            </Text>
          )}
          <Group align="flex-end" gap="xs" mt="xs" wrap="nowrap">
            <NumberInput size="xs" label={t('ob.amountOwed')} description={t('ob.amountHint')} value={amountInput ?? (formulaFen !== null ? formulaFen / 100 : '')} onChange={setAmount} min={0} decimalScale={2} disabled={!open} style={{ flex: 1 }} data-testid="fw-amount" />
            <Button size="xs" onClick={() => void save()} loading={busy} disabled={!open || salaryFen === null || !daysOk || amountFen === null || missingReason} data-testid="fw-save">
              {t('ob.recordWage')}
            </Button>
          </Group>
          {reasonInput('amount')}
        </>
      )}
    </Paper>
  );
}

function Compensation({ doc, employee, open, send, terminationDate, computed, decided }: { doc: CaseDoc; employee: Employee | null; open: boolean; send: Send; terminationDate: string; computed: CompensationFact | null; decided: boolean }) {
  const t = useT();
  const averageOnFile = employee?.sensitive?.monthlySalaryFen ?? null;
  const [averageInput, setAverage] = useState<Amount | null>(null);
  const [localAverage, setLocalAverage] = useState<Amount>(computed ? computed.localAverageMonthlyWageFen / 100 : '');
  const [minimum, setMinimum] = useState<Amount>(computed?.localMinimumWageFen != null ? computed.localMinimumWageFen / 100 : '');
  const [amountInput, setAmount] = useState<Amount | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const showForm = open && !decided && (computed === null || editing);
  if (!employee || (!showForm && !computed)) return null;

  const startDate = employee.hireDate;
  const averageFen = averageInput !== null ? toFen(averageInput) : averageOnFile;
  const localAverageFen = toFen(localAverage);
  const minimumFen = toFen(minimum);
  const preview =
    averageFen !== null && localAverageFen !== null && localAverageFen > 0 && startDate <= terminationDate
      ? economicCompensation({ startDate, terminationDate, averageMonthlyWageFen: averageFen, localAverageMonthlyWageFen: localAverageFen, localMinimumWageFen: minimumFen ?? undefined })
      : null;
  const amountFen = amountInput !== null ? toFen(amountInput) : (preview?.amountFen ?? null);
  const adjusted = { 'average-wage': averageOnFile !== null && averageFen !== averageOnFile, amount: preview !== null && amountFen !== preview.amountFen };
  const missingReason = Object.entries(adjusted).some(([k, a]) => a && !(reasons[k] ?? '').trim());
  const stale = !computed && currentFact(doc, 'compensation') !== null;

  async function save() {
    if (averageFen === null || localAverageFen === null || !preview || amountFen === null) return;
    setBusy(true);
    const ok = await send({
      type: 'record_compensation',
      id: newId(),
      startDate,
      averageMonthlyWageFen: { value: averageFen, fromRecords: averageOnFile, reason: reasons['average-wage'] ?? '' },
      localAverageMonthlyWageFen: localAverageFen,
      localMinimumWageFen: minimumFen,
      amount: { value: amountInput !== null ? amountFen : null, reason: reasons.amount ?? '' },
    });
    setBusy(false);
    if (ok) {
      setAverage(null);
      setAmount(null);
      setReasons({});
      setEditing(false);
    }
  }

  const reasonInput = (figure: keyof typeof adjusted) =>
    adjusted[figure] && (
      <TextInput size="xs" label={t('ob.adjustReason')} value={reasons[figure] ?? ''} onChange={(e) => setReasons({ ...reasons, [figure]: e.currentTarget.value })} error={!(reasons[figure] ?? '').trim()} data-testid={`comp-reason-${figure}`} />
    );

  return (
    <Paper withBorder p="sm" data-testid="compensation">
      {computed && (
        <Recorded
          doc={doc}
          kind="compensation"
          amountFen={computed.amountFen.value}
          formula={t('ob.compPreview', { months: computed.months, wage: formatYuan(computed.monthlyWageUsedFen), amount: formatYuan(computed.amountFen.fromRecords ?? computed.amountFen.value) })}
          figures={{ 'average-wage': computed.averageMonthlyWageFen, amount: computed.amountFen }}
          onAgain={open && !decided && !editing ? () => setEditing(true) : null}
          testId="comp-recorded"
        />
      )}
      {stale && <Alert color="orange" p="xs" mb="xs" data-testid="comp-stale">{t('ob.recompute')}</Alert>}
      <Text size="xs" c="dimmed">{t('ob.compLaw')}</Text>
      {showForm && (
        <>
          <Text size="xs" c="dimmed" mb={4} mt={4}>
            {t('ob.service', { start: startDate, end: terminationDate })}
          </Text>
          <SimpleGrid cols={2} spacing="xs">
            <Stack gap={4}>
              <NumberInput
                size="xs"
                label={t('ob.averageWage')}
                description={averageOnFile !== null ? t('ob.averageOnFile', { amount: formatYuan(averageOnFile) }) : t('ob.salaryNotOnFile')}
                value={averageInput ?? (averageOnFile !== null ? averageOnFile / 100 : '')}
                onChange={setAverage}
                min={0}
                decimalScale={2}
                disabled={!open}
                data-testid="comp-average"
              />
              {reasonInput('average-wage')}
            </Stack>
            <NumberInput size="xs" label={t('ob.localAverage')} description={t('ob.localAverageHint')} value={localAverage} onChange={setLocalAverage} min={0} decimalScale={2} disabled={!open} data-testid="comp-local-average" />
            <NumberInput size="xs" label={t('ob.localMinimum')} value={minimum} onChange={setMinimum} min={0} decimalScale={2} disabled={!open} data-testid="comp-minimum" />
          </SimpleGrid>
          {preview && (
            <Stack gap={2} mt="xs" data-testid="comp-preview">
              <Text size="sm">{t('ob.compPreview', { months: preview.months, wage: formatYuan(preview.monthlyWageUsedFen), amount: formatYuan(preview.amountFen) })}</Text>
              {preview.capped && localAverageFen !== null && <Text size="xs" c="orange.8">{t('ob.compCapped', { cap: formatYuan(3 * localAverageFen) })}</Text>}
              {preview.notes.some((n) => n.includes('minimum wage')) && <Text size="xs" c="orange.8">{t('ob.compMinimum')}</Text>}
              {startDate < '2008-01-01' && <Text size="xs" c="orange.8">{t('ob.compPre2008')}</Text>}
            </Stack>
          )}
          <Group align="flex-end" gap="xs" mt="xs" wrap="nowrap">
            <NumberInput size="xs" label={t('ob.compAmount')} description={t('ob.compAmountHint')} value={amountInput ?? (preview ? preview.amountFen / 100 : '')} onChange={setAmount} min={0} decimalScale={2} disabled={!open} style={{ flex: 1 }} data-testid="comp-amount" />
            <Button size="xs" onClick={() => void save()} loading={busy} disabled={!open || !preview || amountFen === null || missingReason} data-testid="comp-save">
              {t('ob.recordComp')}
            </Button>
          </Group>
          {reasonInput('amount')}
        </>
      )}
    </Paper>
  );
}

/** What is on file: the amount, who recorded it and when, and every figure HR took from elsewhere. */
function Recorded(props: {
  doc: CaseDoc;
  kind: 'final-wage' | 'compensation';
  amountFen: number;
  formula: string;
  figures: Record<string, { value: number; fromRecords: number | null; reason: string }>;
  onAgain: (() => void) | null;
  testId: string;
}) {
  const { doc, kind, amountFen, figures, testId } = props;
  const t = useT();
  const fact = latestFact(doc, kind);
  const shown = (name: string, v: number) => (name === 'paid-days' ? String(v) : formatYuan(v));
  return (
    <Alert color="green" p="xs" mb="xs" data-testid={testId}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {t('ob.recorded', { amount: formatYuan(amountFen), by: fact?.by ?? '', at: fact ? formatDateTime(fact.at) : '' })}
        </Text>
        {props.onAgain && (
          <Button size="compact-xs" variant="subtle" onClick={props.onAgain} data-testid={`${testId}-again`}>
            {t('ob.computeAgain')}
          </Button>
        )}
      </Group>
      <Text size="xs">{props.formula}</Text>
      {Object.entries(figures).map(([name, f]) =>
        isAdjusted(f) ? (
          <Text key={name} size="xs" c="red.8" data-testid="figure-adjusted">
            {t('ob.adjusted', { figure: t(`ob.figure.${name}` as MessageKey), from: shown(name, f.fromRecords!), to: shown(name, f.value), reason: f.reason })}
          </Text>
        ) : f.fromRecords === null ? (
          <Text key={name} size="xs" c="dimmed">
            {t('ob.enteredByHr', { figure: t(`ob.figure.${name}` as MessageKey) })}
          </Text>
        ) : null,
      )}
    </Alert>
  );
}
