import { PageHeader } from '@/ui';
/** Placeholder until the validation view lands. */
export function ValidationView() {
  return (
    <div className="page">
      <PageHeader title="Validation" />
    </div>
  );
}
