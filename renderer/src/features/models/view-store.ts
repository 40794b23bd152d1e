/** The Models view's filter (kind and text), kept while navigating away and back. */
import { create } from 'zustand';
import type { KindFilter } from './model-groups';

interface ModelsViewState {
  kind: KindFilter;
  q: string;
  set(p: Partial<Pick<ModelsViewState, 'kind' | 'q'>>): void;
}

export const useModelsView = create<ModelsViewState>((set) => ({ kind: 'all', q: '', set: (p) => set(p) }));
