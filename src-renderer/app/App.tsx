import { AppShell, Badge, Box, Center, createTheme, Group, Loader, MantineProvider, NavLink, ScrollArea, SegmentedControl, Stack, Text, ThemeIcon } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import './app.css';
import { IconAlertTriangle, IconBriefcase, IconMessageSearch, IconCalendarRepeat, IconCalendarTime, IconDeviceDesktop, IconFileImport, IconHierarchy2, IconSettings, IconUsers } from '@tabler/icons-react';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { SyncStatusBadge } from '../components/sync-status-badge.tsx';
import { EmployeeDetailPage } from '../features/employees/employee-detail.tsx';
import { EmployeeDirectory } from '../features/employees/employee-directory.tsx';
import { EmployeeFormPage } from '../features/employees/employee-form.tsx';
import { AttendancePage } from '../features/attendance/attendance-page.tsx';
import { SchedulesPage } from '../features/schedules/schedules-page.tsx';
import { DeviceSync } from '../features/devices/device-sync-mount.tsx';
import { DevicesPage } from '../features/devices/devices-page.tsx';
import { ImportPage } from '../features/import-export/import-page.tsx';
import { OrgPage } from '../features/org/org-page.tsx';
import { AlertsArea, AlertsNavBadge } from '../features/alerts/alerts-page.tsx';
import { AlertsProvider, BridgeNotifications } from '../features/alerts/alerts-provider.tsx';
import { OfflineEscalationRunner } from '../features/alerts/offline-escalation-runner.tsx';
import { SettingsPage } from '../features/settings/settings-page.tsx';
import { ConflictsPage } from '../features/conflicts/conflicts-page.tsx';
import { ChatReviewPage } from '../features/review-chat/chat-review-page.tsx';
import { CasesArea } from '../features/cases/cases-page.tsx';
import { I18nProvider, useLanguage, useT, type Language, type MessageKey } from '../i18n/i18n.tsx';
import { useRenshi } from './context.tsx';
import { navigate, useRoute, type Route } from './router.ts';

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
  fontFamily: '-apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "Segoe UI", Roboto, sans-serif',
  headings: { fontFamily: 'inherit' },
  fontSizes: { xs: '12px', sm: '13px', md: '14px', lg: '16px', xl: '18px' },
});

export function App() {
  const { api } = useRenshi();
  const [initial, setInitial] = useState<Language | null>(null);
  useEffect(() => {
    api
      .settingsGet({})
      .then((s) => setInitial(s.language))
      .catch(() => setInitial('zh-CN'));
  }, [api]);
  const persist = useCallback((language: Language) => void api.settingsSet({ language }).catch((err: unknown) => console.error(err)), [api]);

  return (
    <MantineProvider theme={theme}>
      <Notifications position="top-center" autoClose={3000} />
      {initial === null ? (
        <Center h="100vh">
          <Loader size="sm" />
        </Center>
      ) : (
        <I18nProvider initial={initial} onChange={persist}>
          <AlertsProvider>
            <BridgeNotifications />
            <OfflineEscalationRunner />
            <Shell />
          </AlertsProvider>
        </I18nProvider>
      )}
    </MantineProvider>
  );
}

type NavItem = { key: string; label: MessageKey; icon: ReactNode; path?: string };
const NAV: { section: MessageKey; items: NavItem[] }[] = [
  {
    section: 'nav.sectionPeople',
    items: [
      { key: 'employees', label: 'nav.employees', icon: <IconUsers size={18} stroke={1.6} />, path: '/employees' },
      { key: 'org', label: 'nav.org', icon: <IconHierarchy2 size={18} stroke={1.6} />, path: '/org' },
      { key: 'import', label: 'nav.import', icon: <IconFileImport size={18} stroke={1.6} />, path: '/import' },
    ],
  },
  {
    section: 'nav.sectionOps',
    items: [
      { key: 'attendance', label: 'nav.attendance', icon: <IconCalendarTime size={18} stroke={1.6} />, path: '/attendance' },
      { key: 'schedules', label: 'nav.schedules', icon: <IconCalendarRepeat size={18} stroke={1.6} />, path: '/schedules' },
      { key: 'devices', label: 'nav.devices', icon: <IconDeviceDesktop size={18} stroke={1.6} />, path: '/devices' },
      { key: 'alerts', label: 'nav.alerts', icon: <IconAlertTriangle size={18} stroke={1.6} />, path: '/alerts' },
      { key: 'chat-review', label: 'nav.chatReview', icon: <IconMessageSearch size={18} stroke={1.6} />, path: '/chat-review' },
      { key: 'cases', label: 'nav.cases', icon: <IconBriefcase size={18} stroke={1.6} />, path: '/cases' },
      { key: 'settings', label: 'nav.settings', icon: <IconSettings size={18} stroke={1.6} />, path: '/settings' },
    ],
  },
];

