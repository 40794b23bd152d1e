export { PlaygroundView } from './PlaygroundView';
