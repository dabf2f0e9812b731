// Entry point of `npm run bench` (which builds first). Runs every benchmark, or those named:
//   node bench/run.mjs              all of them
//   node bench/run.mjs record       the record path only
// Benchmarks report: they exit 0 even when a bar fails (the output says FAIL). A non-zero
// exit means the benchmark itself could not run. Results are written to bench/out/*.json.

const BENCHMARKS = {
  record: { about: 'one `tokj record` vs `node -e 0`: empty journal, 100k calls, a 10k-call session, a year of 100k sessions', run: async () => (await import('./record.mjs')).runRecordBench() },
  report: { about: 'tokj report over 1M calls vs a bare JSON.parse scan', run: async () => (await import('./report.mjs')).benchReport() },
  ccusage: { about: 'import --from claude-code + report vs ccusage 20 on 1M Claude Code lines (BENCH_CC_LINES)', run: async () => (await import('./ccusage.mjs')).benchCcusage() },
  collect: { about: 'auto-collect throughput and memory: a large SSE stream, 100k JSON Lines responses', run: async () => (await import('./collect.mjs')).runCollectBench() },
};

const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  console.log('usage: node bench/run.mjs [benchmark...]\n');
  for (const [name, b] of Object.entries(BENCHMARKS)) console.log(`  ${name.padEnd(10)} ${b.about}`);
  console.log('\nenv: BENCH_ROUNDS (30), BENCH_WARMUP (2), BENCH_RSS_RUNS (3), BENCH_JOURNAL_CALLS (100000), BENCH_JOURNAL_SESSIONS (1000),');
  console.log('     BENCH_SESSION_CALLS (10000), BENCH_YEAR_SESSIONS (100000), BENCH_IMPORT_TIMEOUT_S (600), BENCH_TRACE=1, BENCH_KEEP=1, BENCH_NO_SNAPSHOT=1');
  process.exit(0);
}
const unknown = args.filter((a) => !(a in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const selected = args.length ? args : Object.keys(BENCHMARKS);
const summary = [];
for (const name of selected) {
  if (selected.length > 1) console.log(`\n=== ${name} ===\n`);
  const result = await BENCHMARKS[name].run();
  summary.push(`${name}: ${result.pass ? 'PASS' : 'FAIL'}`);
}
if (selected.length > 1) console.log(`\n${summary.join('\n')}`);
