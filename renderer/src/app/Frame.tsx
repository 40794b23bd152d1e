import { NavLink, Outlet, useLocation } from 'react-router';
import { serverOrigin } from '@/api';
import { Toasts, ViewBoundary } from '@/ui';
import { NAV } from './nav';
import { useHealth } from './health';
import { useLiveUpdates } from './live';

/** Sidebar + the current view, with the server's address and health always visible. */
export function Frame() {
  const { status, ok } = useHealth();
  useLiveUpdates(); // the app's one live stream: jobs, benchmarks and system status
  const loc = useLocation();
  return (
    <div className="frame">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src="./icon.svg" alt="" />
          Hone
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} className={({ isActive }) => (isActive ? 'active' : undefined)}>
              <span aria-hidden="true">{n.icon}</span>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="sidebar-foot">
          <div className="health" data-testid="server-health">
            <span className={`dot ${ok ? '' : status === 'reconnecting' ? 'bad' : 'warn'}`} aria-hidden="true" />
            {ok ? 'Server online' : status === 'reconnecting' ? 'Reconnecting…' : 'Checking server…'}
          </div>
          <div className="mono" title="The Hone server this app talks to">
            {serverOrigin().replace(/^https?:\/\//, '')}
          </div>
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        {status === 'reconnecting' && (
          <div className="banner" role="status">
            <span className="spinner" aria-hidden="true" /> Lost the connection to the Hone server. Reconnecting… Nothing you entered is lost.
          </div>
        )}
        <ViewBoundary resetKey={loc.pathname}>
          <Outlet />
        </ViewBoundary>
      </main>
      <Toasts />
    </div>
  );
}
