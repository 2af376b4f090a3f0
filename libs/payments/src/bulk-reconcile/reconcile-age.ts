const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A bulk reconcile's `olderThan`: `90s`, `10m`, `2h`, `1d` or a number of seconds; undefined
 * when it is none of these (the caller says how it was given).
 */
export function parseAgeSeconds(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
}
