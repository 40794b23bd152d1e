import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { createHashRouter, Navigate, RouterProvider } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { getToken, onTokenChange } from '@/api';
import { Spinner } from '@/ui';
import { queryClient } from './query-client';
import { Frame } from './Frame';
import { SignIn } from './SignIn';
import { ComingSoon } from './ComingSoon';
import { OverviewView } from './OverviewView';

// Each feature is its own chunk: the first view loads only what it shows (the editor and CodeMirror stay out).
const FilesView = lazy(() => import('@/features/files').then((m) => ({ default: m.FilesView })));
const DatasetEditorView = lazy(() => import('@/features/datasets').then((m) => ({ default: m.DatasetEditorView })));
const NewDatasetView = lazy(() => import('@/features/datasets').then((m) => ({ default: m.NewDatasetView })));
const ValidationView = lazy(() => import('@/features/validation').then((m) => ({ default: m.ValidationView })));
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
      { path: 'settings', element: page(<SettingsView />) },
      { path: 'jobs', element: <ComingSoon title="Jobs" /> },
      { path: 'models', element: <ComingSoon title="Models" /> },
      { path: 'benchmarks', element: <ComingSoon title="Benchmarks" /> },
      { path: 'experiments', element: <ComingSoon title="Experiments" /> },
      { path: '*', element: <ComingSoon title="Not found" /> },
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
