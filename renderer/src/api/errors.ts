/** Every failed API call becomes an ApiError carrying the server's own envelope. */
import { ApiErrorBody } from '@shared/schemas/common.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request field the error is about (the envelope's `param`), to show the message next to it. */
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = 'invalid_request_error',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer at all (server down, network lost): the app shows "reconnecting" and retries. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
  get isAuth(): boolean {
    return this.status === 401;
  }

  static async fromResponse(res: Response): Promise<ApiError> {
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON: fall through to the status line */
    }
    const parsed = ApiErrorBody.safeParse(body);
    if (parsed.success) {
      const e = parsed.data.error;
      return new ApiError(res.status, e.message, e.param, e.code, e.type);
    }
    return new ApiError(res.status, `The server answered ${res.status} ${res.statusText}.`, null, null, res.status >= 500 ? 'server_error' : 'invalid_request_error');
  }

  static network(cause: unknown): ApiError {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(0, `Cannot reach the Hone server (${why}).`, null, 'network_error', 'connection_error');
  }
}

/** The message for a form field: the error when its `param` names that field (or a sub-path of it). */
export function errorFor(error: unknown, field: string): string | null {
  if (!(error instanceof ApiError) || !error.param) return null;
  return error.param === field || error.param.startsWith(`${field}.`) || error.param.startsWith(`${field}[`) ? error.message : null;
}
