const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Ticks on the first of the month (UTC) between two times: also the 15th for three months or less, every month
 * for a year or so, else every quarter or year, so labels never crowd. The year is written on January and on
 * the first tick.
 */
export function monthTicks(start: number, end: number): { t: number; label: string }[] {
  const months = (end - start) / (30.44 * 86_400_000);
  const every = months <= 14 ? 1 : months <= 40 ? 3 : 12;
  const d = new Date(start);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth() + 1;
  const out: { t: number; label: string }[] = [];
  // Starts with the month after `start`, and the 15th of start's month when that is still ahead.
  if (months <= 3 && Date.UTC(y, m - 1, 15) >= start) out.push({ t: Date.UTC(y, m - 1, 15), label: `${MONTHS[m - 1]} 15` });
  for (;;) {
    if (m > 11) {
      y += Math.floor(m / 12);
      m %= 12;
    }
    const t = Date.UTC(y, m, 1);
    if (t > end) break;
    if (m % every === 0) out.push({ t, label: m === 0 || out.length === 0 ? `${MONTHS[m]} ${y}` : MONTHS[m]! });
    const mid = Date.UTC(y, m, 15);
    if (months <= 3 && mid <= end) out.push({ t: mid, label: `${MONTHS[m]} 15` });
    m += 1;
  }
  return out;
}
