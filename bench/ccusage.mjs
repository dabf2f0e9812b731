// `tokj import --from claude-code` + `tokj report --format json` against ccusage 20
// (`npx -y ccusage@20.0.24 daily --offline --json`) on the same Claude Code transcripts,
// side by side, interleaved round-robin, medians. Bar: importing AND reporting the logs
// takes less time than ccusage's daily report of them. Totals are checked against the
// generator on both sides (tokens; calls on tokj's).
//   node bench/ccusage.mjs            (after npm run build)
// env: BENCH_CC_LINES (1000000), BENCH_CC_ROUNDS (3), BENCH_CC_WARMUP (1),
//      BENCH_CC_TREE=dir (generate there once and reuse it), BENCH_KEEP=1, BENCH_NO_SNAPSHOT=1
//
// ccusage 20 is a native (Rust) binary behind a Node launcher. Both ways of running it are
// timed: the command as people type it (npx, which checks the registry cache first) and the
// native binary it launches; the bar is against the faster of the two.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, describeBuild, describeFailure, envInt, fmtMs, fmtX, interleave, median, ok, pairedRatio, progress, progressDone, removeDir, rng, snapshotCli, summarize, table, timed, tmpDir, writeJsonOut } from './lib.mjs';

const CCUSAGE = 'ccusage@20.0.24';
const TOKJ = 'tokj import + report';
const NPX = `npx ${CCUSAGE} daily`;
const NATIVE = 'ccusage native binary';

// ---------------------------------------------------------------- fixture

const MODELS = [
  // model, weight, cache-write TTL
  ['claude-sonnet-4-5-20250929', 62, '5m'],
  ['claude-opus-4-1-20250805', 10, '1h'],
  ['claude-haiku-4-5-20251001', 20, '5m'],
  ['claude-sonnet-4-20250514', 8, '5m'],
];
const WORDS = 'the a of to in and is for on that with file test function return value error check update add remove config build run type import export const async await module path line'.split(' ');

const CODE = [
  'export async function load(path: string): Promise<Config> {',
  '  const text = await readFile(path, "utf8");',
  '  if (!text.trim()) throw new Error(`empty config: ${path}`);',
  '  return JSON.parse(text) as Config;',
  '}',
  '',
  'describe("validate", () => {',
  '  it("rejects an empty \\"password\\"", () => {',
  '    expect(() => validate({ email: "a@b.c", password: "" })).toThrow();',
  '  });',
  '});',
  '\tfor (const [key, value] of Object.entries(options)) {',
  '\t\tif (value === undefined) continue; // skip unset flags',
  '    return { ok: false, reason: "not found" };',
  '# Orders API — pagination',
  '| field | type | notes |',
];

/** `lines` lines of source code (numbered like the Read tool's output when asked). */
const code = (r, lines, numbered = false) => {
  let s = '';
  for (let i = 1; i <= lines; i++) s += `${numbered ? `${String(i).padStart(6)}\t` : ''}${CODE[Math.floor(r() * CODE.length)]}\n`;
  return s;
};

/** A tool call as Claude Code logs it: Read, Bash, Grep, or an Edit/Write carrying code. */
const toolUse = (r, cwd) => {
  const id = `toolu_01${base62(r, 22)}`;
  const file_path = `${cwd}/src/${words(r, 1)}.ts`;
  const x = r();
  if (x < 0.25) return { type: 'tool_use', id, name: 'Edit', input: { file_path, old_string: code(r, 2 + Math.floor(r() * 12)), new_string: code(r, 2 + Math.floor(r() * 16)) } };
  if (x < 0.32) return { type: 'tool_use', id, name: 'Write', input: { file_path, content: code(r, 20 + Math.floor(r() * 120)) } };
  if (x < 0.6) return { type: 'tool_use', id, name: 'Read', input: { file_path } };
  if (x < 0.85) return { type: 'tool_use', id, name: 'Bash', input: { command: `npm test -- ${words(r, 2).replace(' ', '/')}`, description: words(r, 5) } };
  return { type: 'tool_use', id, name: 'Grep', input: { pattern: words(r, 1), path: cwd, output_mode: 'content' } };
};

