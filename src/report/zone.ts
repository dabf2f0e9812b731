/**
 * Which local day a call falls on, in an IANA time zone: the one day bucketing of reports,
 * alerts in a report and daily or monthly budgets. Intl is slow (microseconds a
 * call), so the zone's offset is looked up once per UTC hour of the ledger: in an hour with
 * one offset whose local day does not change (all of them, in whole-hour zones, bar a
 * transition), every call of that hour gets the cached day without even parsing its
 * timestamp. Offsets in the rest are applied by arithmetic; only a DST transition hour
 * asks Intl per call.
 */
import { DAY_MS } from './calendar.js';

/** The zone's canonical name ("utc" -> "UTC"), or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (name.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

interface HourInfo {
  /** The local day of the whole hour, NaN when it changes within the hour. */
  day: number;
  /** Local minus UTC in ms, when one offset holds for the whole hour. */
  offset: number;
  fixed: boolean;
}

const HOUR_MS = 3_600_000;

export class ZoneDays {
  readonly name: string;
  private readonly format: Intl.DateTimeFormat;
  /** UTC hour (YYYYMMDDHH as a number) -> its info. */
  private readonly hours = new Map<number, HourInfo>();
  private lastKey = -1;
  private last: HourInfo | null = null;

  /** `name`: an IANA zone; undefined for the machine's ($TZ, else the system's). */
  constructor(name?: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.name = name ?? this.format.resolvedOptions().timeZone;
  }

  /** Local wall time minus UTC at an instant, in ms. */
  offsetAt(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return wall - (ms - (((ms % 1000) + 1000) % 1000));
  }

  /** Local day number of an instant. */
  dayOfMs(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY_MS);
  }

  /** Local day number of an ISO timestamp; NaN when it is not a date-time. */
  dayOf(timestamp: string): number {
    const key = hourKey(timestamp);
    if (key < 0) {
      const ms = Date.parse(timestamp);
      return Number.isNaN(ms) ? NaN : this.dayOfMs(ms);
    }
    let info = this.last;
    if (key !== this.lastKey || info === null) {
      info = this.hours.get(key) ?? this.hourInfo(key, timestamp);
      this.lastKey = key;
      this.last = info;
    }
    if (!Number.isNaN(info.day)) return info.day;
    const ms = Date.parse(timestamp);
    if (Number.isNaN(ms)) return NaN;
    return info.fixed ? Math.floor((ms + info.offset) / DAY_MS) : this.dayOfMs(ms);
  }

  private hourInfo(key: number, timestamp: string): HourInfo {
    const start = Date.parse(`${timestamp.slice(0, 13)}:00:00.000Z`);
    let info: HourInfo;
    if (Number.isNaN(start)) info = { day: NaN, offset: 0, fixed: false };
    else {
      const end = start + HOUR_MS - 1;
      const a = this.offsetAt(start);
      const b = this.offsetAt(end);
      const fixed = a === b;
      const dayA = Math.floor((start + a) / DAY_MS);
      const dayB = Math.floor((end + b) / DAY_MS);
      info = { day: fixed && dayA === dayB ? dayA : NaN, offset: a, fixed };
    }
    this.hours.set(key, info);
    return info;
  }
}

/** Positions of the digits of YYYY-MM-DDTHH in an ISO timestamp. */
const HOUR_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12];

/**
 * The UTC hour of a timestamp in the ledger's own form, Date#toISOString
 * ("2026-11-24T09:00:04.000Z"), as the number 2026112409; -1 for any other form. Read digit
 * by digit: a string compare or slice per call costs more than the rest of dayOf.
 */
export function hourKey(t: string): number {
  if (t.length !== 24 || t.charCodeAt(23) !== 90 || t.charCodeAt(10) !== 84 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(13) !== 58) return -1;
  let key = 0;
  for (const i of HOUR_DIGITS) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    key = key * 10 + d;
  }
  return key;
}
