/** Limits and defaults shared by the server and the UI (one place per number). */
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** Uploads API: total size of one upload (OpenAI: 8 GB). */
export const MAX_UPLOAD_BYTES = 8 * GiB;
/** Uploads API: one part (OpenAI: 64 MB). */
export const MAX_PART_BYTES = 64 * MiB;
/** An upload that is not completed within this time expires (OpenAI: 1 hour). */
export const UPLOAD_TTL_S = 3600;
/** Files API default per-file limit. OpenAI caps at 512 MB; a local box has no reason to, so we
 * accept what the Uploads API accepts. Configurable with `HONE_MAX_FILE_BYTES`. */
export const DEFAULT_MAX_FILE_BYTES = 8 * GiB;
/** `expires_after[seconds]` bounds (OpenAI: 1 hour to 30 days). */
export const FILE_EXPIRY_MIN_S = 3600;
export const FILE_EXPIRY_MAX_S = 30 * 24 * 3600;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8017;
export const API_KEY_ENV = 'HONE_API_KEY';
export const DATA_DIR_ENV = 'HONE_DATA_DIR';
