/**
 * What people and their agents do to a journal, as fast-check commands: each runs the real
 * binary (`node bin/tokj.cjs`, through test/helpers.ts) in host A's or host B's directory with
 * the model's clock in TOKJ_NOW, updates the model with what it did, and then has the whole
 * journal of A checked (test/model/checks.ts). A command's toString names what it did
 * concretely (which session, which note), so a shrunk counterexample reads as a recipe.
 *
 * Commands are generated before the run, so they pick their targets by index ("the k-th
 * active session of A") and resolve them against the model when they run.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import * as prettier from 'prettier';
import { repoRoot, snapshotFiles } from '../helpers.js';
import {
  HOST_LABEL,
  activeSessions,
  advance,
  allSessionIds,
  knownRequestIds,
  nextNumber,
  nowOn,
  ownSessions,
  peekNumber,
  type CallEntry,
  type Entry,
  type Host,
  type ProviderModel,
  type World,
  billOf,
  allCalls,
  journalOf,
} from './model.js';
import { blockBoundaries, toolBlockEnds } from './read.js';
import { verifyAfterStep } from './checks.js';
import { runAndKill, type KillResult } from '../torture/support.js';
import { CommandFailed, ledgerLinesOf, markdownFiles, mustSucceed, rootOf, tokjOn, type Real } from './real.js';

// ---------------------------------------------------------------------------------------
// Values people use

export const MODELS: Record<string, ProviderModel> = {
  gpt4o: { provider: 'openai', model: 'gpt-4o' },
  sonnet: { provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
  flash: { provider: 'gemini', model: 'gemini-2.5-flash' },
  /** No price anywhere: recorded as unpriced (cost null, "n/a"). */
  unpriced: { provider: 'acme', model: 'house-model-7' },
};
const modelArb = fc.constantFrom(...Object.values(MODELS));

/** Notes an agent really passes along, hostile ones included (README "Hostile text"). */
export const NOTES = [
  'retry after parse error',
  'a | b || c',
  'line one\nline two\r\nline three',
  '<script>alert(1)</script>',
  '`code` and ``double``',
  '[x](javascript:alert(1))',
  '*stars* and **bold**',
  'ends with a backslash \\',
  '😀 👩‍👩‍👧‍👦 emoji',
  'שלום עולם مرحبا \u202Eevil\u202C',
];
const noteArb = fc.constantFrom(...NOTES);

/** Provider payloads from test/fixtures/responses and what expected.tsv says they hold. */
interface Fixture {
  file: string;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}
const FIXTURE_DIR = path.join(repoRoot, 'test/fixtures/responses');
const FIXTURE_FILES = [
  'openai-chat-basic.json',
  'openai-chat-stream-include-usage.sse',
  'openai-responses-cached-reasoning.json',
  'anthropic-messages-basic.json',
  'anthropic-stream-cache-code-execution.sse',
  'gemini-generate-content.json',
  'deepseek-chat-cache-hit.json',
  'openai-embeddings.json',
];
const FIXTURES: Fixture[] = (() => {
  const rows = readFileSync(path.join(FIXTURE_DIR, 'expected.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  return FIXTURE_FILES.map((file) => {
    const r = rows.find((row) => row[0] === file);
    if (!r) throw new Error(`${file} is not in expected.tsv`);
    const [, model, input, output, cacheRead, cacheWrite, reasoning] = r;
    return { file, model: model!, input: Number(input), output: Number(output), cacheRead: Number(cacheRead), cacheWrite: Number(cacheWrite), reasoning: Number(reasoning) };
  });
})();

const lastJsonLine = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as Record<string, unknown>;

/** A value present `percent`% of the time, else null (shrinking towards null). */
function sometimes<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: 100 - percent }, { arbitrary: arb, weight: percent });
}

const short = (s: string): string => JSON.stringify(s.length > 24 ? `${s.slice(0, 22)}…` : s);
const letter = (host: Host): string => (host === 'A' ? 'a' : 'b');

/**
 * Exploration knobs (not for CI): TOKJ_MODEL_WITHOUT=op,op leaves operations out of the
 * generated sequences, so a long run can look past a failure that is already known.
 */
const without = new Set((process.env.TOKJ_MODEL_WITHOUT ?? '').split(',').map((s) => s.trim()).filter(Boolean));

// ---------------------------------------------------------------------------------------
// The command base: advance the clock, act, check

abstract class Step implements fc.AsyncCommand<World, Real> {
  /** Filled in when the command runs: what it resolved to (for toString). */
  protected did = '';
  /** Whether this step can change A's journal (if not, A is not checked again). */
  abstract readonly onA: boolean;

  constructor(readonly seconds: number) {}

  abstract check(w: Readonly<World>): boolean;
  protected abstract act(w: World, real: Real): Promise<void>;
  protected abstract describe(): string;

  async run(w: World, real: Real): Promise<void> {
    advance(w, this.seconds);
    this.did = '';
    try {
      await this.act(w, real);
    } finally {
      real.log.push(this.toString());
    }
    if (this.onA) await verifyAfterStep(w, real, this.toString());
  }

  toString(): string {
    return `+${this.seconds}s ${this.describe()}${this.did ? ` [${this.did}]` : ''}`;
  }
}

/** A tokj command that ran a journal transaction on A: A's views and state are current again. */
function caughtUp(w: World, host: Host): void {
  if (host !== 'A') return;
  w.viewsBehind = false;
  w.stateMissing = false;
}

/**
 * The host a command acts on: the one it was generated for if that has something to act on,
 * else the other (a step generated for a host without sessions would otherwise be skipped).
 */
