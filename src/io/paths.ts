/**
 * Where the journal lives and the rules every path inside it obeys: session ids are
 * `[A-Za-z0-9._-]{1,128}` (and not `.`/`..`), so a file name built from one never leaves
 * its folder; writes refuse to go through a symlink that points outside the journal.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { TokjError, EXIT, usageError } from '../core/errors.js';
import { statIfExists } from './dir.js';

export const WORKFLOW_DIR = '.ai_workflow';

const SESSION_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function checkSessionId(id: string): string {
  if (!SESSION_ID.test(id) || id === '.' || id === '..') {
    throw usageError(
      `invalid session id ${JSON.stringify(id.length > 140 ? `${id.slice(0, 140)}…` : id)}: use 1-128 characters from A-Z a-z 0-9 . _ - (for example sess-42)`,
      'bad_session_id',
    );
  }
  return id;
}

/**
 * The journal a command works on: --dir, then $TOKJ_DIR (see journalAt); else the nearest
 * .ai_workflow walking up from cwd; else one at the root of the git repository cwd is in
 * (a `tokj init` in a subfolder must not start a second journal there); else ./.ai_workflow.
 */
export function resolveRoot(dirOption: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const explicit = dirOption ?? env.TOKJ_DIR;
  if (explicit !== undefined && explicit !== '') return journalAt(path.resolve(cwd, explicit));
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, WORKFLOW_DIR);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return path.join(gitRoot(cwd) ?? cwd, WORKFLOW_DIR);
}

/**
 * What a --dir / TOKJ_DIR path names. The journal itself when it is called .ai_workflow, is
 * a journal already (has monitoring/: one kept under another name) or does not exist yet (a
 * new journal under the name given). Any other existing directory is a project folder, and
 * its journal is <dir>/.ai_workflow: so `--dir .` in a project finds the project's journal,
 * and `tokj init --dir <project>` never writes the journal's files (README.md,
 * .gitattributes …) into the project itself. journalAt(journalAt(x)) === journalAt(x).
 */
export function journalAt(dir: string): string {
  if (path.basename(dir) === WORKFLOW_DIR || !existsSync(dir) || statIfExists(dir)?.kind !== 'directory' || existsSync(path.join(dir, 'monitoring'))) return dir;
  return path.join(dir, WORKFLOW_DIR);
}

/**
 * The working tree root of the git repository dir is in: the nearest directory walking up
 * with a `.git` entry (a directory, or a file in worktrees and submodules). No git process.
 */
export function gitRoot(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

/**
 * Joins parts under root and refuses anything that would leave it: `..`, absolute parts,
 * or an existing component that is a symlink (a link planted inside .ai_workflow pointing
 * elsewhere must not be written through).
 */
export function inside(root: string, ...parts: string[]): string {
  const target = path.resolve(root, ...parts);
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new TokjError(`refusing to touch ${target}: it is outside ${root}`, EXIT.usage, 'path_escape');
  }
  let current = root;
  for (const segment of rel.split(path.sep).filter(Boolean)) {
    current = path.join(current, segment);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      break; // does not exist yet: nothing further down can be a link
    }
    if (stat.isSymbolicLink()) {
      const real = realpathSync(current);
      const realRoot = realpathSync(root);
      const within = path.relative(realRoot, real);
      if (within.startsWith('..') || path.isAbsolute(within)) {
        throw new TokjError(
          `refusing to write through ${current}: it is a symbolic link to ${real}, outside the journal. Remove the link and retry.`,
          EXIT.usage,
          'path_escape',
        );
      }
    }
  }
  return target;
}
