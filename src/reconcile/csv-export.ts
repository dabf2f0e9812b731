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
import { ReportError, type BilledProvider, type CostFact, type Dims, type Fact, type FactKind, type ReportPage, type ReportReader, type Span, type UsageFact } from './types.js';

type Rows = string[][];

/** Header name -> its cell in a row ('' when the row is short or the column absent). */
function columns(rows: Rows): (row: string[], name: string) => string {
  const index = new Map((rows[0] ?? []).map((h, i) => [h.trim(), i]));
  return (row, name) => {
    const i = index.get(name);
    return i === undefined ? '' : (row[i] ?? '').trim();
  };
}

const header = (rows: Rows): Set<string> => new Set((rows[0] ?? []).map((h) => h.trim()));

function count(text: string, name: string, line: number): number {
  if (text === '') return 0;
  const n = exactCount(text);
  if (n === null) throw new ReportError(`line ${line}: ${name} is ${JSON.stringify(text)}, not a whole number`);
  return n;
}

function dollars(text: string, name: string, line: number): CostFact['amount'] {
  const d = exactDecimal(text);
  if (d === null) throw new ReportError(`line ${line}: ${name} is ${JSON.stringify(text)}, not an amount of dollars`);
  return d;
}

/** Unix seconds -> the UTC day's start (ms). */
function unixDay(text: string, line: number): number {
  const s = exactCount(text);
  if (s === null) throw new ReportError(`line ${line}: start_time is ${JSON.stringify(text)}, not Unix seconds`);
  return Math.floor((s * 1000) / DAY_MS) * DAY_MS;
}

/** "2026-03-22" (or a date-time on it) -> the UTC day's start (ms). */
function dateDay(text: string, line: number): number {
  const day = parseDateLabel(text.slice(0, 10));
  if (day === null) throw new ReportError(`line ${line}: usage_date_utc is ${JSON.stringify(text)}, not a date`);
  return day * DAY_MS;
}

const nonEmpty = (text: string): string | null => (text === '' ? null : text);

/** Reads every data row: `fact` gives the row's facts (none for an empty day). */
function readRows(rows: Rows, format: string, provider: BilledProvider, kinds: FactKind[], dayOf: (row: string[], line: number) => number, fact: (row: string[], date: string, line: number) => Fact[]): ReportPage {
  const facts: Fact[] = [];
  const days = new Set<number>();
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    const day = dayOf(row, line);
    days.add(day);
    facts.push(...fact(row, utcDate(day), line));
  });
  const spans: Span[] = [...days].flatMap((start) => kinds.map((kind) => ({ provider, kind, start, end: start + DAY_MS })));
  return { format, provider, facts, spans, hasMore: false, skipped: [] };
}

export const openAiCostCsv = {
  id: 'openai-cost-csv',
  provider: 'openai',
  describe: "the OpenAI Usage dashboard's cost export (CSV)",
  // A quiet range exports the four time columns only.
  detect: (rows) => header(rows).has('start_time_iso') && !header(rows).has('num_model_requests'),
  read(rows) {
    const cell = columns(rows);
    return readRows(rows, this.id, 'openai', ['cost'], (row, line) => unixDay(cell(row, 'start_time'), line), (row, date, line) => {
      const value = cell(row, 'amount_value');
      if (value === '') return [];
      const currency = cell(row, 'amount_currency');
      if (currency !== '' && currency.toLowerCase() !== 'usd') throw new ReportError(`line ${line}: the amount is in ${currency}; only US dollars can be held against the journal`);
      const label = nonEmpty(cell(row, 'line_item'));
      const item = parseLineItem(label);
      return [{ kind: 'cost', provider: 'openai', date, charge: item.charge, model: item.model, label: label ?? 'all charges (not grouped by line item)', amount: dollars(value, 'amount_value', line), quantity: null, dims: { project_id: nonEmpty(cell(row, 'project_id')) } }];
    });
  },
} satisfies ReportReader<Rows>;

