/**
 * tokj completion bash|zsh|fish: shell completion generated from the program's own
 * command and option definitions, so it never drifts from the CLI.
 */
import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import type { Ctx } from './context.js';
import { examples, type TokjCommand } from './program.js';

export function register(program: TokjCommand, ctx: Ctx): void {
  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('print shell completion for tokj')
    .addHelpText('after', examples('eval "$(tokj completion bash)"', 'tokj completion fish | source'))
    .action((shell: string) => {
      ctx.out(completion(shell, program).replace(/\n$/, ''));
    });
}

interface Entry {
  path: string[];
  options: string[];
  subcommands: string[];
}

function walk(cmd: Command, path: string[], out: Entry[]): void {
  const options = cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x));
  out.push({ path, options: [...options, '--help'], subcommands: cmd.commands.map((c) => c.name()) });
  for (const sub of cmd.commands) walk(sub, [...path, sub.name()], out);
}

function bash(entries: Entry[]): string {
  const cases = entries
    .map((e) => `    "${e.path.join(' ')}") words="${[...e.subcommands, ...e.options].join(' ')}" ;;`)
    .join('\n');
  return `# tokj bash completion: eval "$(tokj completion bash)"
_tokj() {
  local cur path="" i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) case " $(_tokj_words "$path") " in *" \${COMP_WORDS[i]} "*) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac ;; esac
  done
  words="$(_tokj_words "$path")"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_tokj_words() {
  local words=""
  case "$1" in
${cases.replace(/^ {4}"" \)/m, '    "")')}
  esac
  echo "$words"
}
complete -o default -F _tokj tokj
`;
}

function zsh(entries: Entry[]): string {
  return `#compdef tokj
# tokj zsh completion: eval "$(tokj completion zsh)" (after compinit)
autoload -U bashcompinit && bashcompinit
${bash(entries)}`;
}

function fish(entries: Entry[]): string {
  const lines = ['# tokj fish completion: tokj completion fish | source', 'complete -c tokj -f'];
  for (const e of entries) {
    const cond = e.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${e.path[e.path.length - 1]}`;
    for (const sub of e.subcommands) lines.push(`complete -c tokj -n '${cond}' -a ${sub}`);
    for (const o of e.options) {
      if (o.startsWith('--')) lines.push(`complete -c tokj -n '${cond}' -l ${o.slice(2)}`);
      else lines.push(`complete -c tokj -n '${cond}' -s ${o.slice(1)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completion(shell: string, program: Command): string {
  const entries: Entry[] = [];
  walk(program, [], entries);
  if (shell === 'bash') return bash(entries);
  if (shell === 'zsh') return zsh(entries);
  if (shell === 'fish') return fish(entries);
  throw usageError(`completion takes bash, zsh or fish (got ${JSON.stringify(shell)})`, 'bad_shell');
}
