import type { ReactNode } from 'react';

/** What to do next when there is nothing to show. */
export function EmptyState({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children && <div>{children}</div>}
      {actions && <div className="row">{actions}</div>}
    </div>
  );
}
