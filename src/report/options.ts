/**
 * `tokj report` flags -> checked options, once, with the defaults documented here:
 * period daily, week start Monday (ISO weeks), every recorded call, markdown, the time zone
 * of $TZ or else the machine's. Anything unknown is a usage error (exit 2) that says what
 * to type instead.
 */
import { usageError } from '../core/errors.js';
import { parseDateLabel, type PeriodKind, type WeekStart } from './calendar.js';
import type { ByDimension, ReportFormat, ReportOptions } from './types.js';
import { canonicalTimeZone } from './zone.js';

export interface ReportFlags {
  period?: string;
  since?: string;
  until?: string;
  tz?: string;
  weekStart?: string;
  by?: string;
  format?: string;
  suggestions?: boolean;
}

export const PERIODS: readonly PeriodKind[] = ['daily', 'weekly', 'monthly', 'session'];
export const FORMATS: readonly ReportFormat[] = ['markdown', 'table', 'json', 'csv', 'yaml'];
export const BY_KINDS = ['model', 'provider', 'agent', 'operation', 'session', 'tier'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]} (got ${JSON.stringify(value)})`, 'bad_report_option');
}

/** The zone a report uses when --tz is not given: $TZ when it names a zone, else the machine's. */
export function defaultTimeZone(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.TZ ? canonicalTimeZone(env.TZ.replace(/^:/, '')) : null;
  return fromEnv ?? canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC';
}

function parseDate(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  if (parseDateLabel(value.trim()) === null) {
    throw usageError(`${flag} must be a calendar date written YYYY-MM-DD, like 2026-11-01 (got ${JSON.stringify(value)})`, 'bad_report_date');
  }
  return value.trim();
}

function parseBy(value: string | undefined): ByDimension | null {
  if (value === undefined) return null;
  if ((BY_KINDS as readonly string[]).includes(value)) return { kind: value as (typeof BY_KINDS)[number] };
  if (value.startsWith('label:') && value.length > 'label:'.length) return { kind: 'label', key: value.slice('label:'.length) };
  throw usageError(`--by must be model, provider, agent, operation, session, tier or label:KEY, like label:team (got ${JSON.stringify(value)})`, 'bad_report_option');
}

export function parseReportFlags(flags: ReportFlags, env: NodeJS.ProcessEnv): ReportOptions {
  const period = oneOf(flags.period, PERIODS, '--period', 'daily');
  const format = oneOf(flags.format, FORMATS, '--format', 'markdown');
  const weekStart = oneOf<WeekStart>(flags.weekStart, ['mon', 'sun'], '--week-start', 'mon');
  let timeZone: string;
  if (flags.tz === undefined) timeZone = defaultTimeZone(env);
  else {
    const zone = canonicalTimeZone(flags.tz);
    if (zone === null) throw usageError(`--tz ${JSON.stringify(flags.tz)} is not an IANA time zone; use a name like Europe/Berlin, America/Los_Angeles or UTC`, 'bad_report_tz');
    timeZone = zone;
  }
  const since = parseDate(flags.since, '--since');
  const until = parseDate(flags.until, '--until');
  if (since !== null && until !== null && since > until) throw usageError(`--since ${since} is after --until ${until}: nothing could be reported`, 'bad_report_date');
  return { period, timeZone, weekStart, since, until, by: parseBy(flags.by), format, suggestions: flags.suggestions === true };
}
