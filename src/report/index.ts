export { buildReport, buildReportThreaded, type BuildReportInput } from './build-report.js';
export { parseReportFlags, defaultTimeZone, type ReportFlags } from './options.js';
export { renderCsv, renderJson, renderYaml, reportJson, type ReportJson } from './render-data.js';
export { renderMarkdown, reportTree } from './render-markdown.js';
export { renderTable } from './render-table.js';
export { ZoneDays, canonicalTimeZone } from './zone.js';
export type { ReportData, ReportFormat, ReportOptions, Suggestion } from './types.js';
