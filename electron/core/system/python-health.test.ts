import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { trainerPython } from '../python/locate.js';
import { PythonHealthCache, invalidatePythonHealth, probePython } from './python-health.js';

describe('Python environment health', () => {
  it("the project's environment is ok, with Python and torch versions", async () => {
    const h = await probePython(trainerPython());
    expect(h).toMatchObject({ status: 'ok', message: null });
    expect(h.version).toMatch(/^3\.\d+\.\d+/);
    expect(h.torch).toMatch(/^\d+\.\d+/);
  });

  it('a missing interpreter says so and how to fix it', async () => {
    const h = await probePython('/nonexistent/hone/.venv/bin/python');
    expect(h).toMatchObject({ status: 'missing', version: null, torch: null });
    expect(h.message).toMatch(/No Python found at \/nonexistent/);
    expect(h.message).toMatch(/npm run setup/);
    expect(h.message).not.toMatch(/HONE_PYTHON/);
    // A path from HONE_PYTHON: the fix may be the variable.
    expect((await probePython('/nonexistent/python', 10_000, true)).message).toMatch(/HONE_PYTHON sets this path/);
  });

  it.runIf(existsSync('/usr/bin/python3'))('a Python without torch is broken, with the fix', async () => {
    const h = await probePython('/usr/bin/python3');
    // Debian's own Python has no torch; if some machine has one there, it must then lack hone_trainer.
    expect(h.status).toBe('broken');
    expect(h.version).toMatch(/^3\./);
    expect(h.message).toMatch(/(torch is not installed|hone_trainer is not installed)/);
    expect(h.message).toMatch(/npm run setup/);
  });

  it('caches: a second call within the window does not probe again', async () => {
    const cache = new PythonHealthCache('/nonexistent/python', { okMs: 60_000, badMs: 60_000 });
    const a = await cache.get();
    const b = await cache.get();
    expect(b).toBe(a);
  });

  it('an install or repair (invalidatePythonHealth) makes every cache of that interpreter probe again', async () => {
    const cache = new PythonHealthCache('/nonexistent/python-inv', { okMs: 60_000, badMs: 60_000 });
    const a = await cache.get();
    invalidatePythonHealth('/nonexistent/python-inv');
    const b = await cache.get();
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
    expect(await cache.get()).toBe(b);
  });
});
