/**
 * Model-based test of the whole journal: random sequences of what people and agents do on
 * two machines (init, record, auto-collect, import, finalize, rebuild, doctor --fix, deleting
 * .state, git pull of the other machine's ledger, notes typed into the files, prettier, kill -9
 * mid-record, two writers at once) run against the real binary side by side with a pure model
 * (test/model/model.ts); after every step the journal of host A is checked against the model
 * (test/model/checks.ts), and at the end of each sequence host B too.
 *
 * Environment:
 *   TOKJ_MODEL_RUNS          sequences to run (default 4; `npm run test:deep` runs 150)
 *   TOKJ_MODEL_MAX_COMMANDS  longest sequence (default 24; commands whose target does not exist yet are skipped)
 *   TOKJ_MODEL_SEED, TOKJ_MODEL_PATH, TOKJ_MODEL_REPLAY_PATH   replay a failure (the line to
 *                            run, with every knob it needs, is printed when one happens)
 *   TOKJ_MODEL_TIME_LIMIT_S  stop generating and shrinking after this long (default 60 s for
 *                            the CI setting, 40 s per sequence otherwise); replaying the
 *                            printed seed and path goes on from where shrinking stopped
 *   TOKJ_MODEL_KEEP=1        keep the temp directories of the failing sequence's replay
 *   TOKJ_MODEL_VERBOSE=1     print every passing sequence's steps
 * Exploring past a known failure (never in CI): TOKJ_MODEL_SKIP=check,… (checks.ts CHECKS) and
 * TOKJ_MODEL_WITHOUT=op,… (init, record, auto-collect, import, finalize, maintenance, rebuild,
 * doctor-fix, rm-state, pull, edit, edit-config, edit-readme, edit-journal, edit-session, start,
 * end, end-no-eol, between, under-block, prettier, kill, two-writers).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newWorld, type World } from './model.js';
import { commandArbitraries } from './commands.js';
import { verifyAtEnd } from './checks.js';
import { newReal, removeReal, type Real } from './real.js';

const RUNS = Number(process.env.TOKJ_MODEL_RUNS ?? 4);
const MAX_COMMANDS = Number(process.env.TOKJ_MODEL_MAX_COMMANDS ?? 24);
const SEED = process.env.TOKJ_MODEL_SEED !== undefined ? Number(process.env.TOKJ_MODEL_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.TOKJ_MODEL_PATH;
const REPLAY_PATH = process.env.TOKJ_MODEL_REPLAY_PATH;
const TIME_LIMIT_S = Number(process.env.TOKJ_MODEL_TIME_LIMIT_S ?? (process.env.TOKJ_MODEL_RUNS === undefined ? 60 : 40 * RUNS));
const KEEP = process.env.TOKJ_MODEL_KEEP === '1';
const VERBOSE = process.env.TOKJ_MODEL_VERBOSE === '1';

interface Start {
  /** The model clock's start: mid-month, or just before a month (and a year) ends, so segments roll over. */
  start: string;
  /** How far host B's clock is from A's (seconds): their timestamps interleave. */
  skew: number;
}

const startArb: fc.Arbitrary<Start> = fc.record({
  start: fc.constantFrom('2026-11-24T09:00:00.000Z', '2026-11-30T23:40:00.000Z', '2026-12-31T23:50:00.000Z'),
  skew: fc.integer({ min: -600, max: 600 }),
});

/**
 * Sequences of up to MAX_COMMANDS steps, lengths unbiased: fast-check's bias towards small
 * values would make the few sequences CI runs two or three steps long.
 */
const sequencesArb = fc.noBias(fc.commands(commandArbitraries(), { maxCommands: MAX_COMMANDS, size: 'max', ...(REPLAY_PATH ? { replayPath: REPLAY_PATH } : {}) }));

/** What the passing sequences did: how many steps of each kind (printed, to see what a run covered). */
const tally = { sequences: 0, steps: 0, kinds: new Map<string, number>() };

