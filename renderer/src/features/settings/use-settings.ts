/** Settings from the server, and one save per section (PATCH with only that section's fields). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Settings, type SettingsPatch } from '@shared/schemas/settings.js';
import { api } from '@/api';
import { toast } from '@/ui';

export const SETTINGS_KEY = ['settings'] as const;

export function useSettings() {
  return useQuery({ queryKey: SETTINGS_KEY, queryFn: ({ signal }) => api.get('/v1/hone/settings', Settings, { signal }) });
}

export function useSaveSettings(section: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => api.patch('/v1/hone/settings', Settings, { json: patch }),
    onSuccess: (s) => {
      qc.setQueryData(SETTINGS_KEY, s);
      toast(`${section} saved`);
    },
  });
}

/** Copies text; says so in a toast either way (the clipboard needs a focused, secure page). */
export async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied`);
  } catch {
    toast(`Could not copy the ${what.toLowerCase()}: select it and press Ctrl+C.`, 'error');
  }
}
