import { PageHeader } from '@/ui';
/** Placeholder until the settings feature lands. */
export function SettingsView() {
  return (
    <div className="page">
      <PageHeader title="Settings" />
    </div>
  );
}
