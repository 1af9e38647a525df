/**
 * UI strings of the schedules screen (`sch.*`): shifts, rotations and the holiday calendar. English must
 * define exactly the same keys (the Record type below enforces it).
 */
export const scheduleZh = {
  'sch.title': '班次与排班',
  'sch.subtitle': '固定班次、倒班轮换与法定节假日（调休）：考勤计算和缺卡预警按这里的安排判断',
  'sch.tabShifts': '班次',
  'sch.tabRotations': '倒班',
  'sch.tabHolidays': '节假日',
} as const;

export const scheduleEn: Record<keyof typeof scheduleZh, string> = {
  'sch.title': 'Shifts & schedules',
  'sch.subtitle': 'Fixed shifts, rotations and the public-holiday calendar: attendance and missed-punch alerts follow what is set here',
  'sch.tabShifts': 'Shifts',
  'sch.tabRotations': 'Rotations',
  'sch.tabHolidays': 'Holidays',
};