function hostWith(w: World, prefer: Host, has: (host: Host) => boolean): Host | null {
  const other: Host = prefer === 'A' ? 'B' : 'A';
  return has(prefer) ? prefer : has(other) ? other : null;
}

const hasActive = (w: World) => (host: Host): boolean => activeSessions(w, host).length > 0;

// ---------------------------------------------------------------------------------------
// init

class Init extends Step {
  constructor(
    readonly host: Host,
    readonly explicitId: boolean,
    readonly pm: ProviderModel | null,
    seconds: number,
  ) {
    super(seconds);
  }
  get onA(): boolean {
    return this.host === 'A';
  }
  check(w: Readonly<World>): boolean {
    // A generated id derives from TOKJ_NOW: two hosts must not generate at the same instant.
    return this.explicitId || !w.generatedStamps.includes(nowOn(w as World, this.host, this.seconds));
  }
  protected describe(): string {
    const model = this.explicitId && this.pm ? ` ${this.pm.provider} ${this.pm.model}` : ' (no default model)';
    return `init on ${this.host}${this.explicitId ? '' : ' (generated id)'}${model}`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    const now = nowOn(w, this.host);
    // A generated id cannot come with a provider and model (they are positional after it).
    const pm = this.explicitId ? this.pm : null;
    const id = this.explicitId ? `${letter(this.host)}-${peekNumber(w, `session-${this.host}`)}` : null;
    const args = ['init', ...(id ? [id] : []), ...(pm ? [pm.provider, pm.model] : []), '-q'];
    const r = await tokjOn(real, this.host, now, args);
    mustSucceed(r, `tokj ${args.join(' ')}`);
    const printed = r.stdout.trim().split('\n').at(-1) ?? '';
    if (id) {
      nextNumber(w, `session-${this.host}`);
      if (printed !== id) throw new CommandFailed(`tokj init ${id} printed ${JSON.stringify(printed)}`);
    } else {
      w.generatedStamps.push(now);
      if (!/^session_\d{8}_\d{6}_[0-9a-f]{6}$/.test(printed)) throw new CommandFailed(`tokj init printed ${JSON.stringify(printed)}, not a generated id`);
      if (allSessionIds(w).has(printed)) throw new CommandFailed(`tokj init generated ${printed}, an id already in use`);
    }
    this.did = printed;
    w.ledger[this.host].push({ kind: 'start', host: this.host, session: printed, timestamp: now, provider: pm?.provider ?? null, model: pm?.model ?? null });
    w.journalExists[this.host] = true;
    caughtUp(w, this.host);
  }
}

const initArb = fc
  .record({ host: fc.constantFrom<Host>('A', 'B'), explicitId: fc.boolean(), pm: sometimes(modelArb, 85), seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new Init(v.host, v.explicitId, v.pm, v.seconds));

// ---------------------------------------------------------------------------------------
// record

interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

const tokensArb = fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 3_000_000 }));

/** Token counts with the parts inside their wholes (cache reads and writes in input, reasoning in output). */
const usageArb: fc.Arbitrary<Usage> = fc
  .record({ input: tokensArb, output: tokensArb, cacheRead: sometimes(tokensArb, 40), cacheWrite: sometimes(tokensArb, 15), reasoning: sometimes(tokensArb, 30) })
  .map((u) => {
    const cacheRead = Math.min(u.cacheRead ?? 0, u.input);
    return { input: u.input, output: u.output, cacheRead, cacheWrite: Math.min(u.cacheWrite ?? 0, u.input - cacheRead), reasoning: Math.min(u.reasoning ?? 0, u.output) };
  });

function usageFlags(u: Usage): string[] {
  return [...(u.cacheRead ? ['--cache-read', String(u.cacheRead)] : []), ...(u.cacheWrite ? ['--cache-write', String(u.cacheWrite)] : []), ...(u.reasoning ? ['--reasoning', String(u.reasoning)] : [])];
}

interface RecordSpec {
  usage: Usage;
  /** Another provider/model than the session's, as positional arguments or as flags. */
  override: { pm: ProviderModel; as: 'positional' | 'flags' } | null;
  note: string | null;
  attempt: string | null;
  /** --session, or TOKJ_SESSION in the environment. */
  via: 'flag' | 'env';
}

const recordSpecArb: fc.Arbitrary<RecordSpec> = fc.record({
  usage: usageArb,
  override: sometimes(fc.record({ pm: modelArb, as: fc.constantFrom<'positional' | 'flags'>('positional', 'flags') }), 30),
  note: sometimes(noteArb, 50),
  attempt: sometimes(fc.constantFrom('1/3', '2/2'), 15),
  via: fc.constantFrom<'flag' | 'env'>('flag', 'env'),
});

/** The arguments of one `tokj record` and the call the model expects from it. */
function recordCall(w: World, host: Host, session: { id: string; provider: string | null; model: string | null }, spec: RecordSpec, requestId: string, now: string): { args: string[]; env: Record<string, string>; call: CallEntry } {
  // A session without a default model needs one on every record.
  const override = spec.override ?? (session.provider && session.model ? null : { pm: MODELS.gpt4o!, as: 'flags' as const });
  const pm = override?.pm ?? { provider: session.provider!, model: session.model! };
  const u = spec.usage;
  const args = ['record', String(u.input), String(u.output)];
  if (override?.as === 'positional') args.push(pm.provider, pm.model);
  if (override?.as === 'flags') args.push('--provider', pm.provider, '--model', pm.model);
  args.push(...usageFlags(u), '--request-id', requestId, '--json');
  if (spec.note !== null) args.push('--note', spec.note);
  if (spec.attempt !== null) args.push('--attempt', spec.attempt);
  const env: Record<string, string> = {};
  if (spec.via === 'flag') args.push('--session', session.id);
  else env.TOKJ_SESSION = session.id;
  const call: CallEntry = { kind: 'call', host, session: session.id, timestamp: now, ...pm, ...u, note: spec.note, attempt: spec.attempt, requestId, cost: null };
  return { args, env, call };
}

