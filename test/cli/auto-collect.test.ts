import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ledgerLines, repoRoot, snapshotFiles, tempDir, tokj } from '../helpers.js';

const fixtures = path.join(repoRoot, 'test/fixtures/responses');
const expected = readFileSync(path.join(fixtures, 'expected.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'));

// Payloads that carry no model name get one from the caller.
const modelFor: Record<string, string> = { 'cohere-chat-v2.json': 'command-a-03-2025', 'bedrock-converse.json': 'anthropic.claude-3-5-sonnet-20240620-v1:0' };

async function journal(): Promise<{ cwd: string; root: string }> {
  const cwd = tempDir();
  await tokj(cwd, ['init', 'ac', 'openai', 'gpt-4o', '-q']);
  return { cwd, root: path.join(cwd, '.ai_workflow') };
}

describe('auto-collect through the built binary, every shared fixture', () => {
  for (const [file, model, input, output, cacheRead, cacheWrite, reasoning] of expected) {
    it(`${file}`, async () => {
      const { cwd, root } = await journal();
      const before = snapshotFiles(root);
      const args = ['auto-collect', '--json', ...(modelFor[file!] ? ['--model', modelFor[file!]!] : [])];
      const r = await tokj(cwd, args, { input: readFileSync(path.join(fixtures, file!), 'utf8') });
      if (input === 'ERROR') {
        expect(r.exitCode, r.stderr).toBe(3);
        expect(r.stderr).toMatch(/^tokj: .+nothing was recorded/);
        expect(snapshotFiles(root)).toEqual(before);
        return;
      }
      expect(r.exitCode, r.stderr).toBe(0);
      const rec = JSON.parse(r.stdout);
      expect(rec).toMatchObject({
        model: model === '-' ? modelFor[file!] : model,
        input_tokens: Number(input),
        output_tokens: Number(output),
        cache_read_tokens: Number(cacheRead),
        cache_write_tokens: Number(cacheWrite),
        reasoning_tokens: Number(reasoning),
        total_tokens: Number(input) + Number(output),
      });
      expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(1);
    });
  }
});

