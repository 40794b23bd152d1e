export { ValidationView } from './ValidationView';