function describeRecord(spec: RecordSpec): string {
  const u = spec.usage;
  const parts = [`${u.input}/${u.output}`];
  if (u.cacheRead) parts.push(`cache-read ${u.cacheRead}`);
  if (u.cacheWrite) parts.push(`cache-write ${u.cacheWrite}`);
  if (u.reasoning) parts.push(`reasoning ${u.reasoning}`);
  if (spec.override) parts.push(`${spec.override.pm.provider}/${spec.override.pm.model} (${spec.override.as})`);
  if (spec.note !== null) parts.push(`note ${short(spec.note)}`);
  if (spec.attempt !== null) parts.push(`attempt ${spec.attempt}`);
  if (spec.via === 'env') parts.push('via TOKJ_SESSION');
  return parts.join(', ');
}

class RecordStep extends Step {
  /** The host it acted on (see hostWith). */
  private host: Host;
  constructor(
    readonly prefer: Host,
    readonly pick: number,
    readonly spec: RecordSpec,
    seconds: number,
  ) {
    super(seconds);
    this.host = prefer;
  }
  get onA(): boolean {
    return this.host === 'A';
  }
  check(w: Readonly<World>): boolean {
    return hostWith(w as World, this.prefer, hasActive(w as World)) !== null;
  }
  protected describe(): string {
    return `record on ${this.host} ${describeRecord(this.spec)}`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    this.host = hostWith(w, this.prefer, hasActive(w))!;
    const active = activeSessions(w, this.host);
    const session = active[this.pick % active.length]!;
    const now = nowOn(w, this.host);
    const rid = `rec-${letter(this.host)}${nextNumber(w, 'request')}`;
    const { args, env, call } = recordCall(w, this.host, session, this.spec, rid, now);
    this.did = `${session.id}, ${rid}`;
    const r = await tokjOn(real, this.host, now, args, { env });
    mustSucceed(r, `tokj ${args.join(' ')}`);
    call.cost = lastJsonLine(r.stdout).cost_usd as string | null;
    w.ledger[this.host].push(call);
    caughtUp(w, this.host);
  }
}

