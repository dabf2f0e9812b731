// The record path: wall time of one `tokj record` process against `node -e 0`, measured
// side by side, interleaved round-robin, on four journals (empty, 100k calls over 1,000
// sessions, one session already holding 10k calls, a year of history: 100k one-call sessions). See bench/README.md for the bars.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  cleanEnv,
  countLedger,
  describeBuild,
  describeFailure,
  envInt,
  fmtMiB,
  fmtMs,
  fmtX,
  hasTime,
  interleave,
  median,
  ok,
  pairedRatio,
  progress,
  progressDone,
  removeDir,
  snapshotCli,
  summarize,
  table,
  timed,
  timedWithRss,
  tmpDir,
  writeImportFixture,
  writeJsonOut,
} from './lib.mjs';

const NODE = 'node -e 0';
const BAR_VS_NODE = 2.0;
const BAR_VS_EMPTY = 1.25;
const BAR_YEAR_VS_EMPTY = 1.1;
const BAR_JOURNAL_BYTES = 100 * 1024;
const BAR_IMPORT_MS = 60_000;
const IN = 1500;
const OUT = 800;

export async function runRecordBench({ log = console.log } = {}) {
  const rounds = envInt('BENCH_ROUNDS', 30);
  const warmup = envInt('BENCH_WARMUP', 2);
  const rssRuns = envInt('BENCH_RSS_RUNS', 3);
  const journalCalls = envInt('BENCH_JOURNAL_CALLS', 100_000);
  const journalSessions = envInt('BENCH_JOURNAL_SESSIONS', 1_000);
  const sessionCalls = envInt('BENCH_SESSION_CALLS', 10_000);
  const yearSessions = envInt('BENCH_YEAR_SESSIONS', 100_000);
  const importTimeoutMs = envInt('BENCH_IMPORT_TIMEOUT_S', 600) * 1000;
  const k = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

  const cli = snapshotCli();
  const build = describeBuild(cli.root);
  const work = tmpDir('tokj-bench-record-');
  const node = process.execPath;
  const env = cleanEnv();

  const cases = [
    { name: 'empty', label: 'empty journal', session: 'bench-empty', imported: 0, importedSessions: 0 },
    { name: k(journalCalls), key: 'big-journal', label: `${k(journalCalls)} calls / ${journalSessions} sessions`, session: 'bench-live', imported: journalCalls, importedSessions: journalSessions },
    { name: `session ${k(sessionCalls)}`, key: 'big-session', label: `session holding ${k(sessionCalls)} calls`, session: 'big', imported: sessionCalls, importedSessions: 0 },
    { name: `year ${k(yearSessions)}`, key: 'year', label: `a year: ${k(yearSessions)} one-call sessions`, session: 'bench-year', imported: yearSessions, importedSessions: yearSessions },
  ];
  cases[0].key = 'empty';
  for (const c of cases) {
    c.root = path.join(work, c.key);
    c.dir = path.join(c.root, '.ai_workflow');
    mkdirSync(c.root, { recursive: true });
    c.setup = [];
    c.setupError = null;
    c.recorded = 0; // successful `tokj record` runs: each must add exactly one ledger line
    c.importedTokens = { input: 0, output: 0 };
  }
  const tokj = (c, args, extra = {}) => [node, [cli.bin, ...args, '--dir', c.dir], { cwd: c.root, env, ...extra }];
  const step = (c, name, r, extra = {}) => {
    const s = { step: name, ms: r.ms, ok: ok(r), rss_kib: r.rssKiB ?? null, ...extra };
    if (!s.ok) s.failure = describeFailure(r);
    c.setup.push(s);
    if (!s.ok && !c.setupError) c.setupError = `${name}: ${s.failure}`;
    return s;
  };
  const runStep = (c, name, args, extra) => {
    const [cmd, argv, options] = tokj(c, args, extra);
    const r = timedWithRss(cmd, argv, options);
    step(c, name, r);
    return r;
  };
  const importStep = (c, file, expect) => {
    progress(`[record] ${c.label}: tokj import of ${expect.calls.toLocaleString('en-US')} calls...`);
    const r = runStep(c, `tokj import (${expect.calls.toLocaleString('en-US')} calls)`, ['import', file, '--json'], { timeoutMs: importTimeoutMs });
    progressDone();
    const s = c.setup[c.setup.length - 1];
    if (!ok(r)) return;
    try {
      const summary = JSON.parse(r.stdout.trim().split('\n').pop());
      s.summary = summary;
      if (summary.imported !== expect.calls) c.setupError ??= `import reported ${summary.imported} calls imported, expected ${expect.calls}`;
      if (summary.sessions_created !== expect.created) c.setupError ??= `import reported ${summary.sessions_created} sessions created, expected ${expect.created}`;
    } catch {
      c.setupError ??= `import printed no JSON summary: ${r.stdout.slice(0, 200)}`;
    }
    if (r.stderr.trim()) s.stderr = r.stderr.trim().slice(0, 2000);
  };
  const fixture = (c, name, opts) => {
    const file = path.join(work, `${c.key}.jsonl`);
    const t0 = performance.now();
    const totals = writeImportFixture(file, opts);
    c.setup.push({ step: `write fixture (${name})`, ms: performance.now() - t0, ok: true, rss_kib: null });
    c.importedTokens = { input: totals.input_tokens, output: totals.output_tokens, perSession: totals.perSession };
    return { file, totals };
  };

  log(`tokj record benchmark: ${rounds} rounds (+${warmup} warm-up), build ${build.commit}${build.src_dirty ? ' + uncommitted src edits' : ''}, dist ${build.dist_sha1}, node ${build.node}, ${build.cpus} cpus, load ${build.loadavg.join(' ')}`);
  log(`CLI under test: ${cli.bin}${cli.dir ? ' (frozen copy of the working tree build)' : ''}`);
  log(`journals in ${work}${process.env.BENCH_KEEP === '1' ? ' (kept)' : ''}`);
  log('');

  // ---------------------------------------------------------------- setup
  {
    const c = cases[0];
    runStep(c, 'tokj init', ['init', c.session, 'openai', 'gpt-4o', '--quiet']);
  }
  {
    const c = cases[1];
    progress(`[record] writing ${journalCalls} fixture lines...`);
    const { file } = fixture(c, `${k(journalCalls)} lines, ${journalSessions} sessions`, { count: journalCalls, sessions: journalSessions, prefix: 'imp-', seed: 1 });
    importStep(c, file, { calls: journalCalls, created: journalSessions });
    if (!c.setupError) runStep(c, 'tokj init', ['init', c.session, 'openai', 'gpt-4o', '--quiet']);
  }
  {
    const c = cases[2];
    runStep(c, 'tokj init', ['init', c.session, 'openai', 'gpt-4o', '--quiet']);
    if (!c.setupError) {
      const { file } = fixture(c, `${k(sessionCalls)} lines, session ${c.session}`, { count: sessionCalls, session: c.session, seed: 2 });
      importStep(c, file, { calls: sessionCalls, created: 0 });
    }
    if (!c.setupError) {
      // importing into an existing active session must keep it active, or record cannot run
      const r = timed(...tokj(c, ['status', '--session', c.session, '--json']));
      try {
        const st = JSON.parse(r.stdout);
        if (st.status !== 'active') c.setupError = `after import, session ${c.session} is ${st.status}, expected active`;
      } catch {
        c.setupError = `tokj status after import failed: ${describeFailure(r)}`;
      }
    }
  }
  {
    // A heavy user's year: sessions spread over the 365 days before now, each finalized.
    const c = cases[3];
    const end = Date.now() - 3_600_000;
    progress(`[record] writing ${yearSessions} one-call sessions over a year...`);
    const { file } = fixture(c, `${k(yearSessions)} sessions over a year`, { count: yearSessions, sessions: yearSessions, prefix: 'year-', seed: 3, start: end - 365 * 86_400_000, end });
    importStep(c, file, { calls: yearSessions, created: yearSessions });
    if (!c.setupError) runStep(c, 'tokj init', ['init', c.session, 'openai', 'gpt-4o', '--quiet']);
  }
  const live = cases.filter((c) => !c.setupError);

  // ---------------------------------------------------------------- interleaved rounds
  const names = [NODE, ...live.map((c) => c.name)];
  const byName = new Map(live.map((c) => [c.name, c]));
  const recordArgs = (c) => ['record', String(IN), String(OUT), '--session', c.session];
  const runOne = (name) => {
    if (name === NODE) {
      const r = timed(node, ['-e', '0'], { env });
      return ok(r) ? { ms: r.ms } : { ok: false, ms: r.ms, failure: describeFailure(r) };
    }
    const c = byName.get(name);
    const r = timed(...tokj(c, recordArgs(c)));
    if (ok(r)) c.recorded += 1;
    return ok(r) ? { ms: r.ms } : { ok: false, ms: r.ms, failure: describeFailure(r) };
  };
  const t0 = performance.now();
  const { samples, failures, perRound } = interleave(names, {
    rounds,
    warmup,
    run: runOne,
    onRound: (i, n) => progress(`[record] round ${i + 1}/${n}`),
  });
  progressDone();
  const roundsMs = performance.now() - t0;

  // ---------------------------------------------------------------- memory and a traced run
  const rss = Object.fromEntries(names.map((n) => [n, []]));
  if (hasTime()) {
    for (let i = 0; i < rssRuns; i++) {
      for (const name of names) {
        if (name === NODE) {
          const r = timedWithRss(node, ['-e', '0'], { env });
          if (ok(r) && r.rssKiB != null) rss[name].push(r.rssKiB);
          continue;
        }
        const c = byName.get(name);
        const r = timedWithRss(...tokj(c, recordArgs(c)));
        if (ok(r)) c.recorded += 1;
        if (ok(r) && r.rssKiB != null) rss[name].push(r.rssKiB);
      }
    }
  }
  const traces = {};
  for (const c of live) {
    const r = timed(...tokj(c, recordArgs(c), { env: { ...env, TOKJ_TRACE: '1' } }));
    if (ok(r)) c.recorded += 1;
    traces[c.name] = r.stderr.split('\n').filter((l) => l.startsWith('[trace]'));
  }

  // ---------------------------------------------------------------- checks: the tool counts correctly
  const checks = [];
  const check = (c, what, actual, expected) => checks.push({ case: c.name, what, actual, expected, ok: actual === expected });
  for (const c of live) {
    const l = countLedger(c.dir);
    const measured = c.imported && c.importedSessions === 0 ? c.imported + c.recorded : c.recorded;
    check(c, 'call lines in the ledger', l.call, c.imported + c.recorded);
    check(c, `call lines of session ${c.session}`, l.callsBySession.get(c.session) ?? 0, measured);
    check(c, 'session_start lines', l.session_start, c.importedSessions + 1);
    check(c, 'session_end lines', l.session_end, c.importedSessions);
    check(c, 'duplicate call ids', l.duplicateIds, 0);
    check(c, 'unparsable / unknown lines', l.unparsable + l.other, 0);
    check(c, 'torn last line', l.torn_tail, false);
    if (c.importedSessions > 0) {
      const per = [...l.callsBySession].filter(([s]) => s !== c.session);
      const expectedPer = c.importedTokens.perSession;
      const wrong = per.filter(([s, n]) => expectedPer.get(s) !== n).length + Math.max(0, expectedPer.size - per.length);
      check(c, 'imported sessions with the wrong number of calls', wrong, 0);
    }
    const st = timed(...tokj(c, ['status', '--session', c.session, '--json']));
    if (!ok(st)) {
      checks.push({ case: c.name, what: 'tokj status --json', actual: describeFailure(st), expected: 'exit 0', ok: false });
    } else {
      const s = JSON.parse(st.stdout);
      const inSession = c.importedSessions === 0 ? c.importedTokens : { input: 0, output: 0 };
      check(c, 'status: session calls', s.totals.calls, measured);
      check(c, 'status: session input tokens', s.totals.input_tokens, inSession.input + IN * c.recorded);
      check(c, 'status: session output tokens', s.totals.output_tokens, inSession.output + OUT * c.recorded);
      check(c, 'status: session is active', s.status, 'active');
    }
    try {
      const j = JSON.parse(readFileSync(path.join(c.dir, 'monitoring', '.state', 'journal.json'), 'utf8'));
      check(c, 'journal state: total calls', j.totals?.calls, c.imported + c.recorded);
      check(c, 'journal state: sessions', j.sessions, c.importedSessions + 1);
    } catch (error) {
      checks.push({ case: c.name, what: 'journal state readable', actual: String(error.message), expected: 'readable', ok: false });
    }
  }

  // ---------------------------------------------------------------- results
  const nodeStats = summarize(samples[NODE]);
  const emptyName = cases[0].name;
  const emptyMedian = samples[emptyName] ? median(samples[emptyName]) : NaN;
  const results = cases.map((c) => {
    if (c.setupError) return { case: c.name, key: c.key, label: c.label, error: c.setupError, setup: c.setup, pass: false };
    const st = summarize(samples[c.name]);
    const vsNode = st.median / nodeStats.median;
    const vsEmpty = st.median / emptyMedian;
    const bars = [{ bar: `median <= ${BAR_VS_NODE}x node -e 0`, value: vsNode, pass: vsNode <= BAR_VS_NODE }];
    if (c.key === 'big-journal') bars.push({ bar: `median <= ${BAR_VS_EMPTY}x empty`, value: vsEmpty, pass: vsEmpty <= BAR_VS_EMPTY });
    if (c.key === 'year') {
      bars.push({ bar: `median <= ${BAR_YEAR_VS_EMPTY}x empty`, value: vsEmpty, pass: vsEmpty <= BAR_YEAR_VS_EMPTY });
      const bytes = statSync(path.join(c.dir, 'work_journal', 'token_usage.md')).size;
      bars.push({ bar: `main journal <= ${BAR_JOURNAL_BYTES / 1024} KB`, value: `${(bytes / 1024).toFixed(1)} KB`, pass: bytes <= BAR_JOURNAL_BYTES });
    }
    const fails = failures[c.name];
    if (fails.length) bars.push({ bar: 'every record exits 0', value: `${fails.length} failed`, pass: false });
    const rssMedian = rss[c.name].length ? median(rss[c.name]) : null;
    return {
      case: c.name,
      key: c.key,
      label: c.label,
      stats_ms: st,
      ratio_vs_node: vsNode,
      ratio_vs_empty: vsEmpty,
      paired_ratio_vs_node: pairedRatio(perRound, c.name, NODE),
      paired_ratio_vs_empty: pairedRatio(perRound, c.name, emptyName),
      bars,
      pass: bars.every((b) => b.pass),
      failures: fails.slice(0, 5),
      max_rss_kib: rssMedian,
      rss_samples_kib: rss[c.name],
      trace: traces[c.name],
      setup: c.setup,
      records_made: c.recorded,
    };
  });
  const bigImport = cases[1].setup.find((s) => s.step.startsWith('tokj import'));
  const importBar = bigImport ? { bar: `import of ${k(journalCalls)} calls < ${BAR_IMPORT_MS / 1000} s`, value: bigImport.ms, pass: bigImport.ok && bigImport.ms < BAR_IMPORT_MS } : null;

  // ---------------------------------------------------------------- print
  log('Setup');
  log(
    table(
      ['case', 'step', 'time', 'max RSS', 'result'],
      cases.flatMap((c) => c.setup.map((s) => [c.name, s.step, fmtMs(s.ms), fmtMiB(s.rss_kib), s.ok ? 'ok' : `FAILED: ${s.failure.split('\n')[0]}`])),
    ),
  );
  for (const c of cases) for (const s of c.setup) if (!s.ok) log(`\n${c.name} / ${s.step} FAILED: ${s.failure}`);
  for (const c of cases) for (const s of c.setup) if (s.ok && s.stderr) log(`\n${c.name} / ${s.step} wrote to stderr:\n    ${s.stderr.split('\n').slice(0, 10).join('\n    ')}`);
  if (importBar) log(`\n${importBar.pass ? 'PASS' : 'FAIL'}  ${importBar.bar}: took ${fmtMs(importBar.value)}`);
  log('');

  log(`Record path: ${rounds} interleaved rounds (${names.join(' -> ')}), ${warmup} warm-up rounds discarded, ${(roundsMs / 1000).toFixed(1)} s`);
  const rows = [[NODE, fmtMs(nodeStats.median), fmtMs(nodeStats.p90), fmtX(1), '-', '-', fmtMiB(rss[NODE].length ? median(rss[NODE]) : null), '(baseline)']];
  for (const r of results) {
    if (r.error) {
      rows.push([r.case, '-', '-', '-', '-', '-', '-', 'FAIL (not measured: setup failed)']);
      continue;
    }
    rows.push([
      r.case,
      fmtMs(r.stats_ms.median),
      fmtMs(r.stats_ms.p90),
      fmtX(r.ratio_vs_node),
      r.key === 'empty' ? '-' : fmtX(r.ratio_vs_empty),
      fmtX(r.paired_ratio_vs_node),
      fmtMiB(r.max_rss_kib),
      r.bars.map((b) => `${b.pass ? 'PASS' : 'FAIL'} ${b.bar.replace('median ', '')}`).join('; '),
    ]);
  }
  log(table(['case', 'median', 'p90', 'x node', 'x empty', 'x node (paired)', 'max RSS', 'bars'], rows));
  log(`(x node, x empty: ratios of medians; paired: median of the per-round ratios. max RSS: median of ${rssRuns} runs under /usr/bin/time${hasTime() ? '' : ' - not available here'})`);
  for (const r of results) if (r.failures?.length) log(`\n${r.case}: ${r.failures.length} record runs failed, first: round ${r.failures[0].round}: ${r.failures[0].failure}`);
  if (failures[NODE].length) log(`\n${NODE} failed ${failures[NODE].length} times: ${failures[NODE][0].failure}`);
  log('');

  const badChecks = checks.filter((x) => !x.ok);
  log(`Counts: ${checks.length - badChecks.length}/${checks.length} checks ok (ledger lines, status --json, journal state)`);
  for (const x of badChecks) log(`  FAIL  ${x.case}: ${x.what}: got ${JSON.stringify(x.actual)}, expected ${JSON.stringify(x.expected)}`);
  if (process.env.BENCH_TRACE === '1') {
    for (const r of results) if (r.trace?.length) log(`\nTOKJ_TRACE of one record, ${r.case}:\n  ${r.trace.join('\n  ')}`);
  }

  const allBars = [...results.flatMap((r) => (r.error ? [{ bar: `${r.case} measured`, pass: false }] : r.bars.map((b) => ({ ...b, bar: `${r.case}: ${b.bar}` })))), ...(importBar ? [importBar] : [])];
  const failed = allBars.filter((b) => !b.pass);
  log('');
  if (failed.length === 0 && badChecks.length === 0) log('RESULT: PASS (every bar met, every count right)');
  else {
    log(`RESULT: FAIL`);
    for (const b of failed) log(`  FAIL  ${b.bar}${typeof b.value === 'number' ? ` (${b.bar.includes('import') ? fmtMs(b.value) : fmtX(b.value)})` : b.value ? ` (${b.value})` : ''}`);
    if (badChecks.length) log(`  FAIL  ${badChecks.length} count checks`);
  }

  const out = {
    benchmark: 'record',
    at: new Date().toISOString(),
    build,
    config: { rounds, warmup, rss_runs: rssRuns, journal_calls: journalCalls, journal_sessions: journalSessions, session_calls: sessionCalls, year_sessions: yearSessions, order: names },
    bars: { vs_node: BAR_VS_NODE, big_journal_vs_empty: BAR_VS_EMPTY, year_vs_empty: BAR_YEAR_VS_EMPTY, journal_bytes: BAR_JOURNAL_BYTES, import_ms: BAR_IMPORT_MS },
    node_e_0: { stats_ms: nodeStats, max_rss_kib: rss[NODE].length ? median(rss[NODE]) : null, failures: failures[NODE].length },
    cases: results,
    import_bar: importBar,
    checks,
    samples_ms: samples,
    pass: failed.length === 0 && badChecks.length === 0,
  };
  const file = writeJsonOut('record.json', out);
  log(`\nwrote ${path.relative(process.cwd(), file) || file}`);

  removeDir(work);
  if (cli.dir) removeDir(cli.dir);
  return out;
}
