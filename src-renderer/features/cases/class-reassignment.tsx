import { Alert, Button, Checkbox, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { currentFact, type CaseDoc } from '#shared/cases/case-doc';
import type { CaseEventInput } from '#shared/cases/case-engine';
import type { StepTemplate } from '#shared/cases/case-template';
import { teacherStatusOf } from '#shared/cases/teacher-status';
import { newId } from '#shared/ids';
import type { Employee } from '#shared/schemas/employee';
import { formatDateTime } from '../../components/format.ts';
import { useT } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useTr } from './case-ui.ts';

/**
 * The class-reassignment step of a teacher's offboarding (story 5): whether the leaver teaches, as the
 * employee record says (the case's `subject-teacher` fact); for a teacher each class with its term, weekly
 * hours and the colleague who takes it over, picked from the employees; for anyone else, that the step does
 * not apply and why.
 */
export function ClassReassignment({ doc, st, open, subject, send }: { doc: CaseDoc; st: StepTemplate; open: boolean; subject: Employee | null; send: (e: CaseEventInput) => Promise<boolean> }) {
  const t = useT();
  const { label } = useTr();
  const status = currentFact(doc, 'subject-teacher');
  const classes = doc.checklist.filter((c) => c.stepId === st.id);
  const [picked, setPicked] = useState<Record<string, string | null>>({});
  const [name, setName] = useState('');
  const [term, setTerm] = useState('');
  const [hours, setHours] = useState<number | string>('');
  const { employees } = useEmployees();
  // Teachers first: the new teacher is usually one already.
  const options = useMemo(
    () =>
      employees
        .filter((e) => e.id !== doc.subjectEmployeeId && e.status !== 'terminated')
        .map((e) => ({ e, teacher: teacherStatusOf(e).teacher }))
        .sort((a, b) => Number(b.teacher) - Number(a.teacher))
        .map(({ e, teacher }) => ({ value: e.id, label: `${e.name}（${e.employeeNo}）${teacher ? t('ob.successorIsTeacher') : ''}` })),
    [employees, doc.subjectEmployeeId, t],
  );

  if (!status) return <Text size="xs" c="dimmed" mt={6}>{t('ob.teacherUnknown')}</Text>;
  if (!status.teacher) {
    return (
      <Alert color="gray" p="xs" mt={6} data-testid="class-not-applicable">
        {t('ob.notTeacher', { position: subject?.position || '—' })}
      </Alert>
    );
  }
  const basis = status.basis.map((b) => t(b.field === 'certificate' ? 'ob.basis.certificate' : 'ob.basis.position', { value: b.value })).join('、');
  const nameOf = (id: string) => employees.find((e) => e.id === id)?.name ?? id;
  const decided = doc.steps.find((s) => s.id === st.id)?.state;
  const editable = open && decided !== 'done' && decided !== 'skipped' && decided !== 'overridden';

  async function add() {
    const weeklyHours = hours === '' ? null : Number(hours);
    const ok = await send({
      type: 'add_checklist_item',
      stepId: st.id,
      itemId: `class-${newId().toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12)}`,
      label: { zh: name.trim(), en: name.trim() },
      classDetails: { term: term.trim(), weeklyHours: weeklyHours !== null && weeklyHours > 0 ? weeklyHours : null },
    });
    if (ok) {
      setName('');
      setHours('');
    }
  }

  return (
    <Stack gap={4} mt={6} data-testid="class-reassignment">
      <Text size="xs" c="blue.8" data-testid="teacher-basis">
        {t('ob.teacher', { basis })}
      </Text>
      {classes.map((c) => {
        const successorId = picked[c.id] ?? c.successorId;
        return (
          <Group key={c.id} gap="xs" wrap="nowrap" data-testid="class-row">
            <Checkbox
              size="xs"
              checked={c.done}
              disabled={!editable || (!c.done && !successorId)}
              onChange={(e) => void send({ type: 'check_item', stepId: st.id, itemId: c.itemId, done: e.currentTarget.checked, successor: successorId ? nameOf(successorId) : null, successorId: successorId ?? null })}
              data-testid={`check-${c.itemId}`}
            />
            <Text size="sm">{label(c.label)}</Text>
            {c.classDetails && (
              <Text size="xs" c="dimmed">
                {c.classDetails.weeklyHours !== null ? t('ob.classMeta', { term: c.classDetails.term, hours: c.classDetails.weeklyHours }) : c.classDetails.term}
              </Text>
            )}
            {!c.done && editable ? (
              <Select size="xs" searchable limit={50} placeholder={t('ob.successorTeacher')} data={options} value={successorId ?? null} onChange={(v) => setPicked({ ...picked, [c.id]: v })} data-testid={`successor-${c.itemId}`} />
            ) : (
              c.successor && <Text size="xs">→ {c.successor}</Text>
            )}
            {c.done && (
              <Text size="xs" c="dimmed">
                {c.by} · {formatDateTime(c.at)}
              </Text>
            )}
          </Group>
        );
      })}
      {editable && (
        <Group gap="xs" align="flex-end">
          <TextInput size="xs" label={t('ob.className')} placeholder={t('ob.classNamePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="class-name" />
          <TextInput size="xs" label={t('ob.term')} placeholder={t('ob.termPlaceholder')} value={term} onChange={(e) => setTerm(e.currentTarget.value)} data-testid="class-term" />
          <NumberInput size="xs" label={t('ob.weeklyHours')} value={hours} onChange={setHours} min={0} max={80} w={90} data-testid="class-hours" />
          <Button size="xs" variant="light" disabled={!name.trim() || !term.trim()} onClick={() => void add()} data-testid="class-add">
            {t('ob.addClass')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
