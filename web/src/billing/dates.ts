/** Calendar-day arithmetic on YYYY-MM-DD strings (UTC, so no time zone can shift a day). */

export const addDays = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** The API's periods end on the day after (exclusive); people read the last day billed. */
export const inclusiveEnd = (end: string): string => addDays(end, -1);
