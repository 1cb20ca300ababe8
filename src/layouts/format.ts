/** Dates as printed in bylines and the index: "23 November 2026" (UTC, so builds are reproducible). */
export function formatDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