function count(real: Real): void {
  tally.sequences += 1;
  for (const step of real.log) {
    tally.steps += 1;
    const kind = step.replace(/^\+\d+s /, '').replace(/ on [AB]\b.*| \(.*|:.*| after .*| \[.*/, '');
    tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1);
  }
}

/** One sequence: fresh machines, the commands, the end-of-sequence checks. */
async function runSequence(start: Start, cmds: Iterable<fc.AsyncCommand<World, Real>>, keep = false): Promise<Real> {
  const real = newReal();
  const world = newWorld(start.start, start.skew);
  try {
    await fc.asyncModelRun(() => ({ model: world, real }), cmds);
    await verifyAtEnd(world, real);
    count(real);
    if (VERBOSE) console.log(`[model] sequence passed: ${describeStart(start)}\n${real.log.map((l, i) => `  ${i + 1}. ${l}`).join('\n')}`);
    return real;
  } catch (error) {
    (error as Error & { real?: Real }).real = real;
    throw error;
  } finally {
    if (!keep) removeReal(real);
  }
}

function describeStart(s: Start): string {
  return `clock starts ${s.start}, host B's clock ${s.skew >= 0 ? '+' : ''}${s.skew}s from A's`;
}

/** The failure as a recipe: how to replay it, the steps of the shrunk sequence, what broke. */
type Example = [Start, Iterable<fc.AsyncCommand<World, Real>>];

async function failureReport(details: fc.RunDetails<Example>): Promise<string> {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? 'too many skipped sequences');
  // The knobs that shape generation and checking are part of the recipe.
  const knobs = ['TOKJ_MODEL_RUNS', 'TOKJ_MODEL_MAX_COMMANDS', 'TOKJ_MODEL_WITHOUT', 'TOKJ_MODEL_SKIP'].filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]} `).join('');
  // fc.commands shrinks only the commands that ran: its replay path records which did.
  const commandsPath = details.counterexample ? /replayPath="([^"]*)"/.exec(String(details.counterexample[1]))?.[1] : undefined;
  const replay = `${knobs}TOKJ_MODEL_SEED=${details.seed} TOKJ_MODEL_PATH="${details.counterexamplePath ?? ''}"${commandsPath ? ` TOKJ_MODEL_REPLAY_PATH="${commandsPath}"` : ''} npx vitest run test/model`;
  const header = `Model-based journal test failed after ${details.numRuns} sequence(s), shrunk ${details.numShrinks} time(s)${details.interrupted ? ' (shrinking stopped at the time limit)' : ''}.\nReplay: ${replay}`;
  if (!details.counterexample) return `${header}\n${error}`;
  const [start, cmds] = details.counterexample;
  // Run the shrunk sequence once more: its steps' descriptions are then those of this run.
  try {
    await runSequence(start, cmds, KEEP);
    return `${header}\n(the shrunk sequence passed when replayed: the failure depends on timing)\n${String(cmds)}\n${error}`;
  } catch (error) {
    const real = (error as Error & { real?: Real }).real;
    const steps = real ? real.log.map((s, i) => `  ${i + 1}. ${s}`).join('\n') : String(cmds);
    const kept = KEEP && real ? `\nJournals kept in ${real.cwd.A} and ${real.cwd.B}` : '';
    return `${header}\n${describeStart(start)}\nSteps:\n${steps}\n${(error as Error).message}${kept}`;
  }
}

describe('the journal against its model', () => {
  it(`random sequences on two hosts keep ledger, views, report, doctor and people's notes in agreement (${RUNS} runs)`, async () => {
    const property = fc.asyncProperty(startArb, sequencesArb, async (start, cmds) => {
      await runSequence(start, cmds);
    });
    const details = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      ...(PATH ? { path: PATH } : {}),
      plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_S * 1000)],
    });
    if (details.failed) {
      const report = await failureReport(details as fc.RunDetails<Example>);
      expect.fail(report);
    }
    const kinds = [...tally.kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`[model] ${details.numRuns} sequence(s) of up to ${MAX_COMMANDS} steps passed (seed ${SEED}${details.interrupted ? `, stopped at the ${TIME_LIMIT_S} s limit` : ''}): ${tally.steps} steps: ${kinds}`);
  }, (TIME_LIMIT_S + 120) * 1000);
});
