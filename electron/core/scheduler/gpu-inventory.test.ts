import { describe, expect, it } from 'vitest';
import { NVIDIA_SMI_FIELDS, parseNvidiaSmi } from './gpu-inventory.js';

/**
 * What `nvidia-smi --query-gpu=<NVIDIA_SMI_FIELDS> --format=csv,noheader,nounits` prints: one line per
 * GPU, ", "-separated, "[N/A]" where a board cannot report a field (MIG slices, some passthrough VMs),
 * "[Not Supported]" on older boards.
 */
const FIXTURE = [
  '0, GPU-3e1f2b9c-8d7a-4c55-9f0e-1a2b3c4d5e6f, NVIDIA H200, 143771, 81234, 97, 64',
  '1, GPU-7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d, NVIDIA H200, 143771, 0, 0, 31',
  '2, GPU-00000000-1111-2222-3333-444444444444, NVIDIA A100-SXM4-40GB, 40960, [N/A], [N/A], [N/A]',
  '3, GPU-55555555-6666-7777-8888-999999999999, Tesla K80, 11441, 5, [Not Supported], 38',
  '',
].join('\n');

describe('parseNvidiaSmi with temperature', () => {
  it('asks nvidia-smi for the temperature last', () => {
    expect(NVIDIA_SMI_FIELDS.split(',')).toEqual(['index', 'uuid', 'name', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu']);
  });

  it('reads memory, utilisation and temperature; [N/A] and [Not Supported] become null', () => {
    const gpus = parseNvidiaSmi(FIXTURE);
    expect(gpus).toEqual([
      { index: 0, uuid: 'GPU-3e1f2b9c-8d7a-4c55-9f0e-1a2b3c4d5e6f', name: 'NVIDIA H200', memoryTotalMiB: 143771, memoryUsedMiB: 81234, utilizationPercent: 97, temperatureC: 64 },
      { index: 1, uuid: 'GPU-7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d', name: 'NVIDIA H200', memoryTotalMiB: 143771, memoryUsedMiB: 0, utilizationPercent: 0, temperatureC: 31 },
      { index: 2, uuid: 'GPU-00000000-1111-2222-3333-444444444444', name: 'NVIDIA A100-SXM4-40GB', memoryTotalMiB: 40960, memoryUsedMiB: null, utilizationPercent: null, temperatureC: null },
      { index: 3, uuid: 'GPU-55555555-6666-7777-8888-999999999999', name: 'Tesla K80', memoryTotalMiB: 11441, memoryUsedMiB: 5, utilizationPercent: null, temperatureC: 38 },
    ]);
  });

  it('keeps CUDA_VISIBLE_DEVICES filtering with the extra column', () => {
    expect(parseNvidiaSmi(FIXTURE, '1,GPU-55555555-6666-7777-8888-999999999999').map((g) => [g.index, g.temperatureC])).toEqual([
      [1, 31],
      [3, 38],
    ]);
  });

  it('an empty answer (no GPU) is CPU mode', () => {
    expect(parseNvidiaSmi('')).toEqual([]);
    expect(parseNvidiaSmi('No devices were found\n')).toEqual([]);
  });
});
