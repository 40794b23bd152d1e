import { PageHeader } from '@/ui';
/** Placeholder until the files feature lands. */
export function FilesView() {
  return (
    <div className="page">
      <PageHeader title="Files" />
    </div>
  );
}
