import { Badge, Group, Text } from '@mantine/core';
import type { AddressKind } from '#shared/cases/delivery-address';
import type { AgreedDeliveryAddresses } from '#shared/schemas/employee';
import { useTr } from './case-ui.ts';

/**
 * Whether a 送达地址确认书 is on file, beside every step that serves a notice on the employee. Missing is a
 * warning, never a block: a notice can still be served in person, by registered mail with a receipt, or to
 * a relative living with the employee; but an electronic delivery to an address the employee never agreed
 * to may be held not delivered (law-notes: delivery).
 */
export function AgreedAddressCheck({ agreed }: { agreed: AgreedDeliveryAddresses | null }) {
  const { tr } = useTr();
  if (agreed) {
    return (
      <Group gap={6} mt={6} data-testid="agreed-address-check" data-on-file="true">
        <Badge size="sm" color="green" variant="light" style={{ textTransform: 'none' }}>
          {tr(`送达地址确认书：已签署 ${agreed.confirmedOn}`, `Agreed delivery addresses: signed ${agreed.confirmedOn}`)}
        </Badge>
        {agreed.evidenceSha256 && (
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
            SHA-256 {agreed.evidenceSha256.slice(0, 16)}…
          </Text>
        )}
      </Group>
    );
  }
  return (
    <Group gap={6} mt={6} data-testid="agreed-address-check" data-on-file="false">
      <Badge size="sm" color="yellow" variant="light" style={{ textTransform: 'none' }}>
        {tr('⚠ 未登记送达地址确认书', '⚠ No agreed-address confirmation on file')}
      </Badge>
      <Text size="xs" c="dimmed">
        {tr('电子送达可能被认定未送达：优先当面送达或 EMS 挂号并保留回执，并补签确认书。', 'Electronic delivery may be held not served: prefer delivery in person or by EMS with a receipt, and have the employee sign one.')}
      </Text>
    </Group>
  );
}

export function AddressKindBadge({ kind }: { kind: AddressKind | null }) {
  const { tr } = useTr();
  if (kind === null) return null;
  return kind === 'agreed' ? (
    <Badge size="xs" color="green" variant="light" style={{ textTransform: 'none' }} data-testid="address-kind" data-kind="agreed">
      {tr('约定地址', 'agreed address')}
    </Badge>
  ) : (
    <Badge size="xs" color="orange" variant="light" style={{ textTransform: 'none' }} data-testid="address-kind" data-kind="other">
      {tr('其他地址', 'other address')}
    </Badge>
  );
}
