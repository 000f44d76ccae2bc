/** A wall-clock time as people read it in an ops room: `HH:MM:SS`, 24-hour, local time. */
export function clockTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
