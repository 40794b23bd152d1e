/**
 * One place for the e2e server's coordinates (used by the config and the tests). The runner picks
 * the port once (from its pid, so two runs on one machine do not collide) and its workers inherit it.
 */
import { resolve } from 'node:path';

process.env.HONE_E2E_PORT ??= String(20000 + (process.pid % 20000));
export const E2E_PORT = Number(process.env.HONE_E2E_PORT);
export const E2E_KEY = 'e2e-key-0123456789abcdef';
export const E2E_DATA_DIR = resolve(import.meta.dirname, `../../test-results/e2e-data-${E2E_PORT}`);
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');

/**
 * The second server, for the flows that need MLflow and post-job benchmarks (the seed flow, the
 * Experiments view): same key, its own port and data dir. MLflow starts on its first use.
 */
export const E2E_FULL_PORT = E2E_PORT + 1;
export const E2E_FULL_DATA_DIR = resolve(import.meta.dirname, `../../test-results/e2e-data-${E2E_FULL_PORT}`);
