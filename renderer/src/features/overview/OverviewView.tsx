import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { JobList } from '@shared/schemas/jobs.js';
import { api, keys, useLiveStream, useSystemStatus } from '@/api';
import { ErrorNotice, PageHeader } from '@/ui';
import { ComputeSection } from './ComputeSection';
import { QueueSection } from './QueueSection';
import { RecentJobs } from './RecentJobs';
import { HealthSection } from './HealthSection';
import { GettingStarted } from './GettingStarted';
import { ServingSection } from './ServingSection';
import './overview.css';

const RECENT = { limit: 5 };

/**
 * The app's home: what this machine is doing (GPUs or the CPU slot, the queue, recent jobs) and
 * whether what Hone needs is healthy. Everything on it is kept current by the app's one live stream.
 */
export function OverviewView() {
  const system = useSystemStatus();
  const live = useLiveStream((s) => s.connected);
  const recent = useQuery({ queryKey: keys.jobs.list(RECENT), queryFn: ({ signal }) => api.get('/v1/fine_tuning/jobs', JobList, { query: RECENT, signal }) });
  const noJobs = recent.data !== undefined && recent.data.data.length === 0;
  return (
    <div className="page ov">
      <PageHeader
        title="Overview"
        subtitle={
          <span className="ov-live" data-testid="live-state">
            <span className={`dot ${live ? '' : 'warn'}`} aria-hidden="true" />
            {live ? 'What this machine is doing, updated live.' : 'What this machine is doing. Connecting to live updates…'}
          </span>
        }
        actions={
          <>
            <Link className="button primary" to="/jobs/new">
              New fine-tuning job
            </Link>
            <Link className="button" to="/files">
              Upload a dataset
            </Link>
          </>
        }
      />
      {system.error && !system.data && <ErrorNotice error={system.error} onRetry={() => void system.refetch()} />}
      {noJobs && <GettingStarted />}
      {/* GPU cards take the full width (several a row); the CPU card sits beside the queue. */}
      <div className={`ov-columns${system.data?.gpus.mode === 'gpu' ? ' ov-stacked' : ''}`}>
        <ComputeSection status={system.data} />
        <QueueSection status={system.data} />
      </div>
      <ServingSection live={system.data?.serving} />
      <RecentJobs query={recent} />
      <HealthSection status={system.data} />
    </div>
  );
}
