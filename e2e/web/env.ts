/** One place for the e2e server's coordinates (used by the config and the tests). */
import { resolve } from 'node:path';

export const E2E_PORT = Number(process.env.HONE_E2E_PORT ?? 8791);
export const E2E_KEY = 'e2e-key-0123456789abcdef';
export const E2E_DATA_DIR = resolve(import.meta.dirname, '../../test-results/e2e-data');
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');
