/** Whether the server answers: the frame shows "reconnecting" while it does not, and recovers by itself. */
import { create } from 'zustand';

type Status = 'online' | 'reconnecting';

interface ConnectionState {
  status: Status;
  since: number | null;
  set(status: Status): void;
}

export const useConnection = create<ConnectionState>((set, get) => ({
  status: 'online',
  since: null,
  set: (status) => {
    if (get().status !== status) set({ status, since: status === 'online' ? null : Date.now() });
  },
}));
