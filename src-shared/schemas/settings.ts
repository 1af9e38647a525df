import { z } from 'zod';
import { HolidayYearSetting } from '../calendar/holiday-calendar.ts';
import { CaseTemplateSetting } from '../cases/custom-template.ts';
import { ChatDecisionSetting, ChatReviewSetting, KeywordListSetting } from '../review/review-records.ts';
import { Device, Rotation, Shift } from './attendance-setup.ts';

/** The `settings` collection holds configuration documents of several kinds, told apart by `kind` (and the
 *  work-channel review's keyword lists, reviews and decisions: see review/review-records.ts for why here). */
export const SettingsDoc = z.discriminatedUnion('kind', [Shift, Rotation, Device, HolidayYearSetting, CaseTemplateSetting, KeywordListSetting, ChatReviewSetting, ChatDecisionSetting]);
export type SettingsDoc = z.infer<typeof SettingsDoc>;
