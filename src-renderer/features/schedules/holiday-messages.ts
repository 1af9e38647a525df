/** UI strings of the holiday calendar tab (`hol.*`). English must define exactly the same keys. */
export const holidayZh = {
  'hol.placeholder': '节假日设置',
} as const;

export const holidayEn: Record<keyof typeof holidayZh, string> = {
  'hol.placeholder': 'Holiday calendar',
};
