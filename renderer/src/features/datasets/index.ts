export { DatasetEditorView, NewDatasetView } from './DatasetEditorView';
