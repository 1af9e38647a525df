import { Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { latestAccess, type CaseDoc } from '#shared/cases/case-doc';
import type { CaseEventInput } from '#shared/cases/case-engine';
import type { CaseTemplate, ParticipantRole } from '#shared/cases/case-template';
import { Section } from '../../components/section.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useEmployees } from '../employees/use-employees.ts';
import { useTr } from './case-ui.ts';

const ROLE_TEXT: Record<ParticipantRole, [string, string]> = {
  subject: ['当事人', 'subject'],
  participant: ['参与者', 'participant'],
  witness: ['证人', 'witness'],
  approver: ['审批人', 'approver'],
  hr: ['HR', 'HR'],
};

/**
 * The people on a case (subject, participants, witnesses…) with an interview note per person, and for
 * restricted cases who may see it (grant / revoke, each recorded with who and when).
 */
export function CasePeople({ doc, template, send, onInterview }: { doc: CaseDoc; template: CaseTemplate; send: (e: CaseEventInput) => Promise<boolean>; onInterview: (personId: string) => void }) {
  const { tr } = useTr();
  const { employees } = useEmployees();
  const [personId, setPersonId] = useState<string | null>(null);
  const [role, setRole] = useState<string | null>(template.participantRoles.find((r) => r !== 'subject') ?? null);
  const [user, setUser] = useState('');
  const open = doc.status === 'open';
  const nameOf = (id: string) => employees.find((e) => e.id === id)?.name ?? id;
  const hasInterviews = template.steps.some((s) => s.evidence.some((e) => e.kind === 'interview'));
  const access = [...latestAccess(doc.access).values()];
  return (
    <Section title={doc.restricted ? tr('相关人员与访问权限', 'People and access') : tr('相关人员', 'People')} testId="case-people">
      <Stack gap={6}>
        {doc.participants.map((p) => (
          <Group key={`${p.personId}|${p.role}`} gap="xs" data-testid="participant-row">
            <Badge variant="light" style={{ textTransform: 'none' }}>{tr(...ROLE_TEXT[p.role])}</Badge>
            <Text size="sm">{p.name || nameOf(p.personId)}</Text>
            <Text size="xs" c="dimmed">
              {doc.evidence.filter((e) => e.personId === p.personId && e.kind === 'interview').length > 0 ? tr('已谈话', 'interviewed') : ''}
            </Text>
            {hasInterviews && open && (
              <Button size="compact-xs" variant="subtle" onClick={() => onInterview(p.personId)} data-testid="interview-add">
                {tr('记录谈话', 'Record interview')}
              </Button>
            )}
          </Group>
        ))}
        {open && template.participantRoles.length > 1 && (
          <Group gap="xs" align="flex-end">
            <Select size="xs" searchable placeholder={tr('选择员工', 'Employee')} data={employees.map((e) => ({ value: e.id, label: `${e.name}（${e.employeeNo}）` }))} value={personId} onChange={setPersonId} data-testid="participant-person" />
            <Select size="xs" w={120} data={template.participantRoles.filter((r) => r !== 'subject').map((r) => ({ value: r, label: tr(...ROLE_TEXT[r]) }))} value={role} onChange={setRole} data-testid="participant-role" />
            <Button
              size="xs"
              variant="light"
              disabled={!personId || !role}
              onClick={async () => {
                const emp = employees.find((e) => e.id === personId);
                if (await send({ type: 'add_participant', participant: { personId: personId!, name: emp?.name ?? '', role: role as ParticipantRole } })) setPersonId(null);
              }}
              data-testid="participant-add"
            >
              {tr('添加', 'Add')}
            </Button>
          </Group>
        )}
        {doc.restricted && (
          <>
            <Text size="xs" c="dimmed" mt="xs">
              {tr('仅以下用户可查看本案件；每次查看与修改都记入审计。', 'Only these users may see this case; every view and change is audited.')}
            </Text>
            {access.map((a) => (
              <Group key={a.userId} gap="xs" data-testid="access-row">
                <Badge color={a.granted ? 'green' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
                  {a.granted ? tr('可访问', 'access') : tr('已撤销', 'revoked')}
                </Badge>
                <Text size="sm">{a.userId}</Text>
                <Text size="xs" c="dimmed">
                  {a.by} · {formatDateTime(a.at)}
                </Text>
                {open && a.granted && (
                  <Button size="compact-xs" variant="subtle" color="red" onClick={() => void send({ type: 'revoke_access', userId: a.userId })}>
                    {tr('撤销', 'Revoke')}
                  </Button>
                )}
              </Group>
            ))}
            {open && (
              <Group gap="xs">
                <TextInput size="xs" placeholder={tr('用户名', 'User name')} value={user} onChange={(e) => setUser(e.currentTarget.value)} data-testid="access-user" />
                <Button size="xs" variant="light" disabled={!user.trim()} onClick={async () => (await send({ type: 'grant_access', userId: user.trim() })) && setUser('')} data-testid="access-grant">
                  {tr('授权查看', 'Grant access')}
                </Button>
              </Group>
            )}
          </>
        )}
      </Stack>
    </Section>
  );
}
