/**
 * An error a function raised on purpose (`raise exception using message = 'invitation_used'`)
 * or a refusal by the database (row level security, a constraint), as a stable code the
 * pages turn into a sentence in the person's language.
 */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    readonly detail?: string,
  ) {
    super(code);
    this.name = 'RpcError';
  }
}

/** Maps a PostgreSQL error (SQLSTATE, message, detail) onto an RpcError, the same in both adapters. */
export function toRpcError(err: { code?: string; message?: string; detail?: string | null; details?: string | null }): RpcError {
  const detail = err.detail ?? err.details ?? undefined;
  switch (err.code) {
    case 'P0001':
      return new RpcError(err.message ?? 'error', detail ?? undefined);
    case '42501':
      return new RpcError('forbidden');
    case '23505':
      return new RpcError('duplicate');
    case '23514':
    case '22P02':
    case '22001':
      return new RpcError('invalid');
    case '23503':
      return new RpcError('not_found');
    default:
      return new RpcError('database_error');
  }
}
