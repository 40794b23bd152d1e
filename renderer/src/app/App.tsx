import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { createHashRouter, Navigate, RouterProvider } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { getToken, onTokenChange } from '@/api';
import { Spinner } from '@/ui';
import { queryClient } from './query-client';
import { Frame } from './Frame';
import { SignIn } from './SignIn';
import { NotFound } from './NotFound';
import { OverviewView } from '@/features/overview';

// Each feature is its own chunk: the first view loads only what it shows (the editor and CodeMirror stay out).
const FilesView = lazy(() => import('@/features/files').then((m) => ({ default: m.FilesView })));
const DatasetEditorView = lazy(() => import('@/features/datasets').then((m) => ({ default: m.DatasetEditorView })));
const NewDatasetView = lazy(() => import('@/features/datasets').then((m) => ({ default: m.NewDatasetView })));
const ValidationView = lazy(() => import('@/features/validation').then((m) => ({ default: m.ValidationView })));
const JobsView = lazy(() => import('@/features/jobs').then((m) => ({ default: m.JobsView })));
const JobView = lazy(() => import('@/features/jobs').then((m) => ({ default: m.JobView })));
const NewJobView = lazy(() => import('@/features/new-job').then((m) => ({ default: m.NewJobView })));
const ModelsView = lazy(() => import('@/features/models').then((m) => ({ default: m.ModelsView })));
const BenchmarksView = lazy(() => import('@/features/benchmarks').then((m) => ({ default: m.BenchmarksView })));
const BenchmarkView = lazy(() => import('@/features/benchmarks').then((m) => ({ default: m.BenchmarkView })));
const ExperimentsView = lazy(() => import('@/features/experiments').then((m) => ({ default: m.ExperimentsView })));
const SetupView = lazy(() => import('@/features/setup').then((m) => ({ default: m.SetupView })));
const PlaygroundView = lazy(() => import('@/features/playground').then((m) => ({ default: m.PlaygroundView })));
const SettingsView = lazy(() => import('@/features/settings').then((m) => ({ default: m.SettingsView })));

const page = (node: ReactNode) => (
  <Suspense
    fallback={
      <div className="page">
        <Spinner />
      </div>
    }
  >
    {node}
  </Suspense>
);

/** Created on first render, after main.tsx has taken the token out of the URL fragment. */
const makeRouter = () =>
  createHashRouter([
  {
    element: <Frame />,
    children: [
      { index: true, element: <Navigate to="/overview" replace /> },
      { path: 'overview', element: <OverviewView /> },
      { path: 'files', element: page(<FilesView />) },
      { path: 'files/:fileId/edit', element: page(<DatasetEditorView />) },
      { path: 'files/:fileId/validation', element: page(<ValidationView />) },
      { path: 'datasets/new', element: page(<NewDatasetView />) },
      { path: 'setup', element: page(<SetupView />) },
      { path: 'settings', element: page(<SettingsView />) },
      { path: 'jobs', element: page(<JobsView />) },
      { path: 'jobs/new', element: page(<NewJobView />) },
      { path: 'jobs/:jobId', element: page(<JobView />) },
      { path: 'models', element: page(<ModelsView />) },
      { path: 'benchmarks', element: page(<BenchmarksView />) },
      { path: 'benchmarks/:benchmarkId', element: page(<BenchmarkView />) },
      { path: 'experiments', element: page(<ExperimentsView />) },
      { path: 'playground', element: page(<PlaygroundView />) },
      { path: '*', element: <NotFound /> },
    ],
  },
  ]);
let router: ReturnType<typeof makeRouter> | null = null;

export function App() {
  const [token, setTokenState] = useState(getToken);
  const [expired, setExpired] = useState(false);
  useEffect(
    () =>
      onTokenChange((t) => {
        setExpired(t === null);
        if (t === null) queryClient.clear();
        setTokenState(t);
      }),
    [],
  );
  return <QueryClientProvider client={queryClient}>{token ? <RouterProvider router={(router ??= makeRouter())} /> : <SignIn expired={expired} />}</QueryClientProvider>;
}
