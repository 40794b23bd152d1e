/** Setup: the Python environment Hone trains with (install, repair, verify; offline from a wheelhouse) and offline packs. */
import { PageHeader } from '@/ui';
import { EnvironmentPanel } from './EnvironmentPanel';
import { PacksPanel } from './PacksPanel';

export function SetupView() {
  return (
    <>
      <PageHeader title="Setup" />
      <EnvironmentPanel />
      <PacksPanel />
    </>
  );
}