const uuid = (r) => {
  const h = () => Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  const a = h() + h() + h() + h();
  return `${a.slice(0, 8)}-${a.slice(8, 12)}-4${a.slice(13, 16)}-8${a.slice(17, 20)}-${a.slice(20, 32)}`;
};
const base62 = (r, n) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(r() * 62)];
  return s;
};
const words = (r, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
  return s;
};

/**
 * Writes about `lines` transcript lines as Claude Code lays them out: ~40 projects, sessions
 * of 100-900 lines, a subagent file for some, in the shapes real transcripts have (user
 * prompts, tool results of a few hundred bytes to tens of kilobytes, assistant responses of
 * one to three lines with the same message id and requestId, summaries, snapshots, system
 * lines, the odd <synthetic> API error). Usage repeats exactly across a response's lines, so
 * every reader (keep-first or keep-last) must find the same totals. Returns them.
 */
export function writeClaudeTree(root, { lines, seed = 11 }) {
  const r = rng(seed);
  const projectsDir = path.join(root, 'projects');
  mkdirSync(projectsDir, { recursive: true });
  const projects = Array.from({ length: 40 }, (_, i) => `/home/dev/code/${words(r, 1)}-${i}`);
  const expected = { lines: 0, files: 0, sessions: 0, calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, raw_input_tokens: 0, bytes: 0 };
  let t = Date.UTC(2026, 5, 1, 8);
  const pick = () => {
    let x = r() * 100;
    for (const m of MODELS) if ((x -= m[1]) < 0) return m;
    return MODELS[0];
  };
  const writeFile = (file, make) => {
    const fd = openSync(file, 'w');
    let buffer = '';
    const put = (obj) => {
      buffer += `${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n`;
      expected.lines++;
      if (buffer.length > 1 << 20) {
        expected.bytes += Buffer.byteLength(buffer);
        writeSync(fd, buffer);
        buffer = '';
      }
    };
    make(put);
    expected.bytes += Buffer.byteLength(buffer);
    writeSync(fd, buffer);
    closeSync(fd);
    // Finished transcripts: dated at their last line (at least an hour back), as Claude Code
    // leaves them. A file may end mid-response (cut at its line count); tokj holds back such
    // a response while its file was written in the last 10 minutes, and counts it after.
    const mtime = new Date(Math.min(t, Date.now() - 3_600_000));
    utimesSync(file, mtime, mtime);
    expected.files++;
  };
  /** A conversation: `n` lines into put(); sidechain lines carry agentId. */
  const conversation = (put, { session, cwd, n, agentId = null }) => {
    const common = { userType: 'external', cwd, sessionId: session, version: '2.0.14', gitBranch: 'main' };
    const side = agentId ? { isSidechain: true, agentId } : { isSidechain: false };
    let parent = null;
    let context = 8000 + Math.floor(r() * 8000);
    let [model, , ttl] = pick();
    let written = 0;
    const line = (obj) => {
      put(obj);
      written++;
    };
    line({ parentUuid: null, ...side, ...common, type: 'user', message: { role: 'user', content: words(r, 12 + Math.floor(r() * 60)) }, uuid: (parent = uuid(r)), timestamp: new Date((t += 2000)).toISOString() });
    while (written < n) {
      const x = r();
      if (x < 0.02) {
        line({ type: 'summary', summary: words(r, 6), leafUuid: parent });
        continue;
      }
      if (x < 0.04) {
        line({ parentUuid: parent, ...side, ...common, type: 'system', subtype: 'informational', content: words(r, 8), level: 'info', uuid: uuid(r), timestamp: new Date((t += 100)).toISOString() });
        continue;
      }
      if (x < 0.045) {
        line({ parentUuid: parent, ...side, ...common, type: 'assistant', uuid: uuid(r), timestamp: new Date((t += 500)).toISOString(), requestId: `req_011C${base62(r, 20)}`, isApiErrorMessage: true, message: { id: uuid(r), model: '<synthetic>', role: 'assistant', type: 'message', stop_reason: 'stop_sequence', stop_sequence: '', usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, content: [{ type: 'text', text: 'API Error: Repeated 529 Overloaded errors' }] } });
        continue;
      }
      if (r() < 0.05) [model, , ttl] = pick();
      // one API response: 1-3 lines (thinking / text / tool_use), same id, same usage
      const blocks = 1 + Math.floor(r() * 3);
      const msg = `msg_01${base62(r, 22)}`;
      const req = `req_011C${base62(r, 20)}`;
      const input = 1 + Math.floor(r() * 12);
      const write = r() < 0.3 ? 200 + Math.floor(r() * 6000) : 0;
      const read = context;
      const output = 20 + Math.floor(r() * 900);
      context += write + Math.floor(output / 2);
      if (context > 160_000) context = 10_000 + Math.floor(r() * 5000);
      const usage = { input_tokens: input, cache_creation_input_tokens: write, cache_read_input_tokens: read, cache_creation: { ephemeral_5m_input_tokens: ttl === '5m' ? write : 0, ephemeral_1h_input_tokens: ttl === '1h' ? write : 0 }, output_tokens: output, service_tier: 'standard' };
      for (let b = 0; b < blocks && written < n; b++) {
        const kind = b === blocks - 1 && r() < 0.7 ? 'tool_use' : b === 0 && blocks > 1 ? 'thinking' : 'text';
        const content =
          kind === 'thinking'
            ? [{ type: 'thinking', thinking: words(r, 40 + Math.floor(r() * 360)), signature: base62(r, 200 + Math.floor(r() * 600)) }]
            : kind === 'text'
              ? [{ type: 'text', text: words(r, 10 + Math.floor(r() * 140)) }]
              : [toolUse(r, cwd)];
        const id = uuid(r);
        line({ parentUuid: parent, ...side, ...(agentId ? { attributionAgent: 'general-purpose' } : {}), ...common, message: { id: msg, type: 'message', role: 'assistant', model, content, stop_reason: b === blocks - 1 ? (kind === 'tool_use' ? 'tool_use' : 'end_turn') : null, stop_sequence: null, usage }, requestId: req, type: 'assistant', uuid: id, timestamp: new Date((t += 300 + Math.floor(r() * 3000))).toISOString() });
        parent = id;
      }
      expected.calls++;
      expected.raw_input_tokens += input;
      expected.input_tokens += input + read + write;
      expected.output_tokens += output;
      expected.cache_read_tokens += read;
      expected.cache_write_tokens += write;
      // the tool result (or the next prompt)
      if (written < n) {
        const lines = r() < 0.1 ? 100 + Math.floor(r() * 600) : 3 + Math.floor(r() * 40);
        line({ parentUuid: parent, ...side, ...common, type: 'user', message: { role: 'user', content: [{ tool_use_id: `toolu_01${base62(r, 22)}`, type: 'tool_result', content: code(r, lines, true) }] }, uuid: (parent = uuid(r)), timestamp: new Date((t += 200)).toISOString(), toolUseResult: { type: 'text', file: { filePath: `${cwd}/src/${words(r, 1)}.ts`, numLines: lines, startLine: 1, totalLines: lines } } });
      }
    }
  };
  let made = 0;
  while (made < lines) {
    const cwd = projects[Math.floor(r() * projects.length)];
    const dir = path.join(projectsDir, cwd.replaceAll('/', '-'));
    mkdirSync(dir, { recursive: true });
    const session = uuid(r);
    const n = Math.min(lines - made, 100 + Math.floor(r() * 800));
    const sub = n > 300 && r() < 0.3 ? Math.floor(n * 0.3) : 0;
    writeFile(path.join(dir, `${session}.jsonl`), (put) => conversation(put, { session, cwd, n: n - sub }));
    if (sub > 0) {
      const agentId = base62(r, 12).toLowerCase();
      mkdirSync(path.join(dir, session, 'subagents'), { recursive: true });
      writeFile(path.join(dir, session, 'subagents', `agent-${agentId}.jsonl`), (put) => conversation(put, { session, cwd, n: sub, agentId }));
    }
    expected.sessions++;
    made += n;
    t += 600_000 + Math.floor(r() * 3_600_000);
    if (made % 50_000 < n) progress(`[ccusage] writing transcripts: ${made.toLocaleString('en-US')} lines`);
  }
  progressDone();
  return expected;
}