describe('auto-collect behaviour', () => {
  it('records the same response once, and again with --allow-duplicate', async () => {
    const { cwd, root } = await journal();
    const body = readFileSync(path.join(fixtures, 'openai-chat-basic.json'), 'utf8');
    expect((await tokj(cwd, ['auto-collect'], { input: body })).exitCode).toBe(0);
    const again = await tokj(cwd, ['auto-collect'], { input: body });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('Already recorded');
    expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(1);
    await tokj(cwd, ['auto-collect', '--allow-duplicate'], { input: body });
    expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(2);
  });

  it('--tee copies the input byte for byte to stdout', async () => {
    const { cwd } = await journal();
    const body = readFileSync(path.join(fixtures, 'anthropic-stream-web-search.sse'), 'utf8');
    const r = await tokj(cwd, ['auto-collect', '--tee'], { input: body });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(body.replace(/\n$/, ''));
    expect(r.stderr).toContain('Recorded 10,423 in / 341 out');
  });

  it('a JSON Lines batch is all-or-nothing unless --skip-invalid', async () => {
    const { cwd, root } = await journal();
    const lines = ['openai-chat-basic.json', 'bad-openai-error-insufficient-quota.json', 'mistral-chat.json'].map((f) => JSON.stringify(JSON.parse(readFileSync(path.join(fixtures, f), 'utf8'))));
    const before = snapshotFiles(root);
    const r = await tokj(cwd, ['auto-collect'], { input: `${lines.join('\n')}\n` });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('call 2 of 3');
    expect(r.stderr).toContain('insufficient_quota');
    expect(snapshotFiles(root)).toEqual(before);
    const skip = await tokj(cwd, ['auto-collect', '--skip-invalid', '--json'], { input: `${lines.join('\n')}\n` });
    expect(skip.exitCode).toBe(0);
    expect(skip.stdout.split('\n').map((l) => JSON.parse(l).model)).toEqual(['gpt-4.1-nano-2025-04-14', 'mistral-small-latest']);
  });

  it('--dry-run prints what it would record and writes nothing', async () => {
    const { cwd, root } = await journal();
    const before = snapshotFiles(root);
    const r = await tokj(cwd, ['auto-collect', '--dry-run', path.join(fixtures, 'openai-responses-cached-reasoning.json')]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dry_run: true, input_tokens: 3700, cache_read_tokens: 2560, reasoning_tokens: 640 });
    expect(snapshotFiles(root)).toEqual(before);
  });

  it('--dry-run quotes the cost the record then stores, the journal\'s Custom Prices included', async () => {
    const { cwd, root } = await journal();
    const config = path.join(root, 'monitoring/token_collection_config.md');
    writeFileSync(config, `${readFileSync(config, 'utf8')}| openai | my-private-model | 2.00 | $8 | 0.5 | |\n`);
    const before = snapshotFiles(root);
    const file = path.join(fixtures, 'openai-chat-basic.json');
    const dry = await tokj(cwd, ['auto-collect', '--dry-run', '--model', 'my-private-model', file]);
    expect(dry.exitCode).toBe(0);
    // 16 input tokens at $2/1M + 363 output tokens at $8/1M
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, model: 'my-private-model', input_tokens: 16, output_tokens: 363, cost_usd: '0.002936' });
    expect(snapshotFiles(root)).toEqual(before);
    const real = await tokj(cwd, ['auto-collect', '--json', '--model', 'my-private-model', file]);
    expect(real.exitCode).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ cost_usd: '0.002936', price_source: 'user:token_collection_config.md:openai/my-private-model' });
  });

  it('refuses an input or prompt file it cannot read with exit 3, writing nothing', async () => {
    const { cwd, root } = await journal();
    const before = snapshotFiles(root);
    const missing = path.join(cwd, 'no-such-response.json');
    const r = await tokj(cwd, ['auto-collect', missing]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe(`tokj: cannot read ${missing}: ENOENT; nothing was recorded`);
    const prompt = await tokj(cwd, ['auto-collect', '--estimate', '--prompt-file', 'no-such-prompt.txt', path.join(fixtures, 'openai-chat-basic.json')]);
    expect(prompt.exitCode).toBe(3);
    expect(prompt.stderr).toBe('tokj: cannot read no-such-prompt.txt: ENOENT; nothing was recorded');
    const count = await tokj(cwd, ['count', 'no-such-prompt.txt']);
    expect(count.exitCode).toBe(3);
    expect(count.stderr).toBe('tokj: cannot read no-such-prompt.txt: ENOENT; nothing was counted');
    const imported = await tokj(cwd, ['import', 'no-such-backfill.jsonl']);
    expect(imported.exitCode).toBe(3);
    expect(imported.stderr).toBe('tokj: cannot read no-such-backfill.jsonl: ENOENT; nothing was imported');
    expect(snapshotFiles(root)).toEqual(before);
  });

  it('a stream without usage is refused with a hint, or estimated with --estimate', async () => {
    const { cwd, root } = await journal();
    const stream = ['data: {"id":"chatcmpl-x","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hello there, friend"}}]}', 'data: {"id":"chatcmpl-x","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}', 'data: [DONE]', ''].join('\n\n');
    const refused = await tokj(cwd, ['auto-collect'], { input: stream });
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('include_usage');
    expect(refused.stderr).toContain('--estimate');
    const est = await tokj(cwd, ['auto-collect', '--estimate', '--json'], { input: stream });
    expect(est.exitCode, est.stderr).toBe(0);
    expect(JSON.parse(est.stdout)).toMatchObject({ estimated: true, output_tokens: 4, model: 'gpt-4o-2024-08-06' });
    const md = readFileSync(path.join(root, 'monitoring/sessions/ac.md'), 'utf8');
    expect(md).toContain('~4');
  });

  it('empty input and non-JSON are refused with exit 3', async () => {
    const { cwd } = await journal();
    expect((await tokj(cwd, ['auto-collect'], { input: '' })).exitCode).toBe(3);
    const r = await tokj(cwd, ['auto-collect'], { input: '<html>502 Bad Gateway</html>' });
    expect(r.exitCode).toBe(3);
  });

  it('wrap passes output through, records it, and keeps the command exit code', async () => {
    const { cwd, root } = await journal();
    const file = path.join(fixtures, 'openai-chat-tool-calls.json');
    const r = await tokj(cwd, ['wrap', '--', 'cat', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(readFileSync(file, 'utf8').replace(/\n$/, ''));
    expect(ledgerLines(root).filter((l) => l.type === 'call')[0]).toMatchObject({ input_tokens: 512, output_tokens: 132 });
    const failing = await tokj(cwd, ['wrap', '--', 'sh', '-c', 'echo not json; exit 7']);
    expect(failing.exitCode).toBe(7);
    expect(failing.stderr).toContain('tokj wrap:');
    const strict = await tokj(cwd, ['wrap', '--strict', '--', 'sh', '-c', 'echo not json']);
    expect(strict.exitCode).toBe(3);
  });

  it('count prints tokens and input cost', async () => {
    const r = await tokj(tempDir(), ['count', '--model', 'gpt-4o', '--json'], { input: 'hello world' });
    expect(JSON.parse(r.stdout)).toEqual({ tokens: 2, encoding: 'o200k_base', exact: true, model: 'gpt-4o', input_cost_usd: '0.000005' });
  });
});
