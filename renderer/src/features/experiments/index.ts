export { ExperimentsView } from './ExperimentsView';
export { experimentLink } from './links';
