/** A short, secret-free description of a transport error (never the request, which holds secrets). */
export function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    return typeof code === 'string' ? `${code} (${err.message})` : err.message;
  }
  return String(err);
}
