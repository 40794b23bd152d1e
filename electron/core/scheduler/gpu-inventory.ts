import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number | null;
  utilizationPercent: number | null;
  /** Degrees Celsius; null where nvidia-smi says [N/A] (optional: injected probes may leave it out). */
  temperatureC?: number | null;
}

/** The columns asked of nvidia-smi, in the order parseNvidiaSmi reads them. */
export const NVIDIA_SMI_FIELDS = 'index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu';

/** Where the GPU list comes from; tests inject their own. */
export type GpuProbe = () => Promise<GpuInfo[]>;

/**
 * Asks `nvidia-smi` for the GPUs. No driver, no binary, or an error → no GPUs (CPU mode).
 * `CUDA_VISIBLE_DEVICES` set for Hone itself limits what it schedules on.
 */
export const nvidiaSmiProbe: GpuProbe = async () => {
  try {
    const { stdout } = await run('nvidia-smi', [`--query-gpu=${NVIDIA_SMI_FIELDS}`, '--format=csv,noheader,nounits'], { timeout: 10_000 });
    return parseNvidiaSmi(stdout, process.env.CUDA_VISIBLE_DEVICES);
  } catch {
    return [];
  }
};

/** `nvidia-smi --format=csv,noheader,nounits` lines; "[N/A]" / "[Not Supported]" fields become null. */
export function parseNvidiaSmi(csv: string, visible?: string): GpuInfo[] {
  const num = (s: string | undefined) => {
    const n = Number((s ?? '').trim());
    return Number.isFinite(n) && (s ?? '').trim() !== '' ? n : null;
  };
  const gpus = csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [index, uuid, name, total, used, util, temp] = line.split(',').map((s) => s.trim());
      return {
        index: Number(index),
        uuid: uuid ?? '',
        name: name ?? 'GPU',
        memoryTotalMiB: num(total) ?? 0,
        memoryUsedMiB: num(used),
        utilizationPercent: num(util),
        // Only when the column was asked for (older callers' CSVs have six).
        ...(temp !== undefined ? { temperatureC: num(temp) } : {}),
      };
    })
    .filter((g) => Number.isInteger(g.index));
  if (visible === undefined || visible.trim() === '') return gpus;
  const allowed = new Set(visible.split(',').map((s) => s.trim()));
  return gpus.filter((g) => allowed.has(String(g.index)) || allowed.has(g.uuid));
}
