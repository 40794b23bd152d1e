import { PageHeader } from '@/ui';
/** Placeholder until the dataset editor lands. */
export function DatasetEditorView() {
  return (
    <div className="page">
      <PageHeader title="Dataset editor" />
    </div>
  );
}
export function NewDatasetView() {
  return (
    <div className="page">
      <PageHeader title="New dataset" />
    </div>
  );
}
