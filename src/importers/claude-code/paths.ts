/**
 * Where Claude Code keeps its transcripts, and finding them.
 *
 * Claude Code writes `<config>/projects/<project>/<session>.jsonl` (subagents in
 * `<session>/subagents/agent-<id>.jsonl`), where <config> is `$CLAUDE_CONFIG_DIR` (ccusage
 * also reads a comma-separated list there), else `~/.claude`, and on newer installs
 * `$XDG_CONFIG_HOME/claude` (`~/.config/claude`). A directory given on the command line may
 * be any of: a config directory (holding `projects/`), `projects/` itself, one project, or a
 * single `.jsonl` file.
 */
import path from 'node:path';
import { usageError } from '../../core/errors.js';
import { listEntries, realPath, statIfExists, type DirEntry, type PathInfo } from '../../io/dir.js';
import { openFile, type ReadableFile } from '../../io/open-file.js';

/**
 * The config directories to look in, most specific first: $CLAUDE_CONFIG_DIR's entries,
 * then ~/.config/claude (or $XDG_CONFIG_HOME/claude) and ~/.claude. Existence is not checked.
 */
export function claudeConfigDirs(env: NodeJS.ProcessEnv, home: string): string[] {
  const listed = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const xdg = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  const dirs = [...listed, path.join(xdg, 'claude'), path.join(home, '.claude')].map((p) => path.resolve(p));
  return [...new Set(dirs)];
}

/** The `projects/` directories that exist among the default config directories. */
export async function defaultClaudeProjectDirs(env: NodeJS.ProcessEnv, home: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of claudeConfigDirs(env, home)) {
    const projects = path.join(dir, 'projects');
    if (isDirectory(projects)) found.push(projects);
  }
  return found;
}

function isDirectory(p: string): boolean {
  return statOrNull(p)?.kind === 'directory';
}

/** What is at p, or null when nothing is or it cannot be looked at. */
function statOrNull(p: string): PathInfo | null {
  try {
    return statIfExists(p);
  } catch {
    return null;
  }
}

/**
 * Every `.jsonl` file under the given places, each once (symlinks followed, cycles not), in a
 * stable order. A place that does not exist is a usage error: the user named it. A folder
 * that cannot be read is skipped with a warning. (Synchronous file-system calls: thousands of
 * small directories, where an event-loop round trip each would cost more than the call.)
 */
export function findTranscripts(places: readonly string[], warn?: (message: string) => void): string[] {
  const files = new Set<string>();
  const seenDirs = new Set<string>();
  const walk = (dir: string): void => {
    let entries: DirEntry[];
    try {
      const real = realPath(dir);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      entries = listEntries(dir);
    } catch (error) {
      warn?.(`${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); skipped`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      const kind = entry.kind === 'symlink' ? statOrNull(p)?.kind : entry.kind;
      if (kind === 'directory') walk(p);
      else if (kind === 'file' && entry.name.endsWith('.jsonl')) files.add(realPath(p));
    }
  };
  for (const place of places) {
    const info = statOrNull(place);
    if (info === null) throw usageError(`${place} does not exist; give the Claude Code config directory (~/.claude), its projects/ folder, or a .jsonl transcript`, 'no_source');
    if (info.kind === 'file') files.add(realPath(place));
    else {
      const projects = path.join(place, 'projects');
      walk(isDirectory(projects) ? projects : place);
    }
  }
  return [...files];
}

const TIMESTAMP = /"timestamp":"([^"]+)"/;

/**
 * The first timestamp in a transcript (from its first 64 KiB), to read files oldest first:
 * a resumed conversation's new file repeats earlier messages, and those belong to the
 * session that first had them. NaN when none is found or the file cannot be read (such
 * files go last).
 */
let headBuffer: Buffer | null = null;

export function firstTimestamp(file: string): number {
  let transcript: ReadableFile;
  try {
    transcript = openFile(file);
  } catch {
    return NaN;
  }
  try {
    // Most first lines are short: read 8 KB, and up to 64 KB only when no timestamp shows.
    // A timestamp found whole in the shorter read is the first one in the longer read too.
    const buf = (headBuffer ??= Buffer.allocUnsafe(64 * 1024));
    let n = 0;
    for (const want of [8 * 1024, buf.length]) {
      const asked = want - n;
      const got = transcript.read(buf, n, asked, n);
      n += got;
      const match = TIMESTAMP.exec(buf.toString('utf8', 0, n));
      if (match) return Date.parse(match[1]!);
      if (got < asked) break; // the whole file was read
    }
    return NaN;
  } catch {
    return NaN;
  } finally {
    transcript.close();
  }
}
