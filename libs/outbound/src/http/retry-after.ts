const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, the one senders must use). */
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 form, which recipients must still accept). */
const RFC_850 = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime form; always GMT though it says no zone). */
const ASCTIME = /^[a-z]{3} ([a-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/**
 * The wait a `Retry-After` header asks for, in milliseconds from `nowMs`: delta-seconds or an
 * HTTP-date (RFC 9110 section 10.2.3). A date in the past means 0; anything unparseable means
 * undefined (fall back to our own backoff rather than guess).
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  const at = parseHttpDate(trimmed, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}

/** Epoch milliseconds of an HTTP-date in any of its three forms, or undefined. */
export function parseHttpDate(value: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hh, mm, ss] = match;
    return utc(Number(year), month, Number(day), hh, mm, ss);
  }
  match = RFC_850.exec(value);
  if (match) {
    const [, day, month, yy, hh, mm, ss] = match;
    return utc(fullYear(Number(yy), nowMs), month, Number(day), hh, mm, ss);
  }
  match = ASCTIME.exec(value);
  if (match) {
    const [, month, day, hh, mm, ss, year] = match;
    return utc(Number(year), month, Number(day), hh, mm, ss);
  }
  return undefined;
}

/** RFC 9110: a two-digit year more than 50 years ahead is the most recent past such year. */
function fullYear(twoDigits: number, nowMs: number): number {
  const currentYear = new Date(nowMs).getUTCFullYear();
  const candidate = Math.floor(currentYear / 100) * 100 + twoDigits;
  return candidate > currentYear + 50 ? candidate - 100 : candidate;
}

function utc(
  year: number,
  monthName: string | undefined,
  day: number,
  hh: string | undefined,
  mm: string | undefined,
  ss: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  if (month < 0 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const at = Date.UTC(year, month, day, hours, minutes, seconds);
  // Date.UTC rolls 31 Feb over into March; a date that does not round-trip is not a date.
  return new Date(at).getUTCDate() === day ? at : undefined;
}