export const openAiActivityCsv = {
  id: 'openai-activity-csv',
  provider: 'openai',
  describe: "the OpenAI Usage dashboard's activity export (CSV)",
  detect: (rows) => header(rows).has('num_model_requests') && header(rows).has('input_tokens'),
  read(rows) {
    const cell = columns(rows);
    return readRows(rows, this.id, 'openai', ['usage'], (row, line) => unixDay(cell(row, 'start_time'), line), (row, date, line): UsageFact[] => [
      {
        kind: 'usage',
        provider: 'openai',
        date,
        model: nonEmpty(cell(row, 'model')),
        requests: count(cell(row, 'num_model_requests'), 'num_model_requests', line),
        input_tokens: count(cell(row, 'input_tokens'), 'input_tokens', line),
        output_tokens: count(cell(row, 'output_tokens'), 'output_tokens', line),
        cache_read_tokens: count(cell(row, 'input_cached_tokens'), 'input_cached_tokens', line),
        dims: { project_id: nonEmpty(cell(row, 'project_id')), api_key_id: nonEmpty(cell(row, 'api_key_id')), user_id: nonEmpty(cell(row, 'user_id')) },
      },
    ]);
  },
} satisfies ReportReader<Rows>;

export const anthropicUsageCsv = {
  id: 'anthropic-usage-csv',
  provider: 'anthropic',
  describe: "the Claude Console's usage export (CSV)",
  detect: (rows) => header(rows).has('usage_date_utc') && header(rows).has('model_version'),
  read(rows) {
    const cell = columns(rows);
    return readRows(rows, this.id, 'anthropic', ['usage'], (row, line) => dateDay(cell(row, 'usage_date_utc'), line), (row, date, line): UsageFact[] => {
      const n = (name: string): number => count(cell(row, name), name, line);
      const cacheRead = n('usage_input_tokens_cache_read');
      const dims: Dims = { api_key: nonEmpty(cell(row, 'api_key')), workspace: nonEmpty(cell(row, 'workspace')) };
      return [{ kind: 'usage', provider: 'anthropic', date, model: nonEmpty(cell(row, 'model_version')), requests: null, input_tokens: n('usage_input_tokens_no_cache') + n('usage_input_tokens_cache_write_5m') + n('usage_input_tokens_cache_write_1h') + cacheRead, output_tokens: n('usage_output_tokens'), cache_read_tokens: cacheRead, dims }];
    });
  },
} satisfies ReportReader<Rows>;

export const anthropicCostCsv = {
  id: 'anthropic-cost-csv',
  provider: 'anthropic',
  describe: "the Claude Console's cost export (CSV)",
  detect: (rows) => header(rows).has('usage_date_utc') && header(rows).has('cost_usd'),
  read(rows) {
    const cell = columns(rows);
    return readRows(rows, this.id, 'anthropic', ['cost'], (row, line) => dateDay(cell(row, 'usage_date_utc'), line), (row, date, line): CostFact[] => {
      const costType = cell(row, 'cost_type');
      const tokens = costType === '' || /^tokens?$/i.test(costType);
      const model = nonEmpty(cell(row, 'model'));
      const tokenType = cell(row, 'token_type');
      const label = tokens ? [model ?? 'all models', tokenType].filter(Boolean).join(', ') : [costType, model].filter(Boolean).join(', ');
      const dims: Dims = { workspace: nonEmpty(cell(row, 'workspace')), api_key: nonEmpty(cell(row, 'api_key')), api_key_id: nonEmpty(cell(row, 'api_key_id')) };
      return [{ kind: 'cost', provider: 'anthropic', date, charge: tokens ? 'tokens' : 'other', model: tokens ? model : null, label, amount: dollars(cell(row, 'cost_usd'), 'cost_usd', line), quantity: null, dims }];
    });
  },
} satisfies ReportReader<Rows>;
