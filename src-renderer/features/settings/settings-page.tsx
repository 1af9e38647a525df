import { Alert, Badge, Box, Button, Group, NumberInput, PasswordInput, Radio, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconGitMerge, IconLogin, IconLogout, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { COLLECTION_NAMES } from '#shared/collections';
import type { TerminalSettings } from '#shared/ipc/contract';
import { useRenshi } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Field, Section } from '../../components/section.tsx';
import { useLanguage, useT, type Language, type MessageKey } from '../../i18n/i18n.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import { useConflicts } from '../conflicts/conflicts-api.ts';
import { useOrg } from '../org/use-org.ts';

type Mode = TerminalSettings['serverMode'];
/** Session "problems" that only mean the sign-in form is next (the form itself says so). */
const AWAITING_SIGN_IN = new Set(['sign-in required', 'signed out', 'no server configured']);
const MODES: Mode[] = ['embedded', 'remote', 'offline'];

/** A bridge error in the operator's words: the session service answers with stable codes. */
function signInError(t: ReturnType<typeof useT>, err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'unauthorized') return t('set.errWrongPassword');
  if (code === 'device-unreachable') return t('set.errUnreachable');
  if (code === 'validation-failed') return t('set.errBadUrl');
  return err instanceof Error ? err.message : String(err);
}

/**
 * Terminal settings: how this terminal synchronises (which server, signed in as whom, what that role
 * receives), the live sync status with its latest problems, the terminal's site and the UI language.
 * Every change restarts replication with the new session.
 */
export function SettingsPage() {
  const t = useT();
  const { api } = useRenshi();
  const { restart } = useSync();
  const [settings, setSettings] = useState<TerminalSettings | null>(null);

  useEffect(() => {
    api.settingsGet({}).then(setSettings, (err: unknown) => notifications.show({ color: 'red', message: String(err) }));
  }, [api]);

  const save = async (patch: Partial<TerminalSettings>, restartSync: boolean) => {
    try {
      setSettings(await api.settingsSet(patch));
      if (restartSync) restart();
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: err instanceof Error ? err.message : String(err) });
    }
  };

  return (
    <Box p="lg" maw={1100} data-testid="settings-page">
      <PageHeader title={t('set.title')} subtitle={t('set.subtitle')} />
      {settings && (
        <Stack gap="md">
          <ServerSection settings={settings} onSaved={setSettings} save={save} />
          <StatusSection />
          <TerminalSection settings={settings} save={save} />
        </Stack>
      )}
    </Box>
  );
}

