/**
 * A worker thread of parallel.ts (io/worker-pool.ts): parses the transcripts it is sent,
 * one task per file, and answers with the result as JSON text (cheaper to pass and rebuild
 * than a structured clone of many small objects).
 */
import { serveTasks } from '../../io/worker-pool.js';
import { parseTranscript } from './transcript.js';

serveTasks('the Claude Code transcript worker', (file: string): string => JSON.stringify(parseTranscript(file)));
