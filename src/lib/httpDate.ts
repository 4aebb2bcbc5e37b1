const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const DAY = DAYS.join("|");
const MONTH = MONTHS.join("|");
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
// RFC 9110 §5.6.7. Day names, months and "GMT" are case-sensitive there, so these patterns are too.
const IMF_FIXDATE = new RegExp(`^(${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^(${LONG_DAYS.join("|")}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^(${DAY}) (${MONTH}) (\\d{2}| \\d) ${TIME} (\\d{4})$`);

/** How far ahead a two-digit year may land before it is read as the past (RFC 9110 §5.6.7). */
const TWO_DIGIT_YEAR_HORIZON = 50;

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) in any of its three forms: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
 * the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`, which
 * carries no zone and is UTC). Strict: no surrounding whitespace, exact case, a real calendar date and time
 * (second 60 is allowed for a leap second), and a day name that matches the date. `now` places an RFC 850
 * two-digit year: the latest year with those digits that is not more than 50 years after `now`.
 * Returns null for anything else.
 */
export function parseHttpDate(text: string, now: Date): Date | null {
  let m = IMF_FIXDATE.exec(text);
  if (m) return build(m[1]!, Number(m[4]), [m[3]!, m[2]!, m[5]!, m[6]!, m[7]!]);
  m = ASCTIME.exec(text);
  if (m) return build(m[1]!, Number(m[7]), [m[2]!, m[3]!.trim(), m[4]!, m[5]!, m[6]!]);
  m = RFC850.exec(text);
  if (!m) return null;
  const rest: Fields = [m[3]!, m[2]!, m[5]!, m[6]!, m[7]!];
  return build(DAYS[LONG_DAYS.indexOf(m[1]!)]!, fullYear(Number(m[4]), rest, now), rest);
}

/** Month name, then day, hour, minute and second as digits. */
type Fields = [month: string, day: string, hour: string, minute: string, second: string];

/**
 * The latest year ending in `yy` whose timestamp is not more than 50 years after `now`. Compared field by field,
 * not as a Date, so that a 29 February is placed before it is checked (2000 was a leap year, 2100 is not).
 */
function fullYear(yy: number, [month, day, hour, minute, second]: Fields, now: Date): number {
  const horizon = now.getUTCFullYear() + TWO_DIGIT_YEAR_HORIZON;
  const year = horizon - ((((horizon - yy) % 100) + 100) % 100);
  if (year < horizon) return year;
  const stamp = [MONTHS.indexOf(month), Number(day), Number(hour), Number(minute), Number(second)];
  const limit = [now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds()];
  const i = stamp.findIndex((v, k) => v !== limit[k]);
  return i !== -1 && stamp[i]! > limit[i]! ? year - 100 : year;
}

function build(dayName: string, year: number, [month, day, hour, minute, second]: Fields): Date | null {
  const monthIndex = MONTHS.indexOf(month);
  const [d, h, min, s] = [Number(day), Number(hour), Number(minute), Number(second)];
  if (d < 1 || d > daysIn(year, monthIndex) || h > 23 || min > 59 || s > 60) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, monthIndex, d);
  // A day name that disagrees with the calendar day leaves no way to tell which half is wrong.
  if (DAYS[date.getUTCDay()] !== dayName) return null;
  // Second 60 (a leap second) becomes the next minute's first: Date has no leap seconds.
  date.setUTCHours(h, min, s, 0);
  return date;
}

function daysIn(year: number, monthIndex: number): number {
  if (monthIndex !== 1) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][monthIndex]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}
