/** ISO times compared as instants (sources mix `Z` and `+00:00`, and some add microseconds). */

/** The latest of the times given; null when there are none. */
export function maxTime(times: readonly (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const t of times) if (typeof t === 'string' && (best === null || Date.parse(t) > Date.parse(best))) best = t;
  return best;
}

/** The later of two optional bounds (the stored watermark and a configured start time, say). */
export function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
