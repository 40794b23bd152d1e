/** Words of the offline-packs card, kept pure so they are unit-tested. */
import type { PackImport } from '@shared/schemas/packs.js';

export const BUILD_COMMANDS = [
  'npm run pack -- model Qwen/Qwen2.5-0.5B-Instruct --out /media/usb/qwen-pack --tar',
  'npm run pack -- benchmarks --tasks mmlu,arc_easy --out /media/usb/bench-pack --tar',
].join('\n');

export function importStatus(i: PackImport): { text: string; tone: 'info' | 'ok' | 'error' } {
  if (i.status === 'succeeded') return { text: 'Imported', tone: 'ok' };
  if (i.status === 'failed') return { text: 'Failed', tone: 'error' };
  const { bytes_done, bytes_total } = i.progress;
  return { text: `Importing ${bytes_total ? Math.floor((100 * bytes_done) / bytes_total) : 0}%`, tone: 'info' };
}

const SOURCES: Record<PackImport['source'], string> = { pack: 'pack folder', tar: 'pack .tar', model_dir: 'model directory', hub_cache: 'Hugging Face cache' };

/** "Model from a pack folder", "Benchmarks from a pack .tar". */
export function importTitle(i: PackImport): string {
  return `${i.kind === 'model' ? 'Model' : 'Benchmarks'} from a ${SOURCES[i.source]}`;
}

/** What a finished import made available, in one line. */
export function availableText(i: PackImport): string | null {
  if (i.status !== 'succeeded') return null;
  if (i.kind === 'benchmarks') return `Benchmarks: ${i.tasks.join(', ')} available offline`;
  return null;
}
