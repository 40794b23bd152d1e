/** The sidebar, in one place. */
export const NAV = [
  { to: '/overview', label: 'Overview', icon: '◎' },
  { to: '/files', label: 'Files', icon: '▤' },
  { to: '/jobs', label: 'Jobs', icon: '▶' },
  { to: '/models', label: 'Models', icon: '◆' },
  { to: '/playground', label: 'Playground', icon: '✎' },
  { to: '/benchmarks', label: 'Benchmarks', icon: '▥' },
  { to: '/experiments', label: 'Experiments', icon: '◇' },
  { to: '/setup', label: 'Setup', icon: '⬡' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
] as const;
