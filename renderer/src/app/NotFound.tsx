import { Link } from 'react-router';
import { PageHeader } from '@/ui';

/** An address inside the app that no view answers. */
export function NotFound() {
  return (
    <div className="page">
      <PageHeader title="Not found" />
      <div className="card" style={{ maxWidth: 720 }}>
        <p>There is no view at this address. It may be an old link, or a job, file or model that was deleted.</p>
        <Link className="button primary" to="/overview">
          Go to the overview
        </Link>
      </div>
    </div>
  );
}
