/** The sidebar, in one place. `soon`: a view of "The Hone app, part 2" not built yet. */
export const NAV = [
  { to: '/overview', label: 'Overview', icon: '◎', soon: false },
  { to: '/files', label: 'Files', icon: '▤', soon: false },
  { to: '/jobs', label: 'Jobs', icon: '▶', soon: true },
  { to: '/models', label: 'Models', icon: '◆', soon: true },
  { to: '/benchmarks', label: 'Benchmarks', icon: '▥', soon: true },
  { to: '/experiments', label: 'Experiments', icon: '◇', soon: true },
  { to: '/settings', label: 'Settings', icon: '⚙', soon: false },
] as const;
