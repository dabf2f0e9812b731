// Builds pricing/prices.json, the price table shipped inside the package, from a LiteLLM
// model_prices_and_context_window.json snapshot. Run by hand when refreshing prices, never
// at install time (the CLI makes no network calls):
//
//   node scripts/build-prices.mjs [path/to/litellm-model-prices.json] [--snapshot=<ISO time>]
//
// SOURCE.md and LITELLM-LICENSE are copied from the snapshot's folder.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'pricing');

const args = process.argv.slice(2);
const snapshotArg = args.find((a) => a.startsWith('--snapshot='));
const inputArg = args.find((a) => !a.startsWith('--'));
const input = resolve(inputArg ?? '../shared/pricing/litellm-model-prices.json');
// Upstream main as of this time (see SOURCE.md); pass --snapshot= when refreshing.
const SNAPSHOT = snapshotArg ? snapshotArg.slice('--snapshot='.length) : '2026-07-24T18:23:43Z';

const MODES = new Set(['chat', 'completion', 'embedding', 'responses']);
// Priced per token too: Realtime sessions and token-billed image models (gpt-image-*,
// Gemini image output). Kept when they have a per-token input rate.
const TOKEN_MODES = new Set(['realtime', 'image_generation']);

/** Per-token USD rates kept, as exact decimal strings. */
const BASE_RATES = [
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  // deepseek's older name for the cache-read rate
  'input_cost_per_token_cache_hit',
  // 5-minute cache write
  'cache_creation_input_token_cost',
  // despite the name: the rate for writes with the 1-hour TTL
  'cache_creation_input_token_cost_above_1hr',
  'output_cost_per_reasoning_token',
  // audio and image parts of input and output
  'input_cost_per_audio_token',
  'output_cost_per_audio_token',
  'input_cost_per_image_token',
  'output_cost_per_image_token',
];
/** `<rate>[_above_Nk_tokens]_<tier>`: rates of the flex and priority tiers and of the Batch API. */
const TIERED_BY_SERVICE = /^(.+?)(_above_(?:128|200|256|272|512)k_tokens)?_(flex|priority|batches)$/;
/** Long-context tiers: `<rate>_above_<N>k_tokens`, used when the prompt exceeds N thousand tokens. */
const TIER = /^(.+)_above_(128|200|256|272|512)k_tokens$/;
const TIERED_RATES = new Set([
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'cache_creation_input_token_cost_above_1hr',
]);
const OTHER_FIELDS = ['litellm_provider', 'mode', 'max_input_tokens', 'deprecation_date', 'source'];

/**
 * Known errors in the upstream data, fixed here (documented in pricing/README.md and in
 * SOURCE.md, "Values that disagree with official pricing pages"). Anthropic's pricing page
 * lists the 1-hour cache write at 2x the base input rate; LiteLLM has $6/MTok for both.
 * Each patch names the upstream value it expects, so a refresh that changes it fails loudly
 * instead of silently overwriting a corrected value.
 */
const PATCHES = [
  {
    key: 'claude-3-opus-20240229',
    field: 'cache_creation_input_token_cost_above_1hr',
    upstream: '0.000006',
    value: '0.00003', // $30/MTok = 2 x $15 input
  },
  {
    key: 'claude-3-haiku-20240307',
    field: 'cache_creation_input_token_cost_above_1hr',
    upstream: '0.000006',
    value: '0.0000005', // $0.50/MTok = 2 x $0.25 input
  },
];

/**
 * A JSON number as an exact plain decimal string. String(n) is the shortest string that
 * round-trips to the same double (2.5e-06 -> "2.5e-6"); the exponent is then moved by
 * shifting the decimal point in the digit string, so no float arithmetic ever happens.
 */
export function toDecimalString(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([-+]?\d+))?$/.exec(text);
  if (!m) throw new Error(`unexpected number text: ${text}`);
  const [, sign, intPart, fracPart = '', expText = '0'] = m;
  const exp = Number(expText);
  let digits = intPart + fracPart;
  let point = intPart.length + exp; // position of the decimal point within digits
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  } else if (point > digits.length) {
    digits += '0'.repeat(point - digits.length);
  }
  let whole = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  let frac = digits.slice(point).replace(/0+$/, '');
  if (whole === '') whole = '0';
  const out = frac ? `${whole}.${frac}` : whole;
  return out === '0' ? '0' : sign + out;
}

