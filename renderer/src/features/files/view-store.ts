/** The list's view state (search, filter, sort, page): kept while navigating away and back. */
import { create } from 'zustand';
import type { ListState } from './list-params';

interface ViewStore extends ListState {
  purposeForUpload: string;
  set(p: Partial<ListState & { purposeForUpload: string }>): void;
}

export const useFilesView = create<ViewStore>((set) => ({
  q: '',
  purpose: '',
  sort: 'created_at',
  order: 'desc',
  page: 0,
  purposeForUpload: 'fine-tune',
  set: (p) => set(p),
}));
