/** Types for the build the tests run (scripts/build.mjs). */
import type { Metafile } from './bundle-check.mjs';
export const BUNDLES: Record<string, { entryPoints: string[] }>;
export class BundleCheckError extends Error {}
export function buildAll(options?: { outdir?: string; write?: boolean }): Promise<Record<string, Metafile>>;
