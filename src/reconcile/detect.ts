/**
 * A report file's text -> what it says, with the format and provider found from the
 * content (never from the file name): JSON pages by their shape and their results' fields,
 * CSV exports by their header row. The readers are tried in order; a document none of them
 * takes is refused with what was expected.
 */
import { anthropicCosts } from './anthropic-costs.js';
import { anthropicUsage } from './anthropic-usage.js';
import { CsvSyntaxError, parseCsv } from './csv-rows.js';
import { anthropicCostCsv, anthropicUsageCsv, openAiActivityCsv, openAiCostCsv } from './csv-export.js';
import { isRecord, JsonSyntaxError, parseExactJson, type ExactJson } from './exact-json.js';
import { openAiCosts } from './openai-costs.js';
import { openAiUsage } from './openai-usage.js';
import { ReportError, type ReportPage, type ReportReader } from './types.js';

/** Costs before usage: a page without results is taken as usage (see readReport). */
export const JSON_READERS: ReadonlyArray<ReportReader<ExactJson>> = [openAiCosts, openAiUsage, anthropicCosts, anthropicUsage];
export const CSV_READERS: ReadonlyArray<ReportReader<string[][]>> = [openAiActivityCsv, openAiCostCsv, anthropicUsageCsv, anthropicCostCsv];

export const EXPECTED = 'an OpenAI /v1/organization/usage or /costs page, an Anthropic usage_report/messages or cost_report page, or a usage or cost CSV export of the OpenAI or Claude console';


/** The provider's own error body, saved instead of a report. */
function errorMessage(doc: ExactJson): string | null {
  if (!isRecord(doc) || !isRecord(doc.error)) return null;
  const message = doc.error.message;
  return typeof message === 'string' ? message : JSON.stringify(doc.error);
}

/**
 * Reads one report. `format` forces a reader (a page fetched from a known endpoint). A
 * detected page with no results at all could be usage or costs: it says the provider had
 * neither on its days, so it covers both (its format: `openai-empty-page`, …).
 */
export function readReport(text: string, format?: string): ReportPage {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') throw new ReportError(`the file is empty; expected ${EXPECTED}`);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: ExactJson;
    try {
      doc = parseExactJson(trimmed);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new ReportError(`${error.message}; expected ${EXPECTED}`);
      throw error;
    }
    const providerError = errorMessage(doc);
    if (providerError !== null) throw new ReportError(`it is an error response from the provider, not a report: ${providerError}`);
    const reader = format === undefined ? JSON_READERS.find((r) => r.detect(doc)) : JSON_READERS.find((r) => r.id === format);
    if (reader === undefined) throw new ReportError(`JSON that is not ${EXPECTED}`);
    const page = reader.read(doc);
    if (format === undefined && page.facts.length === 0 && page.skipped.length === 0) {
      page.format = `${page.provider}-empty-page`;
      page.spans = page.spans.flatMap((s) => [{ ...s, kind: 'usage' as const }, { ...s, kind: 'cost' as const }]);
    }
    return page;
  }
  let rows: string[][];
  try {
    rows = parseCsv(trimmed);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ReportError(`not valid CSV (${error.message}); expected ${EXPECTED}`);
    throw error;
  }
  const reader = CSV_READERS.find((r) => r.detect(rows));
  if (reader === undefined) throw new ReportError(`neither JSON nor a CSV export with a known header row (first line: ${JSON.stringify((trimmed.split(/\r?\n/)[0] ?? '').slice(0, 80))}); expected ${EXPECTED}`);
  return reader.read(rows);
}