function ServerSection({ settings, onSaved, save }: { settings: TerminalSettings; onSaved: (s: TerminalSettings) => void; save: (patch: Partial<TerminalSettings>, restart: boolean) => Promise<void> }) {
  const t = useT();
  const { api } = useRenshi();
  const { session, restart } = useSync();
  const [url, setUrl] = useState(settings.serverUrl ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const principal = session?.principal ?? null;
  const signedIn = !!session?.token && !!principal;

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    let serverUrl: string;
    try {
      serverUrl = new URL(url.trim()).toString().replace(/\/+$/, '');
    } catch {
      return setError(t('set.errBadUrl'));
    }
    setBusy(true);
    try {
      await api.syncLogin({ serverUrl, username: username.trim(), password });
      setPassword('');
      onSaved(await api.settingsGet({}));
      restart();
      notifications.show({ color: 'teal', message: t('set.signedInAs', { name: username.trim() }) });
    } catch (err) {
      setError(signInError(t, err));
    } finally {
      setBusy(false);
    }
  };

  const signOut = async () => {
    setBusy(true);
    try {
      await api.syncLogout({});
      restart();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('set.serverTitle')} testId="settings-server">
      <Radio.Group value={settings.serverMode} onChange={(v) => void save({ serverMode: v as Mode }, true)} data-testid="sync-mode">
        <Stack gap="sm">
          {MODES.map((m) => (
            <Radio key={m} value={m} label={t(`set.mode.${m}` as MessageKey)} description={t(`set.modeHint.${m}` as MessageKey)} data-testid={`sync-mode-${m}`} />
          ))}
        </Stack>
      </Radio.Group>

      {settings.serverMode === 'remote' && !signedIn && (
        <Box component="form" onSubmit={signIn} mt="md" maw={560} data-testid="sync-login-form">
          <Stack gap="xs">
            <TextInput label={t('set.serverUrl')} placeholder="http://192.168.1.10:8787" value={url} onChange={(e) => setUrl(e.currentTarget.value)} required data-testid="sync-url" />
            <Group grow align="flex-start">
              <TextInput label={t('set.username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} required autoComplete="username" data-testid="sync-username" />
              <PasswordInput label={t('set.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="current-password" data-testid="sync-password" />
            </Group>
            {error && (
              <Text size="sm" c="red.7" data-testid="sync-login-error">
                {error}
              </Text>
            )}
            <Group>
              <Button type="submit" loading={busy} leftSection={<IconLogin size={16} />} data-testid="sync-login">
                {t('set.signIn')}
              </Button>
            </Group>
          </Stack>
        </Box>
      )}

      {settings.serverMode !== 'offline' && session && !signedIn && session.problem && !AWAITING_SIGN_IN.has(session.problem) && (
        <Alert mt="md" color="orange" icon={<IconAlertTriangle size={16} />} data-testid="sync-problem">
          {session.problem}
        </Alert>
      )}

      {settings.serverMode !== 'offline' && signedIn && principal && <PrincipalCard busy={busy} onSignOut={() => void signOut()} />}
    </Section>
  );
}

/** Who this terminal is signed in as, and what that role receives from the server. */
function PrincipalCard({ busy, onSignOut }: { busy: boolean; onSignOut: () => void }) {
  const t = useT();
  const { session } = useSync();
  const org = useOrg();
  const principal = session!.principal!;
  const site = principal.siteId ? (org.byId.get(principal.siteId)?.name ?? principal.siteId) : t('set.allSites');
  return (
    <Stack gap="sm" mt="md" data-testid="sync-principal">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md">
        <Field label={t('set.server')} testId="sync-server-url">
          {session!.serverUrl}
        </Field>
        <Field label={t('set.signedIn')} testId="sync-principal-name">
          {principal.name}
        </Field>
        <Field label={t('set.role')} testId="sync-principal-role">
          {t(`set.role.${principal.role}` as MessageKey)}
        </Field>
        <Field label={t('set.site')} testId="sync-principal-site">
          {site}
        </Field>
      </SimpleGrid>
      <Text size="sm" c="dimmed" data-testid="sync-role-hint">
        {t(`set.roleHint.${principal.role}` as MessageKey)} {principal.seesSensitive ? t('set.seesSensitive') : t('set.noSensitive')}
      </Text>
      <Table withTableBorder withColumnBorders verticalSpacing={4} maw={560} data-testid="sync-access">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('set.data')}</Table.Th>
            <Table.Th>{t('set.receives')}</Table.Th>
            <Table.Th>{t('set.sends')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {COLLECTION_NAMES.map((c) => {
            const a = principal.access[c] ?? { read: false, write: false };
            return (
              <Table.Tr key={c}>
                <Table.Td>{t(`set.collection.${c}` as MessageKey)}</Table.Td>
                <Table.Td>{a.read ? '✓' : '—'}</Table.Td>
                <Table.Td>{a.write ? '✓' : '—'}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {session!.mode === 'remote' && (
        <Group>
          <Button variant="default" leftSection={<IconLogout size={16} />} loading={busy} onClick={onSignOut} data-testid="sync-logout">
            {t('set.signOut')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function StatusSection() {
  const t = useT();
  const { session, status, syncNow } = useSync();
  const conflicts = useConflicts('open');
  const openCount = conflicts.items?.length ?? 0;
  let state: { color: string; label: string };
  if (!session || session.mode === 'offline') state = { color: 'gray', label: t('sync.local') };
  else if (!session.token) state = { color: 'orange', label: t('sync.notConnected') };
  else if (!status || !status.online) state = { color: 'orange', label: t('sync.offline') };
  else if (status.active || status.pendingChanges > 0) state = { color: 'blue', label: t('sync.syncing') };
  else state = { color: 'teal', label: t('sync.synced') };

  return (
    <Section
      title={t('set.statusTitle')}
      testId="settings-status"
      extra={
        <Group gap="xs">
          {conflicts.allowed && (
            <Button size="xs" variant={openCount ? 'filled' : 'default'} color={openCount ? 'orange' : undefined} leftSection={<IconGitMerge size={14} />} onClick={() => navigate('/conflicts')} data-testid="open-conflicts">
              {t('set.conflicts')}
              {openCount > 0 && (
                <Badge ml={6} size="sm" color="white" c="orange" variant="filled" data-testid="conflict-count">
                  {openCount}
                </Badge>
              )}
            </Button>
          )}
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} disabled={!status} onClick={syncNow} data-testid="sync-now">
            {t('set.syncNow')}
          </Button>
        </Group>
      }
    >
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md">
        <Field label={t('set.state')}>
          <Badge variant="light" color={state.color} radius="sm" style={{ textTransform: 'none' }} data-testid="sync-state" data-state={state.color}>
            {state.label}
          </Badge>
        </Field>
        <Field label={t('set.pending')} testId="sync-pending">
          {status ? String(status.pendingChanges) : null}
        </Field>
        <Field label={t('sync.lastSync')} testId="sync-last">
          {status?.lastSyncAt ? formatDateTime(status.lastSyncAt) : null}
        </Field>
        <Field label={t('sync.server')}>{session?.serverUrl ?? null}</Field>
      </SimpleGrid>
      {status?.upgradeRequired && (
        <Alert mt="md" color="red" icon={<IconAlertTriangle size={16} />} data-testid="sync-upgrade">
          {t('set.upgradeRequired')}
        </Alert>
      )}
      <Text size="sm" fw={500} mt="md" mb={4}>
        {t('set.problems')}
      </Text>
      {status && status.errors.length > 0 ? (
        <Table verticalSpacing={4} fz="xs" data-testid="sync-problems">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={140}>{t('set.when')}</Table.Th>
              <Table.Th w={110}>{t('set.data')}</Table.Th>
              <Table.Th>{t('set.problem')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {status.errors.slice(0, 10).map((e, i) => (
              <Table.Tr key={`${e.at}-${i}`}>
                <Table.Td>{formatDateTime(e.at)}</Table.Td>
                <Table.Td>{t(`set.collection.${e.collection}` as MessageKey)}</Table.Td>
                <Table.Td>
                  {e.docId ? `${e.docId}: ` : ''}
                  {e.message}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed" data-testid="sync-no-problems">
          {t('set.noProblems')}
        </Text>
      )}
    </Section>
  );
}

function TerminalSection({ settings, save }: { settings: TerminalSettings; save: (patch: Partial<TerminalSettings>, restart: boolean) => Promise<void> }) {
  const t = useT();
  const org = useOrg();
  const [lang, setLang] = useLanguage();
  return (
    <Section title={t('set.terminalTitle')} testId="settings-terminal">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" maw={720}>
        <Select
          label={t('set.terminalSite')}
          description={t('set.terminalSiteHint')}
          placeholder={t('set.terminalSiteNone')}
          clearable
          data={org.sites.map((s) => ({ value: s.id, label: s.name }))}
          value={settings.siteId}
          onChange={(v) => void save({ siteId: v }, false)}
          data-testid="terminal-site"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('app.language')}
          </Text>
          <SegmentedControl
            value={lang}
            onChange={(v) => setLang(v as Language)}
            data={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
            data-testid="settings-language"
            style={{ alignSelf: 'flex-start' }}
          />
        </Stack>
        <NumberInput
          label={t('set.takeover')}
          description={t('set.takeoverHint')}
          min={0}
          max={24 * 60}
          allowDecimal={false}
          value={settings.offlineTakeoverMinutes}
          onChange={(v) => typeof v === 'number' && v >= 0 && v <= 24 * 60 && void save({ offlineTakeoverMinutes: v }, false)}
          data-testid="terminal-takeover"
        />
      </SimpleGrid>
    </Section>
  );
}
