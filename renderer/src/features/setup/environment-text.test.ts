import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus } from '@shared/schemas/environment.js';
import { advice, headline, progressText, progressValue, torchBuild } from './environment-text';

const base: EnvironmentStatus = {
  object: 'hone.environment',
  status: 'ready',
  message: null,
  profile: 'dev',
  managed: true,
  python: '/x/.venv/bin/python',
  venv_dir: '/x/.venv',
  checking: false,
  python_version: '3.11.7',
  torch_version: '2.13.0+cpu',
  marker: null,
  base_python: null,
  actions: { install: { allowed: false, reason: 'r' }, repair: { allowed: true, reason: null }, reinstall: { allowed: false, reason: 'r' }, verify: { allowed: true, reason: null } },
  jobs: { running: 0, queued: 0 },
  current_run: null,
  last_run: null,
};

describe('environment panel text', () => {
  it('headline says ready with the torch build and when it was verified', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const s = { ...base, marker: { torch_variant: 'cpu', verified: { at: '2026-12-02T09:57:00+00:00' } } };
    expect(headline(s, now)).toEqual({ text: 'Ready: torch 2.13.0 (CPU build), verified 3 min ago', tone: 'ok' });
    expect(headline({ ...base, status: 'not_installed', torch_version: null }).text).toBe('Not installed yet');
    expect(headline({ ...base, status: 'broken', message: 'torch is not installed' }).text).toBe('Broken: torch is not installed');
  });

  it('progress as "n of m · sizes"', () => {
    expect(progressText({ done: 12, total: 48, bytes_done: 1.2e9, bytes_total: 3.4e9, item: 'torch' })).toBe('12 of 48 · 1.20 GB of 3.40 GB');
    expect(progressText({ done: 3, total: 10, bytes_done: 0, bytes_total: null, item: null })).toBe('3 of 10');
    expect(progressValue({ done: 3, total: 10, bytes_done: 0, bytes_total: null, item: null })).toBeCloseTo(0.3);
  });

  it('advice per error code', () => {
    expect(advice({ code: 'no_network', message: '', detail: null }).offerWheelhouse).toBe(true);
    expect(advice({ code: 'cuda_driver_too_old', message: '', detail: null }).offerCpu).toBe(true);
    expect(advice({ code: 'python_not_found', message: '', detail: null }).text).toMatch(/Install Python 3\.10/);
    expect(advice({ code: 'disk_full', message: '', detail: null }).text).toMatch(/Free space/);
    expect(torchBuild('2.13.0+cu128', null)).toBe('CUDA 12.8 build');
  });
});
