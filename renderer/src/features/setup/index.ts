export { SetupView } from './SetupView';
