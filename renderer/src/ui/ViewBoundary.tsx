import { Component, type ReactNode } from 'react';
import { Link } from 'react-router';

/** One per view: a crash shows what happened and a way back, never a blank screen. */
export class ViewBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <div className="notice error" role="alert">
          <div>
            <strong>This view ran into a problem.</strong>
            <p className="mono">{this.state.error.message}</p>
            <div className="row">
              <button type="button" onClick={() => this.setState({ error: null })}>
                Try again
              </button>
              <Link className="button" to="/files">
                Back to Files
              </Link>
            </div>
          </div>
        </div>
      </div>
    );
  }
}
