/**
 * Saves a file's content. Where the File System Access API exists the response body is piped
 * straight into the chosen file (nothing held in memory, fine for GBs); elsewhere it falls back
 * to a Blob and an <a download>, which does hold the file.
 */
import { api } from '@/api';
import type { OpenAIFile } from '@shared/schemas/files.js';
import { isAbort } from './retry';

interface SaveHandle {
  createWritable(): Promise<WritableStream<Uint8Array>>;
}
type SavePicker = (opts: { suggestedName: string }) => Promise<SaveHandle>;

/** Returns false when the user dismissed the save dialog. */
export async function downloadFile(file: OpenAIFile): Promise<boolean> {
  const path = `/v1/files/${encodeURIComponent(file.id)}/content`;
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (picker) {
    let handle: SaveHandle;
    try {
      handle = await picker({ suggestedName: file.filename }); // first, while the click's user activation lasts
    } catch (e) {
      if (isAbort(e)) return false;
      throw e;
    }
    const res = await api.raw('GET', path);
    await res.body!.pipeTo(await handle.createWritable());
    return true;
  }
  const res = await api.raw('GET', path);
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = file.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return true;
}
