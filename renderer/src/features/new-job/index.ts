export { NewJobView } from './NewJobView';
