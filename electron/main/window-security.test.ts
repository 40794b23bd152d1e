import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, secureWindowOptions } from './window-security.js';

describe('window security', () => {
  it('isolates and sandboxes the renderer', () => {
    const w = secureWindowOptions('/p.cjs').webPreferences!;
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true });
  });
  it('allows only same-origin navigation', () => {
    expect(isAllowedNavigation('http://127.0.0.1:8017/jobs', 'http://127.0.0.1:8017')).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:8017.evil.com/', 'http://127.0.0.1:8017')).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:9999/', 'http://127.0.0.1:8017')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', 'http://127.0.0.1:8017')).toBe(false);
  });
});
