import { describe, expect, test } from 'vitest';
import { addressKindOf, agreedAddressesOf } from '#shared/cases/delivery-address';
import { demoFactory } from '#shared/demo/factory';
import { Employee } from '#shared/schemas/employee';
import { employeeInputOf, emptyFormValues, formValuesOf } from '../../../src-renderer/features/employees/employee-form-values.ts';

const who = { actor: 'hr', now: 1 };
const base = () => demoFactory({ employees: 5 }).employees;

describe('送达地址确认书 on the employee form', () => {
  test('left empty it means none on file; filled in it round-trips through the schema', () => {
    const without = base().find((e) => e.sensitive.agreedDeliveryAddresses === null)!;
    const v = formValuesOf(without);
    expect(v.agreedDeliveryAddresses).toEqual({ postal: '', email: '', phone: '', wecom: '', confirmedOn: '', evidenceSha256: '' });
    expect(employeeInputOf(v, who).sensitive?.agreedDeliveryAddresses).toBeNull();

    v.agreedDeliveryAddresses = { postal: ' 广东省东莞市 3 栋 ', email: '', phone: '137-0013-7000', wecom: '', confirmedOn: '2026/3/1', evidenceSha256: '' };
    const parsed = Employee.parse({ ...employeeInputOf(v, who), id: without.id, updatedAt: 1 });
    expect(parsed.sensitive.agreedDeliveryAddresses).toEqual({ postal: '广东省东莞市 3 栋', email: null, phone: '13700137000', wecom: null, confirmedOn: '2026-03-01', evidenceSha256: null });
    expect(formValuesOf(parsed).agreedDeliveryAddresses.phone).toBe('13700137000');
  });

  test('a date alone (no address) or an address without a date is refused at its field', () => {
    const v = emptyFormValues('2026-03-01');
    v.agreedDeliveryAddresses.confirmedOn = '2026-03-01';
    const noAddress = Employee.safeParse({ ...employeeInputOf(v, who), id: 'x', updatedAt: 1 });
    expect(noAddress.error?.issues.map((i) => i.path.join('.'))).toContain('sensitive.agreedDeliveryAddresses.postal');
    v.agreedDeliveryAddresses = { ...v.agreedDeliveryAddresses, confirmedOn: '', wecom: 'li' };
    const noDate = Employee.safeParse({ ...employeeInputOf(v, who), id: 'x', updatedAt: 1 });
    expect(noDate.error?.issues.map((i) => i.path.join('.'))).toContain('sensitive.agreedDeliveryAddresses.confirmedOn');
  });

  test('demo: four in five have one, and the agreed phone is the one on the record', () => {
    const all = demoFactory({ employees: 10 }).employees;
    expect(all.filter((e) => agreedAddressesOf(e) !== null)).toHaveLength(8);
    const e = all.find((x) => agreedAddressesOf(x))!;
    expect(addressKindOf(agreedAddressesOf(e), 'sms', e.phone)).toBe('agreed');
    expect(addressKindOf(agreedAddressesOf(e), 'sms', `+86 ${e.phone}`)).toBe('agreed');
    expect(addressKindOf(agreedAddressesOf(e), 'sms', '13911112222')).toBe('other');
    expect(addressKindOf(null, 'email', 'x@y.cn')).toBe('other');
    expect(addressKindOf(agreedAddressesOf(e), 'in_app', 'employee:1')).toBeNull();
  });
});
