/** The message a user can act on, from a backendSrv error, a query error or anything thrown. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { data?: { error?: string; message?: string }; message?: string };
    return e.data?.error ?? e.data?.message ?? e.message ?? 'Unknown error';
  }
  return String(err);
}
