// RFC 9110 §10.2.3 Retry-After; §5.6.7 HTTP-date (IMF-fixdate and the two obsolete forms).

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Obsolete asctime: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const DAY_MS = 86_400_000;

/**
 * The delay a `Retry-After` header asks for, in ms: `delay-seconds` × 1000, or for an
 * HTTP-date the time from `nowEpochMs` until it (0 if it has passed); `-1` if the value is
 * neither. Pass the clock's {@link Clock.epochMs}: the simulator's dates are its own.
 */
export function parseRetryAfter(value: string, nowEpochMs: number): number {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = parseHttpDate(v, nowEpochMs);
  if (Number.isNaN(at)) return -1;
  return Math.max(0, at - nowEpochMs);
}

/** An HTTP-date as Unix ms, or NaN; `referenceMs` resolves RFC 850's two-digit year. */
function parseHttpDate(value: string, referenceMs: number): number {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(+m[3], m[2], +m[1], +m[4], +m[5], +m[6]);
  m = RFC850_DATE.exec(value);
  if (m) return utc(rfc850Year(+m[3], referenceMs), m[2], +m[1], +m[4], +m[5], +m[6]);
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(+m[6], m[1], +m[2].trim(), +m[3], +m[4], +m[5]);
  return NaN;
}

/** RFC 9110: a two-digit year more than 50 years after the reference year is in the previous century. */
function rfc850Year(yy: number, referenceMs: number): number {
  const now = yearOf(referenceMs);
  const year = now - (now % 100) + yy;
  return year > now + 50 ? year - 100 : year;
}

function utc(year: number, month: string, day: number, h: number, min: number, s: number): number {
  const mon = MONTHS.indexOf(month);
  if (mon < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return NaN;
  return daysFromCivil(year, mon + 1, day) * DAY_MS + ((h * 60 + min) * 60 + s) * 1000;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The UTC year of a Unix time in ms (H. Hinnant's `civil_from_days`, year only). */
function yearOf(ms: number): number {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}
