import { z } from 'zod';
import { HolidayYearSetting } from '../calendar/holiday-calendar.ts';
import { CaseTemplateSetting } from '../cases/custom-template.ts';
import { Device, Rotation, Shift } from './attendance-setup.ts';

/** The `settings` collection holds configuration documents of several kinds, told apart by `kind`. */
export const SettingsDoc = z.discriminatedUnion('kind', [Shift, Rotation, Device, HolidayYearSetting, CaseTemplateSetting]);
export type SettingsDoc = z.infer<typeof SettingsDoc>;