function keepEntry(entry) {
  if (!entry || typeof entry !== 'object') return false;
  if (TOKEN_MODES.has(entry.mode)) {
    return typeof entry.input_cost_per_token === 'number' && (typeof entry.output_cost_per_token === 'number' || typeof entry.output_cost_per_image_token === 'number');
  }
  if (!MODES.has(entry.mode)) return false;
  // Entries priced some other way (per second, per commitment month, tiered_pricing ranges)
  // have no per-token input rate: the cost engine cannot price them, so they are left out
  // and such models are recorded as unpriced.
  if (typeof entry.input_cost_per_token !== 'number') return false;
  return typeof entry.output_cost_per_token === 'number' || entry.mode === 'embedding';
}

function pick(key, entry) {
  const out = {};
  for (const f of OTHER_FIELDS) if (entry[f] !== undefined && entry[f] !== null) out[f] = entry[f];
  for (const [field, value] of Object.entries(entry)) {
    const tier = TIER.exec(field);
    const service = TIERED_BY_SERVICE.exec(field);
    const wanted =
      BASE_RATES.includes(field) ||
      (tier !== null && TIERED_RATES.has(tier[1])) ||
      (service !== null && (BASE_RATES.includes(service[1]) || TIERED_RATES.has(service[1])));
    if (!wanted || value === null || value === undefined) continue;
    if (typeof value !== 'number') throw new Error(`${key}.${field}: expected a number, got ${JSON.stringify(value)}`);
    if (value < 0) throw new Error(`${key}.${field}: negative rate ${value}`);
    out[field] = toDecimalString(value);
  }
  // Per-query web search (grounding) price by search context size, and its billing unit.
  const search = entry.search_context_cost_per_query;
  if (search && typeof search === 'object') {
    out.search_context_cost_per_query = Object.fromEntries(Object.entries(search).map(([k, v]) => [k, toDecimalString(v)]));
  }
  if (typeof entry.web_search_billing_unit === 'string') out.web_search_billing_unit = entry.web_search_billing_unit;
  // Rate multipliers of Anthropic's data residency ("us") and fast mode ("fast").
  const specific = entry.provider_specific_entry;
  if (specific && typeof specific === 'object') {
    const multipliers = Object.entries(specific).filter(([k, v]) => (k === 'us' || k === 'fast') && typeof v === 'number');
    if (multipliers.length > 0) out.provider_specific_entry = Object.fromEntries(multipliers.map(([k, v]) => [k, toDecimalString(v)]));
  }
  return out;
}

/**
 * Prices of tools rather than tokens, kept apart from the model entries: the code
 * interpreter container session (`openai/container`, `azure/container`) and the per-image
 * prices of gpt-image models by quality and size (`low/1024-x-1024/gpt-image-1`), which
 * price an image_generation tool call.
 */
const IMAGE_PRICE_KEY = /^(low|medium|high|standard|hd|auto)\/\d+-x-\d+\/[^/]+$/;
function pickTool(key, entry) {
  if (!entry || typeof entry !== 'object') return null;
  if (typeof entry.code_interpreter_cost_per_session === 'number' && key !== 'sample_spec') {
    return { litellm_provider: entry.litellm_provider, code_interpreter_cost_per_session: toDecimalString(entry.code_interpreter_cost_per_session) };
  }
  if (entry.mode === 'image_generation' && IMAGE_PRICE_KEY.test(key) && typeof entry.input_cost_per_image === 'number') {
    return { litellm_provider: entry.litellm_provider, cost_per_image: toDecimalString(entry.input_cost_per_image) };
  }
  return null;
}

