/** What a command gets from the outside world; tests and the demo pass their own. */
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { usageError } from '../core/errors.js';
import { layoutOf, type Layout } from '../app/layout.js';
import type { JournalAccess } from '../app/journal-access.js';
import { resolveRoot } from '../io/paths.js';
import { hostLabel } from '../ledger/store.js';
import { hostname } from 'node:os';

export interface Ctx {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: NodeJS.ReadableStream;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /**
   * Bytes to standard output as they are (auto-collect --tee, wrap), waiting while the pipe is
   * full so a stream is never buffered whole; resolves at once after the reader went away.
   */
  outRaw: (chunk: Uint8Array | string) => Promise<void>;
  /** Text to standard error as it is, no newline added: a progress bar redrawn with \r. */
  errRaw: (text: string) => void;
}

export interface DirOption {
  dir?: string;
}

export function layoutFor(ctx: Ctx, options: DirOption): Layout {
  const layout = layoutOf(resolveRoot(options.dir, ctx.env, ctx.cwd));
  if (existsSync(layout.root) && !statSync(layout.root).isDirectory()) {
    throw usageError(`${layout.root} is a file, not a journal directory: point --dir / TOKJ_DIR at a project with an .ai_workflow, or at the .ai_workflow directory`, 'not_a_journal');
  }
  return layout;
}

/** A command that reads or appends to a journal needs one that exists. */
export function existingLayout(ctx: Ctx, options: DirOption): Layout {
  const layout = layoutFor(ctx, options);
  // The command that creates this very journal (resolveRoot maps the path to itself).
  const create = options.dir !== undefined || (ctx.env.TOKJ_DIR ?? '') !== '' ? `tokj init --dir ${layout.root}` : 'tokj init';
  if (!existsSync(layout.root)) {
    throw usageError(`no journal at ${layout.root}: run \`${create}\` first (or point --dir / TOKJ_DIR at a project with an .ai_workflow, or at the .ai_workflow directory)`, 'no_journal');
  }
  // A directory that exists but is not a journal (an .ai_workflow someone started by hand)
  // is refused before anything is created in it.
  if (!statSync(layout.root).isDirectory() || !existsSync(path.join(layout.root, 'monitoring'))) {
    throw usageError(`${layout.root} is not a tokj journal (no monitoring/ inside): point --dir / TOKJ_DIR at a project with an .ai_workflow, or at the .ai_workflow directory, or create the journal with \`${create}\``, 'not_a_journal');
  }
  return layout;
}

/** The journal at `layout` as the app flows reach it. */
export function journalAccess(ctx: Ctx, layout: Layout): JournalAccess {
  return {
    layout,
    host: hostLabel(ctx.env.TOKJ_HOST || hostname()),
    now: ctx.now,
    warn: (m) => ctx.err(`warning: ${m}`),
    env: ctx.env,
    configLabel: relativeToCwd(ctx, layout.configMd),
  };
}

export function relativeToCwd(ctx: Ctx, file: string): string {
  const rel = path.relative(ctx.cwd, file);
  return rel.startsWith('..') ? file : rel || '.';
}
