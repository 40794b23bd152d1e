/**
 * Saves what an API path returns as a file. Where the File System Access API exists the response
 * body is piped straight into the chosen file (nothing held in memory, fine for GBs); elsewhere
 * it falls back to a Blob and an <a download>, which does hold it. Returns false when the user
 * dismissed the save dialog.
 */
import { api } from '@/api';

interface SaveHandle {
  createWritable(): Promise<WritableStream<Uint8Array>>;
}
type SavePicker = (opts: { suggestedName: string }) => Promise<SaveHandle>;

export async function saveDownload(path: string, suggestedName: string): Promise<boolean> {
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (picker) {
    let handle: SaveHandle;
    try {
      handle = await picker({ suggestedName }); // first, while the click's user activation lasts
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return false;
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
  a.download = suggestedName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return true;
}