function Shell() {
  const t = useT();
  const route = useRoute();
  const area = route.segments[0] ?? 'employees';
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 212, breakpoint: 0 }} padding={0}>
      <DeviceSync />
      <AppShell.Header px="md" style={{ borderBottomColor: 'var(--mantine-color-gray-3)' }}>
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap={10} wrap="nowrap">
            <ThemeIcon size={30} radius="md" variant="filled" color="blue">
              <Text fw={700} size="md" c="white" lh={1}>
                人
              </Text>
            </ThemeIcon>
            <Text fw={700} size="lg" data-testid="product-name">
              人事 <Text span c="dimmed" fw={500} size="sm">Renshi</Text>
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <SyncStatusBadge />
            <LanguageSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" style={{ background: 'var(--mantine-color-gray-0)' }} data-testid="nav">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap="md" mt={4}>
            {NAV.map((group) => (
              <Box key={group.section}>
                <Text size="xs" c="dimmed" fw={500} px="sm" mb={4}>
                  {t(group.section)}
                </Text>
                {group.items.map((item) =>
                  item.path ? (
                    <NavLink
                      key={item.key}
                      href={`#${item.path}`}
                      label={t(item.label)}
                      leftSection={item.icon}
                      active={area === item.key}
                      rightSection={item.key === 'alerts' ? <AlertsNavBadge /> : undefined}
                      data-testid={`nav-${item.key}`}
                      style={{ borderRadius: 6 }}
                      fw={area === item.key ? 600 : 400}
                    />
                  ) : (
                    <NavLink
                      key={item.key}
                      label={t(item.label)}
                      leftSection={item.icon}
                      disabled
                      data-testid={`nav-${item.key}`}
                      style={{ borderRadius: 6 }}
                      rightSection={
                        <Badge size="xs" variant="outline" color="gray" radius="sm" fw={400} style={{ textTransform: 'none' }}>
                          {t('app.comingSoon')}
                        </Badge>
                      }
                    />
                  ),
                )}
              </Box>
            ))}
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main style={{ background: 'var(--mantine-color-gray-0)', height: '100vh', display: 'flex', flexDirection: 'column', overflow: 'auto' }}>
        <Screen route={route} />
      </AppShell.Main>
    </AppShell>
  );
}

function Screen({ route }: { route: Route }) {
  const [area, id, action] = route.segments;
  switch (area) {
    case 'org':
      return <OrgPage />;
    case 'import':
      return <ImportPage />;
    case 'attendance':
      return <AttendancePage />;
    case 'schedules':
      return <SchedulesPage />;
    case 'devices':
      return <DevicesPage />;
    case 'alerts':
      return <AlertsArea segments={route.segments.slice(1)} />;
    case 'settings':
      return <SettingsPage />;
    case 'chat-review':
      return <ChatReviewPage />;
    case 'conflicts':
      return <ConflictsPage id={id ?? null} />;
    case 'cases':
      return <CasesArea segments={route.segments.slice(1)} query={route.query} />;
    case 'employees':
    case undefined:
      if (id === 'new') return <EmployeeFormPage id={null} />;
      if (id && action === 'edit') return <EmployeeFormPage id={id} />;
      if (id) return <EmployeeDetailPage id={id} />;
      return <EmployeeDirectory />;
    default:
      navigate('/employees');
      return null;
  }
}

function LanguageSwitch() {
  const [lang, setLang] = useLanguage();
  return (
    <SegmentedControl
      size="xs"
      data-testid="language-switch"
      value={lang}
      onChange={(v) => setLang(v as Language)}
      data={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}