const recordArb = fc
  .record({ host: fc.constantFrom<Host>('A', 'A', 'B'), pick: fc.nat(7), spec: recordSpecArb, seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new RecordStep(v.host, v.pick, v.spec, v.seconds));

// ---------------------------------------------------------------------------------------
// auto-collect of a provider payload

class AutoCollect extends Step {
  /** The host it acted on (see hostWith). */
  private host: Host;
  constructor(
    readonly prefer: Host,
    readonly pick: number,
    readonly fixture: Fixture,
    seconds: number,
  ) {
    super(seconds);
    this.host = prefer;
  }
  get onA(): boolean {
    return this.host === 'A';
  }
  check(w: Readonly<World>): boolean {
    return hostWith(w as World, this.prefer, hasActive(w as World)) !== null;
  }
  protected describe(): string {
    return `auto-collect on ${this.host} of ${this.fixture.file}`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    this.host = hostWith(w, this.prefer, hasActive(w))!;
    const active = activeSessions(w, this.host);
    const session = active[this.pick % active.length]!;
    const now = nowOn(w, this.host);
    const f = this.fixture;
    // The payload's request id is recorded once per journal: a second collect records nothing.
    const rid = w.fixtureRequestIds[f.file];
    const duplicate = typeof rid === 'string' && knownRequestIds(w, this.host).has(rid);
    this.did = `${session.id}${duplicate ? `, already holds ${rid}` : ''}`;
    const args = ['auto-collect', '--session', session.id, '--json'];
    const r = await tokjOn(real, this.host, now, args, { input: readFileSync(path.join(FIXTURE_DIR, f.file), 'utf8') });
    mustSucceed(r, `tokj ${args.join(' ')} < ${f.file}`);
    const printed = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    if (printed.length !== (duplicate ? 0 : 1)) throw new CommandFailed(`auto-collect of ${f.file} into ${session.id} recorded ${printed.length} call(s); expected ${duplicate ? `none (request id ${rid} is in the journal)` : 'one'}\n  stdout: ${r.stdout}\n  stderr: ${r.stderr}`);
    for (const p of printed) {
      const got = { model: p.model, input: p.input_tokens, output: p.output_tokens, cacheRead: p.cache_read_tokens, cacheWrite: p.cache_write_tokens, reasoning: p.reasoning_tokens };
      const want = { model: f.model, input: f.input, output: f.output, cacheRead: f.cacheRead, cacheWrite: f.cacheWrite, reasoning: f.reasoning };
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new CommandFailed(`auto-collect of ${f.file} recorded ${JSON.stringify(got)}; expected.tsv says ${JSON.stringify(want)}`);
      w.fixtureRequestIds[f.file] = p.request_id as string | null;
      w.ledger[this.host].push({ kind: 'call', host: this.host, session: session.id, timestamp: now, provider: p.provider as string, model: f.model, input: f.input, output: f.output, cacheRead: f.cacheRead, cacheWrite: f.cacheWrite, reasoning: f.reasoning, note: null, attempt: null, requestId: p.request_id as string | null, cost: p.cost_usd as string | null, bill: billOf(p) });
    }
    caughtUp(w, this.host);
  }
}

const autoCollectArb = fc
  .record({ host: fc.constantFrom<Host>('A', 'A', 'B'), pick: fc.nat(7), fixture: fc.constantFrom(...FIXTURES), seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new AutoCollect(v.host, v.pick, v.fixture, v.seconds));

// ---------------------------------------------------------------------------------------
// import of a JSON Lines file

interface ImportLine {
  /** How long before now the call happened (a backfill). */
  secondsAgo: number;
  pm: ProviderModel;
  input: number;
  output: number;
  note: string | null;
  /** A cost given in the file is kept as recorded (README, import). */
  cost: string | null;
}

const importLineArb: fc.Arbitrary<ImportLine> = fc.record({
  secondsAgo: fc.integer({ min: 0, max: 7200 }),
  pm: modelArb,
  input: tokensArb,
  output: tokensArb,
  note: sometimes(noteArb, 30),
  cost: sometimes(fc.constantFrom('0.0123', '0', '1.5', '0.00000042'), 30),
});

class Import extends Step {
  /** The host it acted on (see hostWith). */
  private host: Host;
  constructor(
    readonly prefer: Host,
    readonly intoExisting: boolean,
    readonly pick: number,
    readonly lines: ImportLine[],
    seconds: number,
    /**
     * New sessions the lines go into, round-robin (a backfill). From PACK_FROM (16) closed
     * sessions in one import on, their states are packed into hash buckets.
     */
    readonly spread = 1,
  ) {
    super(seconds);
    this.host = prefer;
  }
  get onA(): boolean {
    return this.host === 'A';
  }
  check(w: Readonly<World>): boolean {
    return !this.intoExisting || hostWith(w as World, this.prefer, (h) => ownSessions(w as World, h).length > 0) !== null;
  }
  protected describe(): string {
    const lines = this.lines.map((l) => `${l.pm.model} ${l.input}/${l.output} ${l.secondsAgo}s ago${l.cost !== null ? ` cost ${l.cost}` : ''}${l.note !== null ? ` note ${short(l.note)}` : ''}`);
    const into = this.intoExisting ? 'an existing session' : this.spread > 1 ? `${this.spread} new sessions` : 'a new session';
    return `import on ${this.host} into ${into}: ${lines.join('; ')}`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    if (this.intoExisting) this.host = hostWith(w, this.prefer, (h) => ownSessions(w, h).length > 0)!;
    const own = ownSessions(w, this.host);
    const sessions = this.intoExisting ? [own[this.pick % own.length]!.id] : Array.from({ length: this.spread }, () => `${letter(this.host)}-imp-${nextNumber(w, `import-session-${this.host}`)}`);
    const file = `import-${nextNumber(w, 'import-file')}.jsonl`;
    const now = nowOn(w, this.host);
    const calls: CallEntry[] = this.lines.map((l, i) => ({
      kind: 'call',
      host: this.host,
      session: sessions[i % sessions.length]!,
      timestamp: nowOn(w, this.host, -l.secondsAgo),
      ...l.pm,
      input: l.input,
      output: l.output,
      cacheRead: 0,
      cacheWrite: 0,
      reasoning: 0,
      note: l.note,
      attempt: null,
      requestId: `imp-${letter(this.host)}${nextNumber(w, 'request')}`,
      cost: l.cost,
    }));
    const text = calls.map((c, i) =>
      JSON.stringify({ session: c.session, timestamp: c.timestamp, provider: c.provider, model: c.model, input_tokens: c.input, output_tokens: c.output, ...(c.note !== null ? { note: c.note } : {}), request_id: c.requestId, ...(this.lines[i]!.cost !== null ? { cost_usd: this.lines[i]!.cost } : {}) }),
    );
    mkdirSync(real.cwd[this.host], { recursive: true });
    writeFileSync(path.join(real.cwd[this.host], file), `${text.join('\n')}\n`);
    this.did = `${sessions.join(', ')} from ${file}`;
    const r = await tokjOn(real, this.host, now, ['import', file, '--json']);
    mustSucceed(r, `tokj import ${file}`);
    const summary = lastJsonLine(r.stdout);
    if (summary.imported !== calls.length) throw new CommandFailed(`tokj import ${file} imported ${String(summary.imported)} of ${calls.length} calls: ${r.stdout}`);
    // Costs the file did not give were priced by the product: read them from the ledger lines.
    const lines = ledgerLinesOf(real, this.host, this.host);
    for (const c of calls) {
      if (c.cost !== null) continue;
      const line = lines.find((l) => l.request_id === c.requestId);
      if (!line) throw new CommandFailed(`tokj import ${file} exited 0 but the ledger has no line with request id ${c.requestId}`);
      c.cost = line.cost_usd as string | null;
    }
    // Ledger order of an import: the new sessions' starts, then each session's calls in file
    // order (sessions in order of their first line), then their ends.
    const entries: Entry[] = [];
    const bySession = sessions.map((session) => calls.filter((c) => c.session === session)).filter((cs) => cs.length > 0);
    if (!this.intoExisting) {
      for (const cs of bySession) {
        const first = cs.reduce((a, b) => (a.timestamp <= b.timestamp ? a : b));
        entries.push({ kind: 'start', host: this.host, session: first.session, timestamp: first.timestamp, provider: first.provider, model: first.model });
      }
    }
    for (const cs of bySession) entries.push(...cs);
    if (!this.intoExisting) {
      for (const cs of bySession) {
        const last = cs.reduce((a, b) => (a.timestamp >= b.timestamp ? a : b));
        entries.push({ kind: 'end', host: this.host, session: last.session, timestamp: last.timestamp, status: 'completed', notes: `imported from ${file}`, errors: [] });
      }
    }
    w.ledger[this.host].push(...entries);
    w.journalExists[this.host] = true;
    caughtUp(w, this.host);
  }
}

const importArb = fc
  .record({ host: fc.constantFrom<Host>('A', 'A', 'B'), intoExisting: fc.boolean(), pick: fc.nat(7), lines: fc.array(importLineArb, { minLength: 1, maxLength: 3 }), seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new Import(v.host, v.intoExisting, v.pick, v.lines, v.seconds));

/** A backfill of 16 to 18 one-call sessions: enough closed sessions for their states to be packed. */
const backfillArb = fc
  .record({ host: fc.constantFrom<Host>('A', 'A', 'B'), lines: fc.array(importLineArb, { minLength: 16, maxLength: 18 }), seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new Import(v.host, false, 0, v.lines, v.seconds, v.lines.length));

// ---------------------------------------------------------------------------------------
// finalize

class Finalize extends Step {
  /** The host it acted on (see hostWith). */
  private host: Host;
  constructor(
    readonly prefer: Host,
    readonly pick: number,
    readonly failed: boolean,
    readonly notes: string | null,
    readonly errors: string[],
    seconds: number,
  ) {
    super(seconds);
    this.host = prefer;
  }
  get onA(): boolean {
    return this.host === 'A';
  }
  check(w: Readonly<World>): boolean {
    return hostWith(w as World, this.prefer, hasActive(w as World)) !== null;
  }
  protected describe(): string {
    return `finalize on ${this.host}${this.failed ? ` --status failed ${this.errors.map((e) => `--error ${short(e)}`).join(' ')}` : ''}${this.notes !== null ? ` notes ${short(this.notes)}` : ''}`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    this.host = hostWith(w, this.prefer, hasActive(w))!;
    const active = activeSessions(w, this.host);
    const session = active[this.pick % active.length]!;
    const now = nowOn(w, this.host);
    const errors = this.failed ? this.errors : [];
    const args = ['finalize', ...(this.notes !== null ? [this.notes] : []), '--session', session.id, ...(this.failed ? ['--status', 'failed', ...errors.flatMap((e) => ['--error', e])] : [])];
    this.did = session.id;
    const r = await tokjOn(real, this.host, now, args);
    mustSucceed(r, `tokj finalize --session ${session.id}`);
    w.ledger[this.host].push({ kind: 'end', host: this.host, session: session.id, timestamp: now, status: this.failed ? 'failed' : 'completed', notes: this.notes, errors });
    caughtUp(w, this.host);
  }
}

const finalizeArb = fc
  .record({ host: fc.constantFrom<Host>('A', 'A', 'B'), pick: fc.nat(7), failed: fc.boolean(), notes: sometimes(fc.constantFrom('Completed successfully', ...NOTES), 60), errors: fc.array(noteArb, { minLength: 1, maxLength: 2 }), seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new Finalize(v.host, v.pick, v.failed, v.notes, v.errors, v.seconds));

// ---------------------------------------------------------------------------------------
// Maintenance on A: rebuild, doctor --fix, deleting the derived state

class Maintenance extends Step {
  readonly onA = true;
  constructor(
    readonly what: 'rebuild' | 'doctor --fix' | 'rm -rf .state',
    seconds: number,
  ) {
    super(seconds);
  }
  check(w: Readonly<World>): boolean {
    return w.journalExists.A;
  }
  protected describe(): string {
    return `${this.what} on A`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    if (this.what === 'rm -rf .state') {
      rmSync(path.join(rootOf(real, 'A'), 'monitoring', '.state'), { recursive: true, force: true });
      w.stateMissing = true;
      return;
    }
    const args = this.what === 'rebuild' ? ['rebuild'] : ['doctor', '--fix'];
    mustSucceed(await tokjOn(real, 'A', nowOn(w, 'A'), args), `tokj ${this.what}`);
    caughtUp(w, 'A');
  }
}

const MAINTENANCE: Array<{ what: Maintenance['what']; knob: string }> = [
  { what: 'rebuild', knob: 'rebuild' },
  { what: 'doctor --fix', knob: 'doctor-fix' },
  { what: 'rm -rf .state', knob: 'rm-state' },
];
const maintenanceKinds = MAINTENANCE.filter((m) => !without.has(m.knob)).map((m) => m.what);
const maintenanceArb =
  maintenanceKinds.length === 0 ? null : fc.record({ what: fc.constantFrom(...maintenanceKinds), seconds: fc.integer({ min: 1, max: 120 }) }).map((v) => new Maintenance(v.what, v.seconds));

// ---------------------------------------------------------------------------------------
// git pull: B's ledger segments arrive in A's ledger directory (not B's markdown)

class Pull extends Step {
  readonly onA = true;
  check(w: Readonly<World>): boolean {
    return w.journalExists.A && w.ledger.B.length > w.pulled;
  }
  protected describe(): string {
    return "pull B's ledger into A";
  }
  protected async act(w: World, real: Real): Promise<void> {
    const from = path.join(rootOf(real, 'B'), 'monitoring', 'ledger');
    const to = path.join(rootOf(real, 'A'), 'monitoring', 'ledger');
    const files = readdirSync(from).filter((f) => f.endsWith('.jsonl'));
    mkdirSync(to, { recursive: true });
    // git brings the newer version of B's files: each overwrites A's older copy.
    for (const f of files) cpSync(path.join(from, f), path.join(to, f));
    this.did = files.join(', ');
    w.pulled = w.ledger.B.length;
    w.viewsBehind = true;
  }
}

const pullArb = fc.integer({ min: 1, max: 120 }).map((s) => new Pull(s));

// ---------------------------------------------------------------------------------------
// A person's note in one of A's files

type Where = 'start' | 'end' | 'end-no-eol' | 'between' | 'under-block';

class PersonEdit extends Step {
  readonly onA = true;
  constructor(
    readonly fileKind: 'journal' | 'month-log' | 'session' | 'config' | 'readme',
    readonly where: Where,
    readonly pick: number,
    seconds: number,
  ) {
    super(seconds);
  }
  check(w: Readonly<World>): boolean {
    return w.journalExists.A;
  }
  protected describe(): string {
    return `a person writes a line into A's ${this.fileKind} file, ${this.where}`;
  }
  private file(real: Real): string {
    const root = rootOf(real, 'A');
    const sessionsDir = path.join(root, 'monitoring', 'sessions');
    const sessions = existsSync(sessionsDir) ? readdirSync(sessionsDir).filter((f) => f.endsWith('.md')).sort() : [];
    if (this.fileKind === 'session' && sessions.length > 0) return path.join('monitoring', 'sessions', sessions[this.pick % sessions.length]!);
    const logDir = path.join(root, 'work_journal', 'log');
    const months = existsSync(logDir) ? readdirSync(logDir).filter((f) => f.endsWith('.md')).sort() : [];
    if (this.fileKind === 'month-log' && months.length > 0) return path.join('work_journal', 'log', months[this.pick % months.length]!);
    if (this.fileKind === 'config') return path.join('monitoring', 'token_collection_config.md');
    if (this.fileKind === 'readme') return 'README.md';
    return path.join('work_journal', 'token_usage.md');
  }
  protected async act(w: World, real: Real): Promise<void> {
    const rel = this.file(real);
    const file = path.join(rootOf(real, 'A'), rel);
    if (!existsSync(file)) return;
    const marker = `person note ${nextNumber(w, 'marker')} kept`;
    const text = readFileSync(file, 'utf8');
    const { text: edited, where } = insertLine(text, marker, this.where, this.pick, rel.startsWith('monitoring/sessions') || rel.startsWith('work_journal'));
    writeFileSync(file, edited);
    this.did = `${rel}: "${marker}" ${where}`;
    w.markers.push({ file: rel, text: marker, where });
  }
}

/** Puts a line into a file the way a person would; says where it went. */
export function insertLine(text: string, line: string, where: Where, pick: number, hasToolBlocks: boolean): { text: string; where: string } {
  const withEol = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  switch (where) {
    case 'start':
      return { text: `${line}\n${text}`, where: 'at the start' };
    case 'end':
      // `echo "note" >> file`: no blank line before it.
      return { text: `${withEol}${line}\n`, where: 'at the end (echo >>)' };
    case 'end-no-eol':
      // An editor that leaves the last line without its newline.
      return { text: `${withEol}${line}`, where: 'at the end, no final newline' };
    case 'under-block': {
      const blocks = hasToolBlocks ? toolBlockEnds(text) : [];
      const b = blocks[pick % Math.max(1, blocks.length)];
      if (b) return { text: `${text.slice(0, b.end)}\n${line}${text.slice(b.end)}`, where: `directly under the ${b.name}` };
      return insertLine(text, line, 'between', pick, hasToolBlocks);
    }
    case 'between': {
      const bounds = blockBoundaries(text);
      const b = bounds[pick % Math.max(1, bounds.length)];
      if (!b) return insertLine(text, line, 'end', pick, hasToolBlocks);
      const after = text.slice(b.end);
      const gapAfter = after.startsWith('\n\n') ? '' : after.startsWith('\n') ? '\n' : '\n\n';
      return { text: `${text.slice(0, b.end)}\n\n${line}${gapAfter}${after}`, where: `between blocks, after the ${b.after}` };
    }
  }
}

const editFiles = (['journal', 'month-log', 'session', 'session', 'config', 'readme'] as const).filter((f) => !without.has(`edit-${f}`));
const editPlaces = (['start', 'end', 'end-no-eol', 'between', 'under-block'] as const).filter((w) => !without.has(w));
const editArb =
  editFiles.length === 0 || editPlaces.length === 0
    ? null
    : fc
        .record({ fileKind: fc.constantFrom(...editFiles), where: fc.constantFrom(...editPlaces), pick: fc.nat(20), seconds: fc.integer({ min: 1, max: 120 }) })
        .map((v) => new PersonEdit(v.fileKind, v.where, v.pick, v.seconds));

// ---------------------------------------------------------------------------------------
// prettier over every markdown file of A

class Prettier extends Step {
  readonly onA = true;
  check(w: Readonly<World>): boolean {
    return w.journalExists.A;
  }
  protected describe(): string {
    return "prettier over A's markdown";
  }
  protected async act(_w: World, real: Real): Promise<void> {
    const changed: string[] = [];
    for (const rel of markdownFiles(rootOf(real, 'A'))) {
      const file = path.join(rootOf(real, 'A'), rel);
      const text = readFileSync(file, 'utf8');
      const formatted = await prettier.format(text, { parser: 'markdown' });
      if (formatted !== text) {
        writeFileSync(file, formatted);
        changed.push(rel);
      }
    }
    this.did = `${changed.length} file(s) changed`;
  }
}

const prettierArb = fc.integer({ min: 1, max: 120 }).map((s) => new Prettier(s));

// ---------------------------------------------------------------------------------------
// kill -9 in the middle of a record on A, then one ordinary record

/** Spawns tokj on A and SIGKILLs it after delayMs unless it has finished. */
function spawnAndKill(real: Real, now: string, args: string[], delayMs: number): Promise<KillResult> {
  return runAndKill(real.cwd.A, args, delayMs, undefined, { TOKJ_HOST: HOST_LABEL.A, TOKJ_NOW: now, TZ: 'UTC' });
}

/** A killed process cannot release the journal lock: age it past proper-lockfile's 10 s stale time. */
function ageLeftoverLock(real: Real): boolean {
  const lock = path.join(rootOf(real, 'A'), 'monitoring', '.tokj.lock');
  if (!existsSync(lock)) return false;
  const old = new Date(Date.now() - 60_000);
  utimesSync(lock, old, old);
  return true;
}

/**
 * Takes the calls that landed in A's own ledger since the model last looked, in ledger order:
 * each must be one of `expected` (by request id), at most once; those in `required` must be there.
 */
function adoptLandedCalls(w: World, real: Real, expected: CallEntry[], required: Set<string>, what: string): string[] {
  const lines = ledgerLinesOf(real, 'A', 'A').slice(w.ledger.A.length);
  const seen: string[] = [];
  for (const line of lines) {
    const call = expected.find((c) => c.requestId === line.request_id);
    if (!call || line.type !== 'call' || seen.includes(call.requestId!)) throw new CommandFailed(`${what}: unexpected ledger line ${JSON.stringify(line).slice(0, 300)}`);
    seen.push(call.requestId!);
    // Concurrent writers at one TOKJ_NOW: the order between them is the ledger's.
    w.ledger.A.push({ ...call, cost: line.cost_usd as string | null });
  }
  const missing = [...required].filter((rid) => !seen.includes(rid));
  if (missing.length > 0) throw new CommandFailed(`${what}: no ledger line for ${missing.join(', ')} although the command exited 0`);
  return seen;
}

class KillMidRecord extends Step {
  readonly onA = true;
  constructor(
    readonly pick: number,
    readonly delayMs: number,
    readonly killed: RecordSpec,
    readonly next: RecordSpec,
    seconds: number,
  ) {
    super(seconds);
  }
  check(w: Readonly<World>): boolean {
    return activeSessions(w as World, 'A').length > 0;
  }
  protected describe(): string {
    return `kill -9 after ${this.delayMs} ms a record on A (${describeRecord(this.killed)}), then record (${describeRecord(this.next)})`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    const active = activeSessions(w, 'A');
    const session = active[this.pick % active.length]!;
    const killedNow = nowOn(w, 'A');
    const victim = recordCall(w, 'A', session, { ...this.killed, via: 'flag' }, `kill-${nextNumber(w, 'request')}`, killedNow);
    const k = await spawnAndKill(real, killedNow, victim.args, this.delayMs);
    const aged = ageLeftoverLock(real);
    this.did = `${session.id}: ${k.killed ? 'killed' : `finished (exit ${k.exitCode})`}${aged ? ', lock left behind' : ''}`;
    advance(w, 1);
    const nextNow = nowOn(w, 'A');
    const follower = recordCall(w, 'A', session, this.next, `rec-a${nextNumber(w, 'request')}`, nextNow);
    const r = await tokjOn(real, 'A', nextNow, follower.args, { env: follower.env });
    mustSucceed(r, `the record after a kill: tokj ${follower.args.join(' ')}`);
    const landed = adoptLandedCalls(w, real, [victim.call, follower.call], new Set([follower.call.requestId!]), 'kill -9 then record');
    this.did += `, ${landed.includes(victim.call.requestId!) ? 'its call landed' : 'its call did not land'}`;
    caughtUp(w, 'A');
  }
}

const killArb = fc
  .record({ pick: fc.nat(7), delayMs: fc.integer({ min: 0, max: 80 }), killed: recordSpecArb, next: recordSpecArb, seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new KillMidRecord(v.pick, v.delayMs, v.killed, v.next, v.seconds));

// ---------------------------------------------------------------------------------------
// two writers at once on A

class TwoWriters extends Step {
  readonly onA = true;
  constructor(
    readonly pick1: number,
    readonly pick2: number,
    readonly first: RecordSpec,
    readonly second: RecordSpec,
    seconds: number,
  ) {
    super(seconds);
  }
  check(w: Readonly<World>): boolean {
    return activeSessions(w as World, 'A').length > 0;
  }
  protected describe(): string {
    return `two records at once on A (${describeRecord(this.first)} | ${describeRecord(this.second)})`;
  }
  protected async act(w: World, real: Real): Promise<void> {
    const active = activeSessions(w, 'A');
    const s1 = active[this.pick1 % active.length]!;
    const s2 = active[this.pick2 % active.length]!;
    const now = nowOn(w, 'A');
    const one = recordCall(w, 'A', s1, this.first, `par-${nextNumber(w, 'request')}`, now);
    const two = recordCall(w, 'A', s2, this.second, `par-${nextNumber(w, 'request')}`, now);
    const [r1, r2] = await Promise.all([tokjOn(real, 'A', now, one.args, { env: one.env }), tokjOn(real, 'A', now, two.args, { env: two.env })]);
    mustSucceed(r1, `writer 1: tokj ${one.args.join(' ')}`);
    mustSucceed(r2, `writer 2: tokj ${two.args.join(' ')}`);
    const order = adoptLandedCalls(w, real, [one.call, two.call], new Set([one.call.requestId!, two.call.requestId!]), 'two writers');
    this.did = `${s1.id} and ${s2.id}, ledger order ${order.join(', ')}`;
    caughtUp(w, 'A');
  }
}

const twoWritersArb = fc
  .record({ pick1: fc.nat(7), pick2: fc.nat(7), first: recordSpecArb, second: recordSpecArb, seconds: fc.integer({ min: 1, max: 120 }) })
  .map((v) => new TwoWriters(v.pick1, v.pick2, v.first, v.second, v.seconds));

// ---------------------------------------------------------------------------------------
// The mix

/** Every operation, weighted so sequences start sessions, fill them, and disturb them. */
export function commandArbitraries(): Array<fc.Arbitrary<fc.AsyncCommand<World, Real>>> {
  const weighted: Array<{ name: string; arbitrary: fc.Arbitrary<fc.AsyncCommand<World, Real>> | null; weight: number }> = [
    { name: 'init', arbitrary: initArb, weight: 4 },
    { name: 'record', arbitrary: recordArb, weight: 8 },
    { name: 'auto-collect', arbitrary: autoCollectArb, weight: 2 },
    { name: 'import', arbitrary: importArb, weight: 2 },
    { name: 'backfill', arbitrary: backfillArb, weight: 1 },
    { name: 'finalize', arbitrary: finalizeArb, weight: 2 },
    { name: 'maintenance', arbitrary: maintenanceArb, weight: 3 },
    { name: 'pull', arbitrary: pullArb, weight: 3 },
    { name: 'edit', arbitrary: editArb, weight: 3 },
    { name: 'prettier', arbitrary: prettierArb, weight: 1 },
    { name: 'kill', arbitrary: killArb, weight: 1 },
    { name: 'two-writers', arbitrary: twoWritersArb, weight: 1 },
    { name: 'reconcile', arbitrary: reconcileArb, weight: 1 },
  ];
  const kept = weighted.filter((c) => c.arbitrary !== null && !without.has(c.name));
  return [fc.oneof(...kept.map(({ arbitrary, weight }) => ({ arbitrary: arbitrary!, weight })))];
}

// ---------------------------------------------------------------------------------------
// tokj reconcile --write on A, against usage pages made from the model's own calls

/**
 * The provider's usage reports as the model says they must read: per UTC day and model, the
 * requests and tokens of A's OpenAI and Anthropic calls (its own and those pulled from B).
 * Run three days later (TOKJ_NOW), when no day is provisional, every row must match; and
 * the only file that changes is the one new reconciliation under monitoring/reconciliations/.
 */
class Reconcile extends Step {
  readonly onA = false;
  check(w: Readonly<World>): boolean {
    return w.journalExists.A;
  }
  protected describe(): string {
    return 'reconcile --write on A';
  }
  protected async act(w: World, real: Real): Promise<void> {
    const now = nowOn(w, 'A');
    const dir = path.join(real.scratch, `reconcile-${nextNumber(w, 'reconcile')}`);
    mkdirSync(dir, { recursive: true });
    const calls = allCalls(journalOf(w, 'A'));
    const later = new Date(Date.parse(now) + 3 * 86_400_000).toISOString();
    for (const provider of ['openai', 'anthropic']) {
      const mine = calls.filter((c) => c.provider.toLowerCase() === provider);
      const days = [...new Set([now.slice(0, 10), ...mine.map((c) => c.timestamp.slice(0, 10))])].sort();
      const data = days.map((day) => {
        const start = Date.parse(`${day}T00:00:00Z`);
        const results = new Map<string, { requests: number; input: number; output: number; cacheRead: number; cacheWrite: number }>();
        for (const c of mine.filter((x) => x.timestamp.startsWith(day))) {
          const r = results.get(c.model) ?? { requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
          results.set(c.model, { requests: r.requests + 1, input: r.input + c.input, output: r.output + c.output, cacheRead: r.cacheRead + c.cacheRead, cacheWrite: r.cacheWrite + c.cacheWrite });
        }
        const rows = [...results].map(([model, r]) =>
          provider === 'openai'
            ? { object: 'organization.usage.completions.result', model, num_model_requests: r.requests, input_tokens: r.input, input_cached_tokens: r.cacheRead, output_tokens: r.output }
            : { model, uncached_input_tokens: r.input - r.cacheRead - r.cacheWrite, cache_read_input_tokens: r.cacheRead, cache_creation: { ephemeral_5m_input_tokens: r.cacheWrite, ephemeral_1h_input_tokens: 0 }, output_tokens: r.output },
        );
        return provider === 'openai'
          ? { object: 'bucket', start_time: start / 1000, end_time: start / 1000 + 86_400, results: rows }
          : { starting_at: new Date(start).toISOString(), ending_at: new Date(start + 86_400_000).toISOString(), results: rows };
      });
      writeFileSync(path.join(dir, `${provider}-usage.json`), JSON.stringify(provider === 'openai' ? { object: 'page', data, has_more: false, next_page: null } : { data, has_more: false, next_page: null }));
    }
    const root = rootOf(real, 'A');
    const before = snapshotFiles(root);
    const r = await tokjOn(real, 'A', later, ['reconcile', dir, '--write', '--format', 'json']);
    mustSucceed(r, `tokj reconcile ${dir} --write (three days later)`);
    const summary = (JSON.parse(r.stdout) as { summary: { rows: number; statuses: Record<string, number> } }).summary;
    this.did = `${summary.rows} rows, ${summary.statuses.match} match`;
    if (summary.statuses.match !== summary.rows) throw new CommandFailed(`tokj reconcile: not every row matches the model's calls: ${r.stdout.slice(0, 1500)}`);
    const after = snapshotFiles(root);
    const added = Object.keys(after).filter((f) => !(f in before));
    const changed = Object.keys(before).filter((f) => after[f] !== before[f]);
    if (added.length !== 1 || !added[0]!.startsWith(path.join('monitoring', 'reconciliations', 'reconciliation_')) || changed.length > 0) {
      throw new CommandFailed(`tokj reconcile --write must add one file under monitoring/reconciliations and change nothing else; added ${JSON.stringify(added)}, changed ${JSON.stringify(changed)}`);
    }
  }
}

const reconcileArb = fc.integer({ min: 1, max: 120 }).map((s) => new Reconcile(s));
