/**
 * The consoles' CSV exports (observed, not documented: their headers are in
 * test/fixtures/billing-reports/csv-export-headers.txt). Recognised by their header row:
 * - OpenAI Usage dashboard, Cost view: start_time, end_time (Unix seconds), amount_value
 *   (dollars, printed with up to 16 decimals), line_item, project_id; an empty day has only
 *   its time columns;
 * - OpenAI Usage dashboard, Activity: the completions usage fields, counts printed as floats
 *   ("10.0");
 * - Claude Console usage: usage_date_utc, model_version, the input split into no-cache,
 *   5-minute and 1-hour cache writes and cache reads; api_key and workspace are names;
 * - Claude Console cost: cost_usd in dollars (the API's cost report is in cents), model a
 *   display name ("Claude Sonnet 4.5"), cost_type `token` or another charge.
 * An export answers for each UTC day it has a row for (a minute-level export has no row for
 * a quiet minute, so its coverage cannot be read from row times).
 */
import { DAY_MS } from '../report/calendar.js';
import { parseDateLabel } from '../report/calendar.js';
import { exactCount, exactDecimal } from './exact-json.js';
import { utcDate } from './fields.js';
import { parseLineItem } from './openai-costs.js';
import { ReportError, type BilledProvider, type CostFact, type Dims, type Fact, type FactKind, type ReportReader, type Span, type UsageFact } from './types.js';

type Rows = string[][];

/** A data row, its cells read by header name. */
class Row {
  constructor(
    private readonly cells: string[],
    private readonly index: ReadonlyMap<string, number>,
    /** The row's line in the file (the header is line 1), for messages. */
    readonly line: number,
  ) {}

  /** The cell, trimmed; '' when the row is short or the column absent. */
  cell(name: string): string {
    const i = this.index.get(name);
    return i === undefined ? '' : (this.cells[i] ?? '').trim();
  }

  /** The cell; null when it is empty. */
  text(name: string): string | null {
    const text = this.cell(name);
    return text === '' ? null : text;
  }

  /** A whole count; an empty cell is 0. */
  count(name: string): number {
    const text = this.cell(name);
    if (text === '') return 0;
    const n = exactCount(text);
    if (n === null) throw new ReportError(`line ${this.line}: ${name} is ${JSON.stringify(text)}, not a whole number`);
    return n;
  }

  dollars(name: string): CostFact['amount'] {
    const text = this.cell(name);
    const d = exactDecimal(text);
    if (d === null) throw new ReportError(`line ${this.line}: ${name} is ${JSON.stringify(text)}, not an amount of dollars`);
    return d;
  }
}

/** The UTC day a row is on (its start, ms): each provider's exports write it their own way. */
const ROW_DAY: Record<BilledProvider, (row: Row) => number> = {
  /** start_time, in Unix seconds. */
  openai(row) {
    const text = row.cell('start_time');
    const s = exactCount(text);
    if (s === null) throw new ReportError(`line ${row.line}: start_time is ${JSON.stringify(text)}, not Unix seconds`);
    return Math.floor((s * 1000) / DAY_MS) * DAY_MS;
  },
  /** usage_date_utc, "2026-03-22" (or a date-time on it). */
  anthropic(row) {
    const text = row.cell('usage_date_utc');
    const day = parseDateLabel(text.slice(0, 10));
    if (day === null) throw new ReportError(`line ${row.line}: usage_date_utc is ${JSON.stringify(text)}, not a date`);
    return day * DAY_MS;
  },
};

/** One console export: what it is, the header row it has, and the facts a row says (none for an empty day). */
interface CsvExport<F extends Fact> {
  id: string;
  provider: BilledProvider;
  describe: string;
  /** Whether a header row (names trimmed) is this export's. */
  detect(header: ReadonlySet<string>): boolean;
  kind: FactKind;
  fact(row: Row, date: string): F[];
}

