/**
 * The one place the shell hands a URL to the OS: http(s) only (isExternalUrl), whatever the caller.
 * Every other module gets this as `openInBrowser`.
 */
import { isExternalUrl } from './window-security.js';

export function openInBrowser(shell: { openExternal(url: string): Promise<void> }, url: string): Promise<void> {
  if (!isExternalUrl(url)) return Promise.reject(new Error(`refused to open a non-http(s) URL outside the app`));
  return shell.openExternal(url);
}
