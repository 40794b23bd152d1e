export { JobsView } from './JobsView';
export { JobView } from './JobView';
export { ExportList } from './ExportPanel';
