/** The wizard's form (view state): kept while navigating away and back; Reset starts over. */
import { create } from 'zustand';
import { initialForm, type AutoHp, type AutoValue, type FormState } from './form';

interface FormStore extends FormState {
  set(p: Partial<FormState>): void;
  setHp(k: AutoHp, v: Partial<AutoValue>): void;
  reset(): void;
}

export const useNewJobForm = create<FormStore>((set, get) => ({
  ...initialForm(),
  set: (p) => set(p),
  setHp: (k, v) => set({ hp: { ...get().hp, [k]: { ...get().hp[k], ...v } } }),
  reset: () => set(initialForm()),
}));

/** The plain form values (without the store's functions). */
export function formOf(s: FormStore): FormState {
  const { set: _s, setHp: _h, reset: _r, ...form } = s;
  return form;
}
