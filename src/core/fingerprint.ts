/**
 * A fast, non-cryptographic content fingerprint (64-bit FNV-1a as two 32-bit halves) for
 * cache keys and hash buckets. Not for security: only to notice that content changed.
 * Plain JavaScript so the record path does not load node:crypto (~2 ms a run).
 */
export function fingerprint(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    h2 ^= h2 >>> 15;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * The first `width` hex digits of fingerprint(text) (1 to 8, from its top): a hash bucket
 * name, without computing the rest of the fingerprint. Two digits name the 256 buckets of
 * the id indexes; three the 4096 of the session-state packs.
 */
export function fingerprintBucket(text: string, width = 2): string {
  if (!Number.isInteger(width) || width < 1 || width > 8) throw new RangeError(`fingerprintBucket: width ${width} is not 1 to 8 hex digits`);
  let h1 = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return width === 2 ? HEX_BYTE[h1 >>> 24]! : (h1 >>> (32 - 4 * width)).toString(16).padStart(width, '0');
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