// ---------------------------------------------------------------- the commands

/** `tokj import --from claude-code` and `tokj report --format json` of the snapshot's bin. */
function tokjCommands(cli) {
  return {
    importArgv: (projects, journal) => [cli.bin, 'import', '--from', 'claude-code', projects, '--dir', journal, '--json'],
    reportArgv: (journal) => [cli.bin, 'report', '--format', 'json', '--dir', journal],
    via: ['import: bin/tokj.cjs import --from claude-code', 'report: bin/tokj.cjs report --format json'],
  };
}

/**
 * Installs ccusage through npx (once, outside the timings) and finds the native binary its
 * launcher runs. null when the registry cannot be reached.
 */
function prepareCcusage(env) {
  const r = spawnSync('npx', ['-y', CCUSAGE, '--version'], { env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { error: `\`npx -y ${CCUSAGE} --version\` failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  const cache = path.join(env.npm_config_cache || path.join(os.homedir(), '.npm'), '_npx');
  let native = null;
  for (const dir of existsSync(cache) ? readdirSync(cache) : []) {
    const pkg = path.join(cache, dir, 'node_modules', 'ccusage', 'package.json');
    if (!existsSync(pkg) || JSON.parse(readFileSync(pkg, 'utf8')).version !== CCUSAGE.split('@')[1]) continue;
    const scope = path.join(cache, dir, 'node_modules', '@ccusage');
    for (const p of existsSync(scope) ? readdirSync(scope) : []) {
      const bin = path.join(scope, p, 'bin', process.platform === 'win32' ? 'ccusage.exe' : 'ccusage');
      if (p.includes(process.platform) && p.includes(process.arch) && existsSync(bin)) native = bin;
    }
  }
  return { version: r.stdout.trim(), native };
}

/** ccusage's daily JSON summed over days: its totals object, or the days added up. */
function ccusageTotals(stdout) {
  const data = JSON.parse(stdout);
  const t = data.totals ?? {};
  const days = data.daily ?? data.data ?? [];
  const sum = (k) => days.reduce((s, d) => s + (d[k] ?? 0), 0);
  const pick = (k) => t[k] ?? sum(k);
  return { inputTokens: pick('inputTokens'), outputTokens: pick('outputTokens'), cacheReadTokens: pick('cacheReadTokens'), cacheCreationTokens: pick('cacheCreationTokens'), totalCost: pick('totalCost'), days: days.length };
}

// ---------------------------------------------------------------- the benchmark

/**
 * options: { log, lines, rounds, warmup, tree } — each defaults to its environment variable
 * (BENCH_CC_LINES, BENCH_CC_ROUNDS, BENCH_CC_WARMUP, BENCH_CC_TREE), then to 1M, 3, 1, a temp dir.
 */
export async function benchCcusage(options = {}) {
  const log = options.log ?? console.log;
  const lines = options.lines ?? envInt('BENCH_CC_LINES', 1_000_000);
  const rounds = options.rounds ?? envInt('BENCH_CC_ROUNDS', 3);
  const warmup = options.warmup ?? envInt('BENCH_CC_WARMUP', 1);
  const build = describeBuild();
  const cli = snapshotCli();
  const work = tmpDir('tokj-bench-ccusage-');
  const keepTree = options.tree ?? process.env.BENCH_CC_TREE;
  const tree = keepTree ? path.resolve(keepTree) : path.join(work, 'claude');
  const projects = path.join(tree, 'projects');
  // ccusage also reads ~/.claude and ~/.config/claude: give it (and tokj) an empty home.
  const home = path.join(work, 'home');
  mkdirSync(home, { recursive: true });
  const npmCache = process.env.npm_config_cache || path.join(os.homedir(), '.npm');
  const env = cleanEnv({ TZ: 'UTC', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), CLAUDE_CONFIG_DIR: tree, npm_config_cache: npmCache, npm_config_update_notifier: 'false' });
  try {
    log(`ccusage benchmark: ${lines.toLocaleString('en-US')} Claude Code lines, ${rounds} rounds (+${warmup} warm-up), build ${build.commit}${build.src_dirty ? ' + uncommitted src edits' : ''}, node ${build.node}, ${build.cpus} cpus, load ${build.loadavg.join(' ')}`);
    const t0 = performance.now();
    let expected;
    const marker = path.join(tree, `.bench-${lines}.json`);
    if (keepTree && existsSync(marker)) expected = JSON.parse(readFileSync(marker, 'utf8'));
    else {
      rmSync(projects, { recursive: true, force: true });
      expected = writeClaudeTree(tree, { lines });
      if (keepTree) writeFileSync(marker, JSON.stringify(expected));
    }
    log(`transcripts: ${expected.lines.toLocaleString('en-US')} lines, ${expected.files.toLocaleString('en-US')} files, ${expected.sessions.toLocaleString('en-US')} sessions, ${expected.calls.toLocaleString('en-US')} API responses, ${(expected.bytes / 1048576).toFixed(0)} MiB${keepTree && existsSync(marker) ? ` (in ${tree})` : ''}, ready in ${fmtMs(performance.now() - t0)}`);

    const cc = prepareCcusage(env);
    if (cc.error) log(`ccusage: SKIPPED, cannot install it: ${cc.error}`);
    else log(`ccusage ${cc.version}: npx launcher${cc.native ? ` and native binary ${cc.native}` : ' (native binary not found in the npx cache)'}`);
    const commands = tokjCommands(cli);
    for (const v of commands.via) log(v);

    const checks = [];
    const check = (what, actual, want) => checks.push({ what, actual, expected: want, ok: actual === want });
    const phases = { import: [], report: [] };
    // Each round imports into a new folder; all are removed at the end. Removing thousands
    // of session files just before the next import would time the file system instead:
    // ext4 avoids reusing inodes freed seconds ago, and creating files right after a big
    // delete costs up to a millisecond each (measured: 2,000 files 75 ms -> 560 ms).
    const runTokj = (round) => {
      const journal = path.join(work, `journal-${round}`, '.ai_workflow');
      mkdirSync(path.dirname(journal), { recursive: true });
      const imp = timed(process.execPath, commands.importArgv(projects, journal), { env, cwd: path.dirname(journal), timeoutMs: 3_600_000 });
      if (!ok(imp)) return { ok: false, ms: imp.ms, failure: `import: ${describeFailure(imp)}` };
      let ms = imp.ms;
      let rep = null;
      if (commands.reportArgv) {
        rep = timed(process.execPath, commands.reportArgv(journal), { env, cwd: path.dirname(journal), timeoutMs: 3_600_000 });
        if (!ok(rep)) return { ok: false, ms: imp.ms + rep.ms, failure: `report: ${describeFailure(rep)}` };
        ms += rep.ms;
      }
      if (round >= warmup) {
        phases.import.push(imp.ms);
        if (rep) phases.report.push(rep.ms);
      }
      if (!checks.some((c) => c.what.startsWith('tokj'))) {
        const summary = JSON.parse(imp.stdout.trim().split('\n').at(-1));
        check('tokj import: calls imported', summary.imported, expected.calls);
        check('tokj import: sessions', summary.sessions, expected.sessions);
        if (rep) {
          const s = JSON.parse(rep.stdout).summary ?? {};
          for (const [k, want] of [['calls', expected.calls], ['input_tokens', expected.input_tokens], ['output_tokens', expected.output_tokens], ['cache_read_tokens', expected.cache_read_tokens], ['cache_write_tokens', expected.cache_write_tokens]]) check(`tokj report: summary.${k}`, s[k], want);
        }
      }
      return { ms };
    };
    const ccArgs = ['daily', '--offline', '--json'];
    const runCc = (how) => {
      const r = how === NPX ? timed('npx', ['-y', CCUSAGE, ...ccArgs], { env, timeoutMs: 3_600_000 }) : timed(cc.native, ccArgs, { env, timeoutMs: 3_600_000 });
      if (!ok(r)) return { ok: false, ms: r.ms, failure: describeFailure(r) };
      if (!checks.some((c) => c.what.startsWith(`${how}:`))) {
        const t = ccusageTotals(r.stdout);
        check(`${how}: inputTokens (uncached)`, t.inputTokens, expected.raw_input_tokens);
        check(`${how}: outputTokens`, t.outputTokens, expected.output_tokens);
        check(`${how}: cacheReadTokens`, t.cacheReadTokens, expected.cache_read_tokens);
        check(`${how}: cacheCreationTokens`, t.cacheCreationTokens, expected.cache_write_tokens);
      }
      return { ms: r.ms };
    };
    const cases = [TOKJ, ...(cc.error ? [] : [NPX, ...(cc.native ? [NATIVE] : [])])];
    const { samples, failures, perRound } = interleave(cases, {
      rounds,
      warmup,
      run: (name, round) => (name === TOKJ ? runTokj(round) : runCc(name)),
      onRound: (i, n) => progress(`[ccusage] round ${i + 1}/${n}`),
    });
    progressDone();

    const stats = Object.fromEntries(cases.map((c) => [c, summarize(samples[c])]));
    const ccCases = cases.filter((c) => c !== TOKJ && samples[c].length > 0);
    const fastest = ccCases.reduce((best, c) => (best === null || stats[c].median < stats[best].median ? c : best), null);
    const ratio = fastest ? stats[TOKJ].median / stats[fastest].median : null;
    log('');
    log(
      table(
        ['case', 'median', 'p10', 'p90', fastest ? `x ${fastest === NATIVE ? 'native' : 'npx'}` : 'x'],
        cases.map((c) => [c, fmtMs(stats[c].median), fmtMs(stats[c].p10), fmtMs(stats[c].p90), fastest ? fmtX(stats[c].median / stats[fastest].median) : '-']),
      ),
    );
    log(`tokj phases (medians): import ${fmtMs(median(phases.import))}${phases.report.length ? `, report ${fmtMs(median(phases.report))}` : ''}`);
    if (fastest) log(`paired ratio tokj / ${fastest} (median of per-round ratios): ${fmtX(pairedRatio(perRound, TOKJ, fastest))}`);
    for (const c of checks.filter((x) => !x.ok)) log(`  FAIL  ${c.what}: got ${JSON.stringify(c.actual)}, expected ${JSON.stringify(c.expected)}`);
    for (const c of cases) for (const f of failures[c]) log(`  FAIL  ${c} in round ${f.round}: ${f.failure}`);
    const pass = ratio !== null && ratio < 1 && failures[TOKJ].length === 0 && checks.every((c) => c.ok);
    log(
      ratio === null
        ? `SKIP  no ccusage to compare with (${cc.error ?? 'every ccusage run failed'})`
        : `${pass ? 'PASS' : 'FAIL'}  tokj import + report < ccusage daily (${fmtX(ratio)} of ${fastest}), totals ${checks.filter((c) => c.ok).length}/${checks.length} checks`,
    );
    const out = {
      benchmark: 'ccusage',
      at: new Date().toISOString(),
      build,
      via: commands.via,
      ccusage: cc,
      config: { lines, rounds, warmup },
      fixture: expected,
      stats_ms: stats,
      phases_ms: { import: summarize(phases.import), report: summarize(phases.report) },
      ratio,
      compared_with: fastest,
      checks,
      samples_ms: samples,
      failures,
      pass,
    };
    const file = writeJsonOut('ccusage.json', out);
    log(`wrote ${path.relative(process.cwd(), file) || file}`);
    return out;
  } finally {
    removeDir(work);
    if (cli.dir) removeDir(cli.dir);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchCcusage();
