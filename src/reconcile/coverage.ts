/**
 * Which UTC days a set of reports answers for, per provider and kind of figure (usage or
 * cost). A day counts only when its buckets cover all of it: OpenAI's first daily bucket
 * starts at the requested start time when that is not midnight, and a page of hourly buckets
 * may stop mid-day; comparing such a day with the journal's whole day would flag calls that
 * are merely outside the bucket. Overlapping buckets (the same page given twice) count once.
 */
import { DAY_MS } from '../report/calendar.js';
import type { BilledProvider, FactKind, Span } from './types.js';

export class Coverage {
  /** `provider\tkind` -> day number -> the [start, end) spans on it. */
  private readonly spans = new Map<string, Map<number, Array<[number, number]>>>();

  add(span: Span): void {
    const key = `${span.provider}\t${span.kind}`;
    let days = this.spans.get(key);
    if (days === undefined) this.spans.set(key, (days = new Map()));
    const day = Math.floor(span.start / DAY_MS);
    let list = days.get(day);
    if (list === undefined) days.set(day, (list = []));
    list.push([span.start, span.end]);
  }

  /** Day numbers wholly covered, and those only partly covered. */
  days(provider: BilledProvider, kind: FactKind): { whole: Set<number>; partial: Set<number> } {
    const whole = new Set<number>();
    const partial = new Set<number>();
    for (const [day, list] of this.spans.get(`${provider}\t${kind}`) ?? []) {
      const sorted = [...list].sort((a, b) => a[0] - b[0]);
      let covered = 0;
      let reach = day * DAY_MS;
      for (const [start, end] of sorted) {
        const from = Math.max(start, reach);
        if (end > from) {
          covered += end - from;
          reach = end;
        }
      }
      (covered >= DAY_MS ? whole : partial).add(day);
    }
    return { whole, partial };
  }

  providers(): BilledProvider[] {
    return [...new Set([...this.spans.keys()].map((k) => k.split('\t')[0] as BilledProvider))].sort();
  }
}
