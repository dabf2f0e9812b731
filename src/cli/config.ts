/** tokj config get|set|list: the Settings of monitoring/token_collection_config.md (app/config-edit.ts changes them). */
import { readConfig } from '../app/config.js';
import { setSetting } from '../app/config-edit.js';
import { SETTINGS, settingSpec, settingValue } from '../app/settings.js';
import { existingLayout, layoutFor, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export function register(program: TokjCommand, ctx: Ctx): void {
  const config = program.command('config').description('preferences in monitoring/token_collection_config.md');
  withDir(config.command('get').argument('<key>'))
    .description('print a setting')
    .action(async (key: string, options: DirOption) => {
      await configGet(key, options, ctx);
    });
  withDir(config.command('set').argument('<key>').argument('<value>'))
    .description('change a setting (validated)')
    .addHelpText('after', examples('tokj config set alert.auto true', 'tokj config set budget.daily 25', 'tokj config set report.timezone Europe/Berlin'))
    .action(async (key: string, value: string, options: DirOption) => {
      await configSet(key, value, options, ctx);
    });
  withDir(config.command('list'))
    .description('every setting with its value')
    .option('--json', 'print JSON')
    .action(async (options: DirOption & { json?: boolean }) => {
      await configList(options, ctx);
    });
}

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
  settingSpec(key).validate(value); // bad input is refused before the journal is looked for
  const normalized = await setSetting(layoutFor(ctx, options), key, value);
  ctx.out(`${key} = ${normalized === '' ? '(none)' : normalized}`);
}
