export { BenchmarksView } from './BenchmarksView';
export { BenchmarkView } from './BenchmarkView';
export { BenchmarkResults, type BenchmarkResultsProps } from './BenchmarkResults';
