/**
 * A worker thread of parallel.ts: parses the transcripts it is sent, one message per file,
 * and answers with the result as JSON text (cheaper to pass and rebuild than a structured
 * clone of many small objects).
 */
import { parentPort } from 'node:worker_threads';
import { parseTranscript } from './transcript.js';

const port = parentPort;
if (port === null) throw new Error('the Claude Code transcript worker runs as a worker thread');
port.on('message', (file: string) => {
  let reply: string;
  try {
    reply = JSON.stringify({ ok: parseTranscript(file) });
  } catch (error) {
    reply = JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  port.postMessage(reply);
});
