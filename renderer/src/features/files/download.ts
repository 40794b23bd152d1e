/** Saves a file's content (streamed into the chosen file where the browser allows; see ui/save-download). */
import type { OpenAIFile } from '@shared/schemas/files.js';
import { saveDownload } from '@/ui';

/** Returns false when the user dismissed the save dialog. */
export const downloadFile = (file: OpenAIFile): Promise<boolean> => saveDownload(`/v1/files/${encodeURIComponent(file.id)}/content`, file.filename);
