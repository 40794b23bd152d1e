/** `/settings`: the API key and SDK snippet, what this machine has, and Hone's editable settings. */
import { ErrorNotice, PageHeader, Spinner } from '@/ui';
import { ApiKeyCard } from './ApiKeyCard';
import { SdkSnippet } from './SdkSnippet';
import { SystemCards } from './SystemCards';
import { BenchmarksForm, HfTokenForm, JudgeForm, MlflowForm } from './PreferenceForms';
import { useSettings } from './use-settings';
import './settings.css';

export function SettingsView() {
  const q = useSettings();
  return (
    <div className="page settings-view">
      <PageHeader title="Settings" subtitle="Connect scripts to Hone, see what this machine offers, and set where runs are tracked and judged." />
      {q.isPending && <Spinner label="Loading settings" />}
      {q.isError && <ErrorNotice error={q.error} onRetry={() => void q.refetch()} title="Could not load the settings" />}
      {q.data && (
        <div className="settings-grid">
          <ApiKeyCard apiKey={q.data.api_key} />
          <SdkSnippet url={q.data.server.url} />
          <SystemCards s={q.data} />
          <MlflowForm s={q.data} />
          <HfTokenForm s={q.data} />
          <JudgeForm s={q.data} />
          <BenchmarksForm s={q.data} />
        </div>
      )}
    </div>
  );
}
