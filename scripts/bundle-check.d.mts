/** Types for the bundle rules the tests share with the build (scripts/bundle-check.mjs). */
export interface Metafile {
  inputs?: Record<string, unknown>;
  outputs: Record<string, { inputs?: Record<string, unknown>; imports?: Array<{ path: string; kind: string; external?: boolean }> }>;
}
export const RECORD_PATH_FORBIDDEN: Array<{ packages: string[]; why: string }>;
export const BUNDLE_RULES: Record<string, Array<{ packages: string[]; why: string }>>;
export function packageOfInput(file: string): string | null;
export function packageOfSpecifier(spec: string): string | null;
export function checkMetafile(metafile: Metafile): string[];
