/**
 * The journal's side: its calls summed per UTC day, provider, model key and the labels
 * `--map` names, as they stream past from the ledger (memory grows with days and models,
 * never with calls). A call's cost here is its token cost (`token_cost_usd` when it paid
 * tool fees too, else `cost_usd`): providers bill tool uses as separate line items, so the
 * fees are summed apart, per day and provider.
 */
import { readCallFields, emptyFields } from '../report/call-fields.js';
import { DecimalSum, parseCost } from '../core/decimal-sum.js';
import { parseMoney } from '../core/money.js';
import { parseLineObject } from '../ledger/record.js';
import { dateLabel } from '../report/calendar.js';
import { ZoneDays } from '../report/zone.js';
import { canonicalProvider } from '../pricing/names.js';
import { modelKey } from './model-names.js';
import { BILLED_PROVIDERS, type BilledProvider, type Dimension, type Dims } from './types.js';

/** `--map project_id=label:project`: the report's dimension and the journal label it is. */
export interface DimensionMap {
  dimension: Dimension;
  label: string;
}

export interface JournalCell {
  date: string;
  /** Day number (days since 1970-01-01, UTC). */
  day: number;
  provider: BilledProvider;
  model: string;
  /** The model names the journal used for it. */
  names: Set<string>;
  dims: Dims;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cost: DecimalSum;
  unpriced_calls: number;
}

/** Calls of providers whose bills cannot be read (gemini, azure, …), per provider and day. */
export interface OtherProviderCalls {
  provider: string;
  day: number;
  calls: number;
  cost: DecimalSum;
}

function addCost(sum: DecimalSum, text: string): void {
  if (parseCost(text)) sum.addParsed();
  else sum.addSlow(parseMoney(text));
}

/** The stored form of a cost (what `tokj record` writes). */
const DECIMAL = /^\d+(?:\.\d+)?$/;

const isBilled = (p: string): p is BilledProvider => (BILLED_PROVIDERS as readonly string[]).includes(p);

export class JournalTally {
  readonly cells = new Map<string, JournalCell>();
  /** Tool fees per `date\tprovider`. */
  readonly toolFees = new Map<string, DecimalSum>();
  /** `provider\tday` -> the calls. */
  readonly otherProviders = new Map<string, OtherProviderCalls>();
  /** Lines that are not usable ledger entries. */
  skipped = 0;
  private readonly utc = new ZoneDays('UTC');
  private readonly fields = emptyFields();
  /** Model name -> its key (a journal spells few models, over many calls). */
  private readonly keys = new Map<string, string>();

  constructor(private readonly maps: readonly DimensionMap[]) {}

  consumeLine(line: string): void {
    const entry = parseLineObject(line);
    if (entry === null) {
      this.skipped++;
      return;
    }
    if (entry.type !== 'call') return;
    const f = this.fields;
    const day = readCallFields(entry, null, f) ? this.utc.dayOf(f.timestamp) : NaN;
    if (Number.isNaN(day) || (f.cost !== null && !DECIMAL.test(f.cost))) {
      this.skipped++;
      return;
    }
    const provider = canonicalProvider(f.provider);
    const tokenCost = typeof entry.token_cost_usd === 'string' && DECIMAL.test(entry.token_cost_usd) ? entry.token_cost_usd : f.cost;
    if (!isBilled(provider)) {
      let other = this.otherProviders.get(`${provider}\t${day}`);
      if (other === undefined) this.otherProviders.set(`${provider}\t${day}`, (other = { provider, day, calls: 0, cost: new DecimalSum() }));
      other.calls++;
      if (f.cost !== null) addCost(other.cost, f.cost);
      return;
    }
    const labels = typeof entry.labels === 'object' && entry.labels !== null ? (entry.labels as Record<string, unknown>) : {};
    const dims: Dims = {};
    for (const m of this.maps) {
      const v = Object.hasOwn(labels, m.label) ? labels[m.label] : undefined;
      dims[m.dimension] = typeof v === 'string' && v !== '' ? v : null;
    }
    const date = dateLabel(day);
    let model = this.keys.get(f.model);
    if (model === undefined) this.keys.set(f.model, (model = modelKey(f.model)));
    const key = `${date}\t${provider}\t${model}\t${JSON.stringify(dims)}`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { date, day, provider, model, names: new Set(), dims, calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cost: new DecimalSum(), unpriced_calls: 0 };
      this.cells.set(key, cell);
    }
    cell.names.add(f.model);
    cell.calls++;
    cell.input_tokens += f.input;
    cell.output_tokens += f.output;
    cell.cache_read_tokens += f.cacheRead;
    if (tokenCost === null) cell.unpriced_calls++;
    else addCost(cell.cost, tokenCost);
    if (typeof entry.tool_cost_usd === 'string' && DECIMAL.test(entry.tool_cost_usd)) {
      const at = `${date}\t${provider}`;
      let fees = this.toolFees.get(at);
      if (fees === undefined) this.toolFees.set(at, (fees = new DecimalSum()));
      addCost(fees, entry.tool_cost_usd);
    }
  }
}
