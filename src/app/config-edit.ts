/**
 * `tokj config set`: one row of the Settings table of token_collection_config.md changed
 * through its syntax tree (the table's byte range is replaced, the rest kept exactly), under
 * the monitoring folder's lock. Apart from config.ts, which every record loads, so `tokj
 * record` does not load the markdown writers.
 */
import path from 'node:path';
import { readStamped, readText, writeAtomic } from '../io/fs.js';
import { withLock } from '../io/lock.js';
import { table } from '../markdown/build.js';
import { serializeNode } from '../markdown/serialize.js';
import { openView } from '../markdown/view.js';
import { CONFIG_BLOCKS, PRICES_HEADER, SETTINGS_HEADER } from './config.js';
import { ensureLayout, templatePath, type Layout } from './layout.js';
import { settingSpec } from './settings.js';

/** Sets `key` (validated) in the journal's config, creating the journal if needed; returns the value stored. */
export async function setSetting(layout: Layout, key: string, value: string): Promise<string> {
  const spec = settingSpec(key);
  const normalized = spec.validate(value);
  ensureLayout(layout);
  await withLock(layout.monitoring, async () => {
    const file = layout.configMd;
    const view = await openView(readStamped(file), null, CONFIG_BLOCKS, path.relative(layout.root, file), () => readText(templatePath('workflow/monitoring/token_collection_config.md')));
    const rows = (view.rowCells.rows('settings') ?? []).map((cells) => [cells[0]?.trim() ?? '', cells[1]?.trim() ?? '', cells[2]?.trim() ?? '']);
    const existing = rows.find((r) => r[0] === key);
    if (existing) existing[1] = normalized;
    else rows.push([key, normalized, spec.description]);
    view.editor.replace('settings', serializeNode(table(SETTINGS_HEADER, rows)));
    // The prices table is only read here: a missing one is inserted empty.
    if (view.inserted.has('prices')) view.editor.replace('prices', serializeNode(table(PRICES_HEADER, [])));
    writeAtomic(file, view.editor.text);
  });
  return normalized;
}