function build() {
  const raw = JSON.parse(readFileSync(input, 'utf8'));
  const entries = {};
  const tools = {};
  let dropped = 0;
  for (const [key, entry] of Object.entries(raw)) {
    if (key === 'sample_spec' || key === 'fallback_generalizations') continue;
    const tool = pickTool(key, entry);
    if (tool) tools[key] = tool;
    if (!keepEntry(entry)) {
      if (entry && MODES.has(entry.mode)) dropped++;
      continue;
    }
    entries[key] = pick(key, entry);
  }
  for (const p of PATCHES) {
    const entry = entries[p.key];
    if (!entry) throw new Error(`patch target missing: ${p.key}`);
    if (entry[p.field] !== p.upstream) {
      throw new Error(`patch ${p.key}.${p.field}: expected upstream ${p.upstream}, found ${entry[p.field]}; review the patch`);
    }
    entry[p.field] = p.value;
  }
  const table = {
    source: 'BerriAI/litellm model_prices_and_context_window.json',
    snapshot: SNAPSHOT,
    license: 'MIT',
    entries,
    tools,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  const json = JSON.stringify(table);
  writeFileSync(join(OUT_DIR, 'prices.json'), `${json}\n`);
  const from = dirname(input);
  // Copy the bytes, not the file: the snapshot folder may be read-only, its copies must not be.
  for (const name of ['SOURCE.md', 'LITELLM-LICENSE']) writeFileSync(join(OUT_DIR, name), readFileSync(join(from, name)));
  writeFileSync(join(OUT_DIR, 'README.md'), readme(Object.keys(entries).length, dropped));
  console.log(`pricing/prices.json: ${Object.keys(entries).length} entries (${dropped} without per-token rates left out), ${json.length + 1} bytes`);
}

function readme(count, dropped) {
  const patchLines = PATCHES.map(
    (p) => `- \`${p.key}\` \`${p.field}\`: upstream ${p.upstream}, shipped ${p.value}`,
  ).join('\n');
  return `# Price table

\`prices.json\` is the price table tokenjournal ships and reads on every \`tokj record\`:
there are no network calls at run time.

- Source: BerriAI/litellm \`model_prices_and_context_window.json\` (MIT, see \`LITELLM-LICENSE\`;
  provenance and field meanings in \`SOURCE.md\`).
- Snapshot: **${SNAPSHOT}** (upstream \`main\`).
- ${count} entries: modes chat, completion, embedding and responses, every provider, and the
  realtime and image_generation entries priced per token.
  ${dropped} entries of the first four modes have no per-token input rate (priced per second, per
  commitment month, or by \`tiered_pricing\` ranges) and are left out: such models are
  recorded as unpriced.
- Only price fields are kept. Every rate is an exact decimal string in USD per token
  (\`2.5e-06\` in the source becomes \`"0.0000025"\`, the shortest string that round-trips).
  \`*_above_Nk_tokens\` rates apply when the prompt exceeds N thousand tokens;
  \`cache_creation_input_token_cost_above_1hr\` is the 1-hour-TTL cache write rate.
- Also kept: the flex, priority and Batch API rates (\`*_flex\`, \`*_priority\`,
  \`*_batches\`, with their long-context variants), audio and image token rates
  (\`input_cost_per_audio_token\`, \`output_cost_per_image_token\`, …), the per-query web
  search price (\`search_context_cost_per_query\`, \`web_search_billing_unit\`) and
  Anthropic's \`provider_specific_entry\` multipliers (\`us\`, \`fast\`).
- \`tools\`: prices of tools rather than tokens: the code interpreter container session
  (\`openai/container\`) and the per-image prices of gpt-image models by quality and size.
  Tool fees the snapshot lacks are in \`tool-fees.json\` (hand-kept, each row with its
  source URL and the date it was read; review it when refreshing).

## Refreshing

Download a new \`model_prices_and_context_window.json\`, put \`SOURCE.md\` and \`LITELLM-LICENSE\`
beside it, then from the repository root:

\`\`\`sh
node scripts/build-prices.mjs path/to/litellm-model-prices.json --snapshot=2026-07-24T18:23:43Z
node test/fixtures/pricing/make-litellm-digest.mjs path/to/litellm-model-prices.json
npx vitest run test/pricing
\`\`\`

Without arguments it reads \`../shared/pricing/litellm-model-prices.json\` with the snapshot
date above. The digest script records what the tests compare \`prices.json\` with (the
snapshot is not in the repository). Review the diff of \`prices.json\` before committing.
Each record keeps the cost and the price source (\`litellm@<snapshot date>:<key>\`) it was
computed with.

## Patches

Upstream values that disagree with the provider's official pricing page are corrected by the
build script (\`PATCHES\` in \`scripts/build-prices.mjs\`). Each patch checks the upstream value
first, so a refresh that changes it stops the build for review.

${patchLines}

Anthropic's pricing page lists the 1-hour cache write at 2x base input ($30/MTok for Opus 3,
$0.50/MTok for Haiku 3); LiteLLM has $6/MTok for both.
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) build();
