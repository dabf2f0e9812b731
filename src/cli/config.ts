/**
 * tokj config get|set|list: the Settings table of token_collection_config.md, changed
 * through its syntax tree (the table's byte range is replaced, the rest kept exactly).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { table } from '../markdown/build.js';
import { serializeNode } from '../markdown/serialize.js';
import { openView } from '../markdown/view.js';
import { readStamped, writeAtomic } from '../io/fs.js';
import { withLock } from '../io/lock.js';
import { CONFIG_BLOCKS, readConfig, SETTINGS_HEADER } from '../app/config.js';
import { ensureLayout, templatePath } from '../app/layout.js';
import { SETTINGS, settingSpec, settingValue } from '../app/settings.js';
import { existingLayout, layoutFor, type Ctx, type DirOption } from './context.js';

export async function configGet(key: string, options: DirOption, ctx: Ctx): Promise<void> {
  settingSpec(key);
  const config = await readConfig(existingLayout(ctx, options));
  ctx.out(settingValue(config.settings, key));
}

export async function configList(options: DirOption & { json?: boolean }, ctx: Ctx): Promise<void> {
  const config = await readConfig(existingLayout(ctx, options));
  const rows = SETTINGS.map((s) => ({ key: s.key, value: settingValue(config.settings, s.key), default: s.default, description: s.description }));
  if (options.json) {
    ctx.out(JSON.stringify(Object.fromEntries(rows.map((r) => [r.key, r.value]))));
    return;
  }
  const width = Math.max(...rows.map((r) => r.key.length));
  for (const r of rows) ctx.out(`${r.key.padEnd(width)}  ${r.value === '' ? '(none)' : r.value}${r.value === r.default ? '' : `  (default ${r.default === '' ? 'none' : r.default})`}`);
}

export async function configSet(key: string, value: string, options: DirOption, ctx: Ctx): Promise<void> {
  const spec = settingSpec(key);
  const normalized = spec.validate(value);
  const layout = layoutFor(ctx, options);
  ensureLayout(layout);
  await withLock(layout.monitoring, async () => {
    const file = layout.configMd;
    const view = await openView(readStamped(file), null, CONFIG_BLOCKS, path.relative(layout.root, file), () => readFileSync(templatePath('workflow/monitoring/token_collection_config.md'), 'utf8'));
    const rows = (view.rowCells.rows('settings') ?? []).map((cells) => [cells[0]?.trim() ?? '', cells[1]?.trim() ?? '', cells[2]?.trim() ?? '']);
    const existing = rows.find((r) => r[0] === key);
    if (existing) existing[1] = normalized;
    else rows.push([key, normalized, spec.description]);
    view.editor.replace('settings', serializeNode(table(SETTINGS_HEADER, rows)));
    // The prices table is only read here: put back exactly what was there.
    if (view.inserted.has('prices')) view.editor.replace('prices', serializeNode(table(['Provider', 'Model', 'Input $/1M', 'Output $/1M', 'Cache read $/1M', 'Cache write $/1M'], [])));
    writeAtomic(file, view.editor.text);
  });
  ctx.out(`${key} = ${normalized === '' ? '(none)' : normalized}`);
}
