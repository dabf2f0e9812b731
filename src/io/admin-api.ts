/**
 * GET requests to a provider's Admin API, following its pages: `page=<next_page>` until
 * `has_more` is false, at most `maxPages` per endpoint (a cursor that never ends must not
 * run forever). The only network access `tokj reconcile` makes, and only with --fetch.
 * Failures: the API unreachable or answering an error is exit 74 (nothing is written, so
 * running again is safe); more pages than allowed is exit 3.
 */
import { EXIT, TokjError } from '../core/errors.js';

export interface PagedGet {
  url: URL;
  /** Passed through to the result (which reader reads the pages). */
  format: string;
}

export interface FetchedPage {
  format: string;
  /** The page's URL, for messages (it carries no credentials: those are headers). */
  url: string;
  text: string;
}

export interface AdminFetchOptions {
  headers: Record<string, string>;
  maxPages: number;
  timeoutMs: number;
}

function failure(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The provider's own words from an error body, when it has them. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; type?: unknown } | string };
    const err = parsed.error;
    if (typeof err === 'string') return err;
    if (err && typeof err.message === 'string') return err.message;
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 200);
}

function nextCursor(text: string, url: string): string | null {
  let page: { has_more?: unknown; next_page?: unknown };
  try {
    page = JSON.parse(text) as typeof page;
  } catch {
    throw new TokjError(`${url} answered with something that is not JSON; nothing was written`, EXIT.rejected, 'fetch_not_json');
  }
  return page.has_more === true && typeof page.next_page === 'string' && page.next_page !== '' ? page.next_page : null;
}

export async function fetchPages(requests: readonly PagedGet[], options: AdminFetchOptions): Promise<FetchedPage[]> {
  const pages: FetchedPage[] = [];
  for (const request of requests) {
    let cursor: string | null = null;
    for (let n = 1; ; n++) {
      const url = new URL(request.url.href);
      if (cursor !== null) url.searchParams.set('page', cursor);
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { headers: { accept: 'application/json', ...options.headers }, signal: AbortSignal.timeout(options.timeoutMs) });
        text = await response.text();
      } catch (error) {
        throw new TokjError(`cannot reach ${url.origin}${url.pathname}: ${failure(error, options.timeoutMs)}; nothing was written`, EXIT.io, 'fetch_failed');
      }
      if (!response.ok) {
        const hint = response.status === 401 || response.status === 403 ? ' (an Admin API key is needed: an ordinary API key is refused)' : '';
        throw new TokjError(`${url.origin}${url.pathname} answered HTTP ${response.status}${hint}: ${errorText(text)}; nothing was written`, EXIT.io, 'fetch_refused');
      }
      pages.push({ format: request.format, url: url.href, text });
      cursor = nextCursor(text, url.href);
      if (cursor === null) break;
      if (n >= options.maxPages) {
        throw new TokjError(`${url.origin}${url.pathname} still had more after ${options.maxPages} pages; nothing was written: narrow --since/--until or raise --max-pages`, EXIT.rejected, 'fetch_too_many_pages');
      }
    }
  }
  return pages;
}
