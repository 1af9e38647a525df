/** UI strings of the attendance trend view (`trend.*`). English must define exactly the same keys. */
export const trendZh = {
  'trend.placeholder': '趋势',
} as const;

export const trendEn: Record<keyof typeof trendZh, string> = {
  'trend.placeholder': 'Trend',
};
