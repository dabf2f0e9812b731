/** Types for the generator the tests share with the benchmark (bench/ccusage.mjs). */
export interface ClaudeTreeTotals {
  lines: number;
  files: number;
  sessions: number;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  raw_input_tokens: number;
  bytes: number;
}
export function writeClaudeTree(root: string, options: { lines: number; seed?: number }): ClaudeTreeTotals;
export function benchCcusage(options?: Record<string, unknown>): Promise<unknown>;
