import { freemem } from 'node:os';
import type { GpuInfo } from '../scheduler/gpu-inventory.js';

export interface Fit {
  device: { kind: 'gpu' | 'cpu'; gpus_requested: number; gpus_free: number[] };
  /** The GPUs the memory was compared with (the job's likely assignment), or [] on the CPU. */
  gpus: GpuInfo[];
  memory: { required_mib: number | null; available_mib: number | null; fits: boolean; reason: string | null };
}

const gib = (mib: number) => `${(mib / 1024).toFixed(mib < 10 * 1024 ? 1 : 0)} GiB`;

/**
 * Whether `requiredMiB` (per device) fits where the job would run: on the CPU, the RAM free now
 * (MemAvailable); on GPUs, the `requested` GPUs with the most free memory among those no Hone job
 * holds (free = total − used, as nvidia-smi reports). When fewer are free, the job waits for Hone's
 * own jobs, so their GPUs count with their whole memory.
 */
export function fitOnDevice(requiredMiB: number, requested: number, gpus: GpuInfo[], held: Set<number>, freeRamBytes = freemem()): Fit {
  const free = gpus.filter((g) => !held.has(g.index));
  if (requested === 0) {
    const available = Math.round(freeRamBytes / 2 ** 20);
    const fits = requiredMiB <= available;
    return {
      device: { kind: 'cpu', gpus_requested: 0, gpus_free: free.map((g) => g.index) },
      gpus: [],
      memory: {
        required_mib: requiredMiB,
        available_mib: available,
        fits,
        reason: fits
          ? `Needs about ${gib(requiredMiB)} of RAM; ${gib(available)} is free.`
          : `Needs about ${gib(requiredMiB)} of RAM but only ${gib(available)} is free now: use a smaller batch_size or max_seq_length, or close other programs.`,
      },
    };
  }
  const device = { kind: 'gpu' as const, gpus_requested: requested, gpus_free: free.map((g) => g.index) };
  if (gpus.length < requested) {
    return {
      device,
      gpus: [],
      memory: { required_mib: requiredMiB, available_mib: null, fits: false, reason: `The job asks for ${requested} GPUs; this machine has ${gpus.length}.` },
    };
  }
  const freeMiB = (g: GpuInfo) => (held.has(g.index) ? g.memoryTotalMiB : g.memoryTotalMiB - (g.memoryUsedMiB ?? 0));
  const pool = free.length >= requested ? free : gpus;
  const chosen = [...pool].sort((a, b) => freeMiB(b) - freeMiB(a)).slice(0, requested);
  const available = Math.round(Math.min(...chosen.map(freeMiB)));
  const fits = requiredMiB <= available;
  const where = chosen.length === 1 ? `GPU ${chosen[0]!.index} (${chosen[0]!.name})` : `each of GPUs ${chosen.map((g) => g.index).join(', ')}`;
  const waits = pool === gpus && free.length < requested ? ' once the running jobs end' : '';
  return {
    device,
    gpus: chosen,
    memory: {
      required_mib: requiredMiB,
      available_mib: available,
      fits,
      reason: fits
        ? `Needs about ${gib(requiredMiB)} per GPU; ${where} has ${gib(available)} free${waits}.`
        : `Needs about ${gib(requiredMiB)} per GPU but ${where} has ${gib(available)} free${waits}: try QLoRA (hone qlora), a smaller batch_size or max_seq_length, or more GPUs.`,
    },
  };
}
