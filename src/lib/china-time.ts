// China Standard Time (UTC+8, no daylight saving): the time forms and lists show, whatever the server's zone.
// (exams/exam-admin-form.ts has the minute-precision form helpers for the exam window.)

const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** "2026-05-01 14:03:22" in UTC+8. */
export function formatChinaTime(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instant a calendar day "YYYY-MM-DD" starts in UTC+8; undefined when it is not a real date. */
export function chinaDayStart(day: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00+08:00`);
  // Date.parse rolls 30 February over into March: a day that does not come back unchanged is not one.
  if (Number.isNaN(ms) || new Date(ms + OFFSET_MS).toISOString().slice(0, 10) !== day) return undefined;
  return new Date(ms);
}

/** The instant the day after `day` starts in UTC+8, so "to 2026-05-01" includes all of that day. */
export function chinaDayEnd(day: string): Date | undefined {
  const start = chinaDayStart(day);
  return start && new Date(start.getTime() + DAY_MS);
}