/** The reader of a console export: a fact per row, a span per UTC day with a row. */
function csvReader<F extends Fact>(format: CsvExport<F>): ReportReader<Rows> {
  const { id, provider, describe, kind } = format;
  return {
    id,
    provider,
    describe,
    detect: (rows) => format.detect(new Set((rows[0] ?? []).map((h) => h.trim()))),
    read(rows) {
      const index = new Map((rows[0] ?? []).map((h, i) => [h.trim(), i]));
      const facts: Fact[] = [];
      const days = new Set<number>();
      rows.slice(1).forEach((cells, i) => {
        const row = new Row(cells, index, i + 2);
        const day = ROW_DAY[provider](row);
        days.add(day);
        facts.push(...format.fact(row, utcDate(day)));
      });
      const spans: Span[] = [...days].map((start) => ({ provider, kind, start, end: start + DAY_MS }));
      return { format: id, provider, facts, spans, hasMore: false, skipped: [] };
    },
  };
}

export const openAiCostCsv = csvReader({
  id: 'openai-cost-csv',
  provider: 'openai',
  describe: "the OpenAI Usage dashboard's cost export (CSV)",
  // A quiet range exports the four time columns only.
  detect: (header) => header.has('start_time_iso') && !header.has('num_model_requests'),
  kind: 'cost',
  fact(row, date): CostFact[] {
    const value = row.cell('amount_value');
    if (value === '') return [];
    const currency = row.cell('amount_currency');
    if (currency !== '' && currency.toLowerCase() !== 'usd') throw new ReportError(`line ${row.line}: the amount is in ${currency}; only US dollars can be held against the journal`);
    const label = row.text('line_item');
    const item = parseLineItem(label);
    return [{ kind: 'cost', provider: 'openai', date, charge: item.charge, model: item.model, label: label ?? 'all charges (not grouped by line item)', amount: row.dollars('amount_value'), quantity: null, dims: { project_id: row.text('project_id') } }];
  },
});

export const openAiActivityCsv = csvReader({
  id: 'openai-activity-csv',
  provider: 'openai',
  describe: "the OpenAI Usage dashboard's activity export (CSV)",
  detect: (header) => header.has('num_model_requests') && header.has('input_tokens'),
  kind: 'usage',
  fact: (row, date): UsageFact[] => [
    {
      kind: 'usage',
      provider: 'openai',
      date,
      model: row.text('model'),
      requests: row.count('num_model_requests'),
      input_tokens: row.count('input_tokens'),
      output_tokens: row.count('output_tokens'),
      cache_read_tokens: row.count('input_cached_tokens'),
      dims: { project_id: row.text('project_id'), api_key_id: row.text('api_key_id'), user_id: row.text('user_id') },
    },
  ],
});

export const anthropicUsageCsv = csvReader({
  id: 'anthropic-usage-csv',
  provider: 'anthropic',
  describe: "the Claude Console's usage export (CSV)",
  detect: (header) => header.has('usage_date_utc') && header.has('model_version'),
  kind: 'usage',
  fact(row, date): UsageFact[] {
    const cacheRead = row.count('usage_input_tokens_cache_read');
    const dims: Dims = { api_key: row.text('api_key'), workspace: row.text('workspace') };
    return [{ kind: 'usage', provider: 'anthropic', date, model: row.text('model_version'), requests: null, input_tokens: row.count('usage_input_tokens_no_cache') + row.count('usage_input_tokens_cache_write_5m') + row.count('usage_input_tokens_cache_write_1h') + cacheRead, output_tokens: row.count('usage_output_tokens'), cache_read_tokens: cacheRead, dims }];
  },
});

export const anthropicCostCsv = csvReader({
  id: 'anthropic-cost-csv',
  provider: 'anthropic',
  describe: "the Claude Console's cost export (CSV)",
  detect: (header) => header.has('usage_date_utc') && header.has('cost_usd'),
  kind: 'cost',
  fact(row, date): CostFact[] {
    const costType = row.cell('cost_type');
    const tokens = costType === '' || /^tokens?$/i.test(costType);
    const model = row.text('model');
    const tokenType = row.cell('token_type');
    const label = tokens ? [model ?? 'all models', tokenType].filter(Boolean).join(', ') : [costType, model].filter(Boolean).join(', ');
    const dims: Dims = { workspace: row.text('workspace'), api_key: row.text('api_key'), api_key_id: row.text('api_key_id') };
    return [{ kind: 'cost', provider: 'anthropic', date, charge: tokens ? 'tokens' : 'other', model: tokens ? model : null, label, amount: row.dollars('cost_usd'), quantity: null, dims }];
  },
});
