export { api, serverOrigin, type SseEvent, type UploadOptions, type RequestOptions } from './client';
export { ApiError, errorFor } from './errors';
export { getToken, setToken, onTokenChange, takeTokenFromLocation } from './session';
export { useConnection } from './connection';
export { keys } from './keys';
export { useSystemStatus, useLiveStream } from './system';
