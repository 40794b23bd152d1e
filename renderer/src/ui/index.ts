export { ErrorNotice } from './ErrorNotice';
export { FieldError } from './FieldError';
export { EmptyState } from './EmptyState';
export { ProgressBar } from './ProgressBar';
export { PageHeader } from './PageHeader';
export { ConfirmDialog } from './ConfirmDialog';
export { toast, Toasts } from './toast';
export { ViewBoundary } from './ViewBoundary';
export { Spinner } from './Spinner';
