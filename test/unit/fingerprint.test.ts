import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintBucket } from '../../src/core/fingerprint.js';

describe('fingerprintBucket', () => {
  it('is the first two hex digits of fingerprint (existing request-id buckets stay valid)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        expect(fingerprintBucket(text)).toBe(fingerprint(text).slice(0, 2));
      }),
      { numRuns: 3000 },
    );
  });

  it('is the first `width` hex digits of fingerprint for every width from 1 to 8', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 8 }), (text, width) => {
        expect(fingerprintBucket(text, width)).toBe(fingerprint(text).slice(0, width));
      }),
      { numRuns: 3000 },
    );
    // The session-state packs' names (three digits: 4096 buckets): the empty id's, pinned.
    expect(fingerprintBucket('', 3)).toBe('811');
  });

  it('refuses a width that is not 1 to 8 digits', () => {
    for (const width of [0, 9, 2.5, -1]) expect(() => fingerprintBucket('x', width)).toThrow(RangeError);
  });
});
