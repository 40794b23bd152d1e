/**
 * The JSON-lines reader's edge cases, against small real Python scripts standing in for the installer
 * (the manager's own tests run the real one): partial lines, non-JSON output, a crash without an
 * error event, pip dying, a timeout and cancel killing the whole process tree.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, parseEvent, runInstaller, type InstallerEvent } from './installer-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hone-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PY = '/usr/bin/python3';

function script(name: string, body: string): string {
  const p = join(dir, `${name}.py`);
  writeFileSync(p, `import sys, time, json\n${body}\n`);
  return p;
}

async function run(body: string, timeoutMs = 20_000) {
  const events: InstallerEvent[] = [];
  const h = runInstaller({ python: PY, script: script(`s${Math.random().toString(36).slice(2)}`, body), args: [], timeoutMs, onEvent: (e) => events.push(e), killGraceMs: 500 });
  return { h, events, result: await h.result };
}

describe('installer JSON-lines reader', () => {
  it('joins lines split across chunks and keeps non-JSON lines as log', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('{"event":"st');
    s.push('ep","step":"venv","status":"running","message":"x"}\nplain text\r\n{"event":"log"');
    expect(lines).toEqual(['{"event":"step","step":"venv","status":"running","message":"x"}', 'plain text']);
    s.push(',"line":"tail"}');
    s.flush();
    expect(lines.at(-1)).toBe('{"event":"log","line":"tail"}');
    expect(parseEvent(lines[0]!)).toEqual({ event: 'step', step: 'venv', status: 'running', message: 'x' });
    expect(parseEvent('plain text')).toBeNull();
    expect(parseEvent('{"event":"step"}')).toBeNull(); // not a whole step: kept as log
    expect(parseEvent('{"broken json')).toBeNull();
  });

  it('a run that ends with done: events in order, byte-split writes, stray output as log', async () => {
    const { events, result } = await run(`
w = sys.stdout.write
w('{"event":"step","step":"verify","sta'); sys.stdout.flush(); time.sleep(0.2)
w('tus":"running","message":"checking"}\\nnot json at all\\n')
w(json.dumps({"event":"progress","step":"download","done":1,"total":3,"bytes_done":10,"bytes_total":None,"item":"torch"}) + "\\n")
print("warning on stderr", file=sys.stderr)
w(json.dumps({"event":"done","env":{"format":1,"torch_version":"2.13.0"}}))  # no final newline
`);
    expect(result).toMatchObject({ exitCode: 0, error: null, cancelled: false, env: { torch_version: '2.13.0' } });
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['step', 'log', 'progress', 'done']));
    expect(events).toContainEqual({ event: 'log', line: 'not json at all' });
    expect(events).toContainEqual({ event: 'log', line: 'warning on stderr' });
    expect(events.find((e) => e.event === 'progress')).toMatchObject({ done: 1, total: 3, bytes_total: null, item: 'torch' });
  });

  it("the installer's own error event wins over the exit code", async () => {
    const { result } = await run(`print(json.dumps({"event":"error","code":"disk_full","message":"Only 1 GB free","detail":None})); sys.exit(1)`);
    expect(result.error).toEqual({ code: 'disk_full', message: 'Only 1 GB free', detail: null });
  });

  it('dying without an error event → installer_crashed with the last stderr lines', async () => {
    const { result } = await run(`print('{"event":"step","step":"venv","status":"running","message":"m"}'); raise RuntimeError("boom in venv")`);
    expect(result.error?.code).toBe('installer_crashed');
    expect(result.error?.message).toMatch(/stopped unexpectedly \(exit code 1\)/);
    expect(result.error?.detail).toMatch(/RuntimeError: boom in venv/);
  });

  it("pip's own failure text without an error event → pip_failed", async () => {
    const { result } = await run(`print("ERROR: No matching distribution found for torch==2.13.0", file=sys.stderr); sys.exit(3)`);
    expect(result.error?.code).toBe('pip_failed');
    expect(result.error?.message).toMatch(/No matching distribution found for torch/);
  });

  it('exit 0 without done is not a success', async () => {
    const { result } = await run(`print("hello")`);
    expect(result.error?.code).toBe('installer_crashed');
    expect(result.error?.message).toMatch(/without reporting its result/);
  });

  it('a timeout kills the installer and its children', async () => {
    const t0 = Date.now();
    const { result } = await run(`import subprocess; subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]); time.sleep(60)`, 1_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(result.error?.code).toBe('installer_timeout');
  });

  it('cancel kills the process tree (the grandchild too) and reports cancelled', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const events: InstallerEvent[] = [];
    const h = runInstaller({
      python: PY,
      script: script('cancel', `import subprocess\np = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])\nopen(${JSON.stringify(pidFile)}, "w").write(str(p.pid))\nprint('{"event":"step","step":"download","status":"running","message":"d"}', flush=True)\ntime.sleep(60)`),
      args: [],
      timeoutMs: 60_000,
      onEvent: (e) => events.push(e),
      killGraceMs: 500,
    });
    while (!events.length) await new Promise((r) => setTimeout(r, 50));
    h.cancel();
    const result = await h.result;
    expect(result).toMatchObject({ cancelled: true, error: null });
    const { readFileSync } = await import('node:fs');
    const gpid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 800));
    // Gone, or a zombie nobody reaps (a container's init may not): either way no longer running.
    let state = 'gone';
    try {
      state = readFileSync(`/proc/${gpid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
    } catch {
      /* gone */
    }
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it('a grandchild that keeps stdout open does not hold the run once the installer exited', async () => {
    const t0 = Date.now();
    const { result } = await run(`import subprocess
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
print(json.dumps({"event":"done","env":{"format":1}}), flush=True)`);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(result).toMatchObject({ exitCode: 0, error: null, env: { format: 1 } });
  });

  it('an interpreter that does not exist → installer_crashed naming it', async () => {
    const h = runInstaller({ python: '/nonexistent/python3', script: 'x.py', args: [], timeoutMs: 5_000, onEvent: () => undefined });
    const r = await h.result;
    expect(r.error?.code).toBe('installer_crashed');
    expect(r.error?.message).toMatch(/could not be started with \/nonexistent\/python3/);
  });
});
