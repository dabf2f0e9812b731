import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachLine, forEachLineAt, lineChunks, lineChunksBackward, lineStartAtOrAfter, type LineChunk } from '../../src/io/line-reader.js';
import { openFile, type ReadableFile } from '../../src/io/open-file.js';
import { tempDir } from '../helpers.js';

interface Line {
  text: string;
  at: number;
  end: number;
}

/** What the reader must agree with: the bytes split at every \n, with byte offsets; the rest after the last one. */
function naive(bytes: Buffer, from = 0, to = bytes.length): { lines: Line[]; tail: string } {
  const lines: Line[] = [];
  let at = from;
  for (let nl = bytes.indexOf(10, at); nl !== -1 && nl < to; nl = bytes.indexOf(10, at)) {
    const text = bytes.toString('utf8', at, nl);
    if (text.trim() !== '') lines.push({ text, at, end: nl + 1 });
    at = nl + 1;
  }
  return { lines, tail: bytes.toString('utf8', at, to) };
}

function withFile<T>(bytes: Buffer, read: (file: ReadableFile) => T): T {
  const name = path.join(tempDir(), 'lines');
  writeFileSync(name, bytes);
  const file = openFile(name);
  try {
    return read(file);
  } finally {
    file.close();
  }
}

function forward(file: ReadableFile, options: Parameters<typeof lineChunks>[1]): { lines: Line[]; plain: string[]; tail: string; counted: number } {
  const lines: Line[] = [];
  const plain: string[] = [];
  let counted = 0;
  const chunks = lineChunks(file, options);
  for (;;) {
    const next = chunks.next();
    if (next.done) return { lines, plain, tail: next.value.buf.toString('utf8', next.value.start, next.value.end), counted };
    forEachLineAt(next.value, (text, at, end) => lines.push({ text, at, end }));
    counted += forEachLine(next.value, (text) => plain.push(text));
  }
}

// Lines of ASCII, multi-byte characters, invalid UTF-8 (bytes 0x80-0xff alone), blanks, whitespace and \r.
const piece = fc.oneof(
  fc.constantFrom('{"a":1}', '', '  ', '\t', 'é', '€', '𝄞', '\r', 'x', '{"n":"ü€"}').map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ minLength: 1, maxLength: 3, min: 0x80, max: 0xff }).map((a) => Buffer.from(a)),
);
const fileBytes = fc
  .tuple(fc.array(fc.array(piece, { maxLength: 4 }), { maxLength: 20 }), fc.boolean())
  .map(([lines, finalNewline]) => Buffer.concat(lines.map((parts, i) => Buffer.concat([...parts, Buffer.from(i < lines.length - 1 || finalNewline ? '\n' : '')]))));

describe('lineChunks', () => {
  it('hands over every non-blank line with its byte offsets, and the rest after the last newline, whatever the chunk size (property)', () => {
    fc.assert(
      fc.property(fileBytes, fc.integer({ min: 1, max: 40 }), (bytes, chunkSize) => {
        const expected = naive(bytes);
        const got = withFile(bytes, (file) => forward(file, { chunkSize }));
        expect(got.lines).toEqual(expected.lines);
        expect(got.plain).toEqual(expected.lines.map((l) => l.text));
        expect(got.counted).toBe(expected.lines.length);
        expect(got.tail).toBe(expected.tail);
      }),
      { numRuns: 400 },
    );
  });

  it('reads from a line start up to another, counting the bytes it reads', () => {
    const bytes = Buffer.from('{"a":1}\n{"b":"é"}\n\n{"c":3}\n{"d":4}');
    let read = 0;
    const got = withFile(bytes, (file) => forward(file, { from: 8, to: 29, chunkSize: 3, onBytes: (n) => (read += n) }));
    expect(got.lines).toEqual([
      { text: '{"b":"é"}', at: 8, end: 19 },
      { text: '{"c":3}', at: 20, end: 28 },
    ]);
    expect(got.tail).toBe('{');
    expect(read).toBe(21);
  });

  it('finds line starts from any offset', () => {
    const bytes = Buffer.from('ab\ncd\n\nef');
    withFile(bytes, (file) => {
      expect([0, 1, 2, 3, 4, 6, 7, 8, 9, 12].map((at) => lineStartAtOrAfter(file, at, bytes.length))).toEqual([0, 3, 3, 3, 6, 6, 7, 9, 9, 9]);
    });
  });
});

describe('lineChunksBackward', () => {
  it('gives the same lines newest first, the last one even without its newline (property)', () => {
    fc.assert(
      fc.property(fileBytes, fc.integer({ min: 1, max: 40 }), (bytes, chunkSize) => {
        const { lines, tail } = naive(bytes);
        const expected = [...lines.map((l) => l.text), ...(tail.trim() === '' ? [] : [tail])].reverse();
        const got = withFile(bytes, (file) => {
          const out: string[] = [];
          const ats: number[] = [];
          for (const chunk of lineChunksBackward(file, { chunkSize })) {
            ats.push(chunk.at);
            expect(bytes.subarray(chunk.at, chunk.at + chunk.end - chunk.start).equals(chunk.buf.subarray(chunk.start, chunk.end))).toBe(true);
            const inChunk: string[] = [];
            forEachLine(chunk, (l) => inChunk.push(l));
            out.push(...inChunk.reverse());
          }
          // Chunks come from the end backwards.
          expect(ats).toEqual([...ats].sort((a, b) => b - a));
          return out;
        });
        expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('stops reading when the caller stops', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`).join('\n'));
    const seen = withFile(bytes, (file) => {
      const chunks: LineChunk[] = [];
      for (const chunk of lineChunksBackward(file, { chunkSize: 64 })) {
        chunks.push({ ...chunk });
        if (chunks.length === 2) break;
      }
      return chunks;
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.at).toBeGreaterThan(bytes.length - 64);
  });
});
