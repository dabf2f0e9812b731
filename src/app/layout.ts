/** The .ai_workflow layout, and creating it from templates/ without overwriting anything. */
import path from 'node:path';
import { listNames, pathExists, statIfExists } from '../io/dir.js';
import { copyFile, ensureDir } from '../io/fs.js';
import { inside } from '../io/paths.js';
import { packageRoot } from '../io/package-root.js';

export interface Layout {
  root: string;
  monitoring: string;
  sessionsDir: string;
  ledgerDir: string;
  stateDir: string;
  sessionStateDir: string;
  requestIdDir: string;
  sessionIdDir: string;
  monthListDir: string;
  journalMd: string;
  monthLogDir: string;
  configMd: string;
  alertsLog: string;
  reportsDir: string;
  reconciliationsDir: string;
}

export function layoutOf(root: string): Layout {
  const monitoring = path.join(root, 'monitoring');
  const stateDir = path.join(monitoring, '.state');
  return {
    root,
    monitoring,
    sessionsDir: path.join(monitoring, 'sessions'),
    ledgerDir: path.join(monitoring, 'ledger'),
    stateDir,
    sessionStateDir: path.join(stateDir, 'sessions'),
    requestIdDir: path.join(stateDir, 'request-ids'),
    sessionIdDir: path.join(stateDir, 'session-ids'),
    monthListDir: path.join(stateDir, 'months'),
    journalMd: path.join(root, 'work_journal', 'token_usage.md'),
    monthLogDir: path.join(root, 'work_journal', 'log'),
    configMd: path.join(monitoring, 'token_collection_config.md'),
    alertsLog: path.join(monitoring, 'usage_alerts.log'),
    reportsDir: path.join(monitoring, 'reports'),
    reconciliationsDir: path.join(monitoring, 'reconciliations'),
  };
}

/**
 * Refuses to work in a journal whose own folders are symbolic links leading outside it:
 * every write below goes through these folders.
 */
export function checkContained(layout: Layout): void {
  for (const parts of [['monitoring'], ['monitoring', 'ledger'], ['monitoring', 'sessions'], ['monitoring', '.state'], ['monitoring', '.state', 'sessions'], ['monitoring', '.state', 'request-ids'], ['monitoring', '.state', 'session-ids'], ['monitoring', '.state', 'months'], ['monitoring', 'reports'], ['work_journal'], ['work_journal', 'log']]) {
    inside(layout.root, ...parts);
  }
}

export function sessionMdPath(layout: Layout, session: string): string {
  return inside(layout.root, 'monitoring', 'sessions', `${session}.md`);
}

export function sessionStatePath(layout: Layout, session: string): string {
  return inside(layout.root, 'monitoring', '.state', 'sessions', `${session}.json`);
}

/** The month log of the sessions that started in a UTC month ("2026-12"). */
export function monthLogPath(layout: Layout, month: string): string {
  return inside(layout.root, 'work_journal', 'log', `${month}.md`);
}

export function templatePath(name: string): string {
  return path.join(packageRoot(), 'templates', name);
}

/**
 * Template files written under a dotted name. npm never packs a file named .gitignore (and
 * a dotfile in templates/ would act on this repository: .gitattributes marked the templates
 * merge=union), so templates/ holds them without the dot.
 */
const DOTTED = new Set(['gitignore', 'gitattributes', 'markdownlint.jsonc']);

/** The name a template file takes in the journal. */
export function journalFileName(templateName: string): string {
  return DOTTED.has(templateName) ? `.${templateName}` : templateName;
}

/** Files copied into a new .ai_workflow: templates/workflow/** mirrors the layout. */
export function ensureLayout(layout: Layout): string[] {
  const created: string[] = [];
  const source = templatePath('workflow');
  const walk = (rel: string): void => {
    for (const name of listNames(path.join(source, rel))) {
      const from = path.join(source, rel, name);
      if (statIfExists(from)?.kind === 'directory') {
        walk(path.join(rel, name));
        continue;
      }
      const to = inside(layout.root, rel, journalFileName(name));
      if (pathExists(to)) continue;
      ensureDir(path.dirname(to));
      copyFile(from, to);
      created.push(to);
    }
  };
  ensureDir(layout.root);
  walk('');
  for (const dir of [layout.sessionsDir, layout.ledgerDir, layout.sessionStateDir, layout.requestIdDir, layout.sessionIdDir]) ensureDir(dir);
  return created;
}
